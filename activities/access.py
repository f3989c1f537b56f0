"""Who may see and change which activities. Every activities view fetches through these.

URLs name the organisation the person is working as (`/organisations/<code>/activities/...`):

- its members read its whole register (viewers too); its leads and contributors record, change
  and close its activities; its leads publish them. A viewer's write is a 403;
- the other organisations of its systems see the shared part of its activities (never the
  internal notes, the participants' profile or what was heard), through their own register's
  URLs: a partner's activity is readable, and a 403 to change;
- everyone else, CQC staff included, gets a 404: the register is the system's working record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from activities.models import Activity
from activities.systems import Member, system_members
from organisations.access import membership_in
from organisations.models import Membership, Organisation


@dataclass
class Register:
    """An organisation's register as one of its members sees it."""

    organisation: Organisation
    membership: Membership
    _members: list[Member] | None = None

    @property
    def can_edit(self) -> bool:
        return self.membership.can_edit

    @property
    def is_lead(self) -> bool:
        return self.membership.role == Membership.Role.LEAD

    def members(self) -> list[Member]:
        """Asked once a request (one query): the organisations of its systems, its own too, by
        name."""
        if self._members is None:
            self._members = system_members(self.organisation)
        return self._members

    def system_ids(self) -> set[int]:
        return {m.pk for m in self.members()}

    def places(self) -> list[Member]:
        """The local authority areas of its systems, by name."""
        return [m for m in self.members() if m.type == Organisation.Type.LOCAL_AUTHORITY]

    def owns(self, activity: Activity) -> bool:
        return activity.organisation_id == self.organisation.pk


def get_register(user, code: str) -> Register:
    """The register of an organisation the person belongs to; a 404 for anyone else."""
    membership = membership_in(user, code)
    if membership is None:
        raise Http404("No such organisation")
    return Register(membership.organisation, membership)


def get_register_for_editor(user, code: str) -> Register:
    register = get_register(user, code)
    if not register.can_edit:
        raise PermissionDenied("Only the organisation's leads and contributors can change its activities")
    return register


def get_register_for_lead(user, code: str) -> Register:
    register = get_register(user, code)
    if not register.is_lead:
        raise PermissionDenied("Only the organisation's leads can do this")
    return register


def visible_activities(register: Register) -> QuerySet[Activity]:
    """The organisation's own activities and those of the other organisations of its systems."""
    return Activity.objects.filter(organisation_id__in=register.system_ids())


def get_activity(user, code: str, activity_id: int) -> tuple[Register, Activity]:
    register = get_register(user, code)
    try:
        # Its "You said, we did" entry too (none: None), for its page.
        activity = (
            visible_activities(register).select_related("organisation", "publication").get(pk=activity_id)
        )
    except Activity.DoesNotExist:
        raise Http404("No such activity") from None
    return register, activity


def get_activity_for_editor(user, code: str, activity_id: int) -> tuple[Register, Activity]:
    """404 if the person cannot see it, 403 if they see it (a partner's, or as a viewer) but may
    not change it."""
    register, activity = get_activity(user, code, activity_id)
    if not register.owns(activity) or not register.can_edit:
        raise PermissionDenied("Only the lead organisation's leads and contributors can change this activity")
    return register, activity


def get_activity_for_lead(user, code: str, activity_id: int) -> tuple[Register, Activity]:
    register, activity = get_activity(user, code, activity_id)
    if not register.owns(activity) or not register.is_lead:
        raise PermissionDenied("Only the lead organisation's leads can do this")
    return register, activity
