"""The home page's sections: each a small builder that says what one kind of person should do
next, in a fixed number of queries however much data there is.

A builder takes the request and returns a `Section` (or None when it has nothing to say to this
person). To add one (overdue actions, notifications), write a builder and append it to
`BUILDERS`; its template is `home/sections/<name>.html`, which reads `section.context`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from organisations.models import Invitation, Membership, Organisation
from organisations.roles import is_site_admin


@dataclass
class Section:
    name: str
    context: dict = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"home/sections/{self.name}.html"


def _open_invitations():
    return Invitation.objects.filter(
        accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitations_waiting(request: HttpRequest) -> Section | None:
    """Leads: invitations to their organisations not yet accepted, per organisation (one query)."""
    led = Membership.objects.filter(user=request.user, role=Membership.Role.LEAD).values("organisation_id")
    rows = list(
        _open_invitations()
        .filter(organisation__in=led)
        .values("organisation__code", "organisation__name")
        .annotate(count=Count("pk"))
        .order_by("organisation__name")
    )
    return Section("invitations_waiting", {"rows": rows}) if rows else None


def site_admin_people(request: HttpRequest) -> Section | None:
    """Site admins: organisations with no lead, and invitations not yet accepted (two queries)."""
    if not is_site_admin(request.user):
        return None
    leaderless = list(
        Organisation.objects.annotate(
            leads=Count("memberships", filter=Q(memberships__role=Membership.Role.LEAD))
        )
        .filter(leads=0)
        .order_by("name")
        .values("code", "name")[:10]
    )
    return Section(
        "site_admin_people",
        {"leaderless": leaderless, "open_invitations": _open_invitations().count()},
    )


BUILDERS: list[Callable[[HttpRequest], Section | None]] = [invitations_waiting, site_admin_people]


def sections_for(request: HttpRequest) -> list[Section]:
    return [section for builder in BUILDERS if (section := builder(request)) is not None]
