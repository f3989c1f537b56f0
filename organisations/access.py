"""Access helpers: every organisation-owned object is fetched through these (organisations here,
self-assessments in `assessments/access.py`, evidence in `evidence/access.py`).

One pair per object type (healthchecks' `_get_check_for_user` is the model). The object is
looked up in a queryset already scoped to what the person may see, so another organisation's
object is a 404 (never a 403: a 403 would confirm that the id exists). A person who may see the
object but not change it gets a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from organisations.models import Membership, Organisation
from organisations.roles import is_assessor, is_site_admin


def organisations_for(user) -> QuerySet[Organisation]:
    """The organisations a person may read: their own, or all of them for CQC assessors."""
    if is_assessor(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


def get_organisation_for_user(user, code: str) -> Organisation:
    try:
        return organisations_for(user).get(code=code)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation") from None


def membership_for(user, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def get_organisation_for_lead(user, code: str) -> Organisation:
    """An organisation the person leads: 404 if they cannot see it, 403 if they do not lead it."""
    organisation = get_organisation_for_user(user, code)
    membership = membership_for(user, organisation)
    if membership is None or membership.role != Membership.Role.LEAD:
        raise PermissionDenied("Only the organisation's leads can do this")
    return organisation


def get_organisation_for_inviter(user, code: str) -> Organisation:
    """An organisation whose people the person may invite and remove: its leads' (404 if they
    cannot see it, 403 if they do not lead it), and every organisation for site admins, who
    invite an organisation's first lead."""
    if is_site_admin(user):
        try:
            return Organisation.objects.get(code=code)
        except Organisation.DoesNotExist:
            raise Http404("No such organisation") from None
    return get_organisation_for_lead(user, code)
