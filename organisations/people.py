"""People as the pages name them, and whom to ask.

- `partner_names`: which members of an organisation speak for a partner, so that what they
  write shows "Kiran Shah, Healthwatch Northmoor" (the `person` template filter).
- `who_can_start`: the people who can start an organisation's work, so that a member of an
  organisation with no lead is never left at a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from organisations.models import Membership, Organisation, systems_of


def partner_names(organisation: Organisation) -> dict[int, str]:
    """User id -> the partner's name, for this organisation's members who speak for a partner.
    One query, however many people and answers the page shows."""
    return dict(
        Membership.objects.filter(organisation=organisation, partner__isnull=False).values_list(
            "user_id", "partner__name"
        )
    )


def partner_of(user_field: str, organisation_id: int) -> Subquery:
    """An annotation: the name of the partner the person in `user_field` speaks for in this
    organisation, or None. Read with the rows the page loads anyway, so naming partners costs
    no query of its own."""
    return Subquery(
        Membership.objects.filter(user=OuterRef(user_field), organisation_id=organisation_id).values(
            "partner__name"
        )[:1]
    )


def name_of(user, partners: dict[int, str] | None = None) -> str:
    """ "Amara Okafor", or "Kiran Shah, Healthwatch Northmoor" for a partner's person."""
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    partner = (partners or {}).get(user.pk)
    return f"{name}, {partner}" if partner else name


@dataclass
class WhoCanStart:
    """Who can start an organisation's work (its leads) and, when it has none, who else to ask."""

    organisation: Organisation
    leads: list[Membership] = field(default_factory=list)
    # For a partner with no lead: the leads of its systems' ICS and local authorities, whose
    # self-assessments its people contribute to.
    system_leads: list[Membership] = field(default_factory=list)

    @property
    def is_partner(self) -> bool:
        return self.organisation.type == Organisation.Type.PARTNER


def who_can_start(organisation: Organisation) -> WhoCanStart:
    """Two queries at most."""
    leads = list(
        Membership.objects.filter(organisation=organisation, role=Membership.Role.LEAD)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    answer = WhoCanStart(organisation=organisation, leads=leads)
    if not leads and organisation.type == Organisation.Type.PARTNER:
        systems = systems_of(organisation).values("pk")
        answer.system_leads = list(
            Membership.objects.filter(
                Q(organisation__system__in=systems) | Q(organisation__systems_as_local_authority__in=systems),
                role=Membership.Role.LEAD,
            )
            .distinct()
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name")
        )
    return answer
