"""Access helpers: every organisation-owned object is fetched through these (organisations here,
self-assessments in `assessments/access.py`, evidence in `evidence/access.py`).

One pair per object type (healthchecks' `_get_check_for_user` is the model). The object is
looked up in a queryset already scoped to what the person may see, so another organisation's
object is a 404 (never a 403: a 403 would confirm that the id exists). A person who may see the
object but not change it gets a 403.
"""

from __future__ import annotations

from itertools import count

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from organisations.models import Membership, Organisation
from organisations.roles import is_assessor, is_site_admin

# ---------------------------------------------------------------------------------------------
# The person's memberships, read once a request
#
# Every signed-in page needs the person's memberships: the navigation links to their first
# organisation's pages, and the page itself looks up their role in the organisation it shows.
# `memberships_of` reads them all (with each organisation) in one query and keeps the list on
# the user object, as Django keeps permissions there (`_perm_cache`): a request's user object is
# made afresh for each request, so a change made anywhere counts from the person's next request.
# Within one process, saving or deleting any membership (a lead removed, a role changed) also
# makes every kept list stale at once, for code that holds a user object across such a change.

_MEMBERSHIPS = "_portal_memberships"
_generation = count()
_current_generation = next(_generation)


def _memberships_changed(**kwargs) -> None:
    global _current_generation
    _current_generation = next(_generation)


post_save.connect(_memberships_changed, sender=Membership, dispatch_uid="organisations.access.memberships")
post_delete.connect(_memberships_changed, sender=Membership, dispatch_uid="organisations.access.memberships")


def memberships_of(user) -> list[Membership]:
    """The person's memberships, with their organisations (and partners), by organisation name."""
    if not user.is_authenticated:
        return []
    kept = getattr(user, _MEMBERSHIPS, None)
    if kept is not None and kept[0] == _current_generation:
        return kept[1]
    generation = _current_generation
    memberships = list(
        Membership.objects.filter(user_id=user.pk)
        .select_related("organisation", "partner")
        .order_by("organisation__name", "pk")
    )
    setattr(user, _MEMBERSHIPS, (generation, memberships))
    return memberships


def membership_in(user, code: str) -> Membership | None:
    """The person's membership of the organisation with this code (its organisation loaded), or
    None when they are not a member."""
    return next((m for m in memberships_of(user) if m.organisation.code == code), None)


def organisations_for(user) -> QuerySet[Organisation]:
    """The organisations a person may read: their own, or all of them for CQC assessors."""
    if is_assessor(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


def get_organisation_for_user(user, code: str) -> Organisation:
    if not is_assessor(user):
        # A member's own organisations are among their memberships, read once a request.
        membership = membership_in(user, code)
        if membership is None:
            raise Http404("No such organisation")
        return membership.organisation
    try:
        return organisations_for(user).get(code=code)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation") from None


def membership_for(user, organisation: Organisation) -> Membership | None:
    return next((m for m in memberships_of(user) if m.organisation_id == organisation.pk), None)


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
