"""Pages about organisations and their people: the list, an organisation's team, team roles."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from organisations import services
from organisations.access import (
    get_organisation_for_lead,
    get_organisation_for_user,
    membership_for,
    organisations_for,
)
from organisations.forms import MembershipRoleForm
from organisations.models import Membership, systems_of
from organisations.people import who_can_start


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every organisation for CQC assessors; your own for everyone else."""
    organisations = organisations_for(request.user).order_by("name")
    return render(request, "organisations/organisation_list.html", {"organisations": organisations})


@require_GET
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, code)
    membership = membership_for(request.user, organisation)
    people = organisation.memberships.select_related("user", "partner").order_by(
        "user__last_name", "user__first_name", "user__username"
    )
    can_manage = services.can_invite(request.user, organisation)
    systems = systems_of(organisation).select_related("ics").prefetch_related("local_authorities", "partners")
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "people": people,
            "is_lead": membership is not None and membership.role == Membership.Role.LEAD,
            "systems": systems,
            # Leads (and site admins) invite and remove people, and see invitations not yet accepted.
            "can_manage": can_manage,
            "invitations": list(
                organisation.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True)
                .select_related("organisation", "partner")
                .order_by("email")
            )
            if can_manage
            else [],
            "who_can_start": who_can_start(organisation) if membership is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
def membership_role(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    """A lead changes a team member's role. The membership is found within the lead's own
    organisation, so an id from another organisation is a 404."""
    organisation = get_organisation_for_lead(request.user, code)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_id, organisation=organisation
    )
    form = MembershipRoleForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        form.save()
        name = membership.user.get_full_name() or membership.user.username
        messages.success(request, f"{name} is now a {membership.get_role_display().lower()}.")
        return redirect("organisation_detail", code=organisation.code)
    return render(
        request,
        "organisations/membership_role.html",
        {"form": form, "organisation": organisation, "membership": membership},
    )
