"""Who may see and change an organisation's improvement plan. Every view fetches through these.

The plan is the organisation's: its members read it (viewers too); its leads record actions,
change them and their status, and decide on CQC's suggestions; its leads and contributors write
progress updates. A viewer's write is a 403. Everyone else, CQC staff included, gets a 404 for
every page (assessors see the actions beside each criterion of the review workspace instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from improvement.models import Action
from organisations.access import membership_in
from organisations.models import Membership, Organisation


@dataclass(frozen=True)
class Plan:
    """An organisation's plan as one of its members sees it."""

    organisation: Organisation
    membership: Membership

    @property
    def is_lead(self) -> bool:
        return self.membership.role == Membership.Role.LEAD

    @property
    def can_update(self) -> bool:
        """Progress updates: leads and contributors."""
        return self.membership.can_edit


def get_plan(user, code: str) -> Plan:
    membership = membership_in(user, code)
    if membership is None:
        raise Http404("No such organisation")
    return Plan(membership.organisation, membership)


def get_plan_for_lead(user, code: str) -> Plan:
    plan = get_plan(user, code)
    if not plan.is_lead:
        raise PermissionDenied("Only the organisation's leads can change its improvement plan")
    return plan


def get_plan_for_updater(user, code: str) -> Plan:
    plan = get_plan(user, code)
    if not plan.can_update:
        raise PermissionDenied("Only the organisation's leads and contributors can update progress")
    return plan


def get_action(plan: Plan, action_id: int) -> Action:
    """One of the organisation's actions: another organisation's id is a 404."""
    action = (
        Action.objects.filter(organisation=plan.organisation, pk=action_id)
        .select_related("owner", "assessment__cycle", "rubric_version", "created_by")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action
