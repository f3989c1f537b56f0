"""Bringing people in and taking them out: invitations, the invitation link, removing members,
and the site admins' page of people (organisations with no lead, CQC staff invitations).

Every write goes through services.py; a refusal there (bad input, the last lead, the throttle)
comes back as a GOV.UK error summary with nothing changed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from organisations import services
from organisations.access import get_organisation_for_inviter
from organisations.forms import InviteForm, NewAccountForm
from organisations.models import Invitation, Membership, Organisation, organisations_in_systems_of
from organisations.roles import ROLE_DESCRIPTIONS, is_site_admin


def _link_for(request: HttpRequest):
    def link(token: str) -> str:
        return request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))

    return link


def _add_errors(form, error: services.InvitationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _partners_for(organisation: Organisation) -> list[Organisation]:
    if organisation.type == Organisation.Type.PARTNER:
        return []
    return list(
        organisations_in_systems_of(organisation).filter(type=Organisation.Type.PARTNER).order_by("name")
    )


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """A lead (or a site admin) invites people to the organisation, several at once."""
    organisation = get_organisation_for_inviter(request.user, code)
    form = InviteForm(
        request.POST or None,
        roles=services.grantable_roles(request.user, organisation),
        partners=_partners_for(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invitations_create(
                organisation=organisation,
                emails_to_invite=form.cleaned_data["emails"],
                role=form.cleaned_data["role"],
                partner=form.partner_chosen(),
                by=request.user,
                link_for=_link_for(request),
            )
        except services.InvitationError as error:
            _add_errors(form, error)
        else:
            sent = ", ".join(invitation.email for invitation in made)
            messages.success(request, f"Invitation{'s' if len(made) > 1 else ''} sent to {sent}.")
            return redirect(
                reverse("organisation_detail", kwargs={"code": organisation.code}) + "#invitations"
            )
    return render(request, "organisations/invite.html", {"organisation": organisation, "form": form})


def _organisation_invitation(request: HttpRequest, code: str, invitation_id: int) -> Invitation:
    organisation = get_organisation_for_inviter(request.user, code)
    return get_object_or_404(
        Invitation.objects.select_related("organisation"), pk=invitation_id, organisation=organisation
    )


def _after(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if invitation.organisation_id is None:
        return redirect("people")
    return redirect(
        reverse("organisation_detail", kwargs={"code": invitation.organisation.code}) + "#invitations"
    )


def _resend(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        services.invitation_resend(invitation=invitation, by=request.user, link_for=_link_for(request))
    except services.InvitationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The invitation to {invitation.email} has been sent again, with a new link."
        )
    return _after(request, invitation)


def _cancel(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except services.InvitationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The invitation to {invitation.email} is cancelled: its link no longer works."
        )
    return _after(request, invitation)


@require_POST
def invitation_resend(request: HttpRequest, code: str, invitation_id: int) -> HttpResponse:
    return _resend(request, _organisation_invitation(request, code, invitation_id))


@require_POST
def invitation_cancel(request: HttpRequest, code: str, invitation_id: int) -> HttpResponse:
    return _cancel(request, _organisation_invitation(request, code, invitation_id))


@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    """A lead removes someone; they are signed out at once. The last lead cannot be removed."""
    organisation = get_organisation_for_inviter(request.user, code)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "partner"), pk=membership_id, organisation=organisation
    )
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except services.InvitationError as refused:
            error = " ".join(refused.messages)
        else:
            name = membership.user.get_full_name() or membership.user.get_username()
            messages.success(request, f"{name} has been removed from {organisation.name} and signed out.")
            return redirect("organisation_detail", code=organisation.code)
    return render(
        request,
        "organisations/membership_remove.html",
        {"organisation": organisation, "membership": membership, "error": error},
        status=400 if error else 200,
    )


# ---------------------------------------------------------------------------------------------
# The invitation link


def _invitation_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    # The link's token is in the address: the page is never cached (never_cache), and the
    # portal's Referrer-Policy (same-origin) never sends it to another site.
    return render(request, f"organisations/invitation_{template}.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. Anyone may open it; it says only what the invitation is for, never
    whether its address already has an account. Someone signed in joins with one click; someone
    else makes an account (name and password), or signs in first."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _invitation_page(request, "invalid", {}, status=404)
    context = {
        "invitation": invitation,
        "role_description": ROLE_DESCRIPTIONS[invitation.role],
        "feedback_email": settings.FEEDBACK_EMAIL,
        "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.get_username(),
    }
    if invitation.status != "pending":
        return _invitation_page(request, invitation.status, context, status=410)
    user = request.user
    if user.is_authenticated:
        context["other_address"] = (user.email or "").strip().lower() != invitation.email
        if request.method == "POST":
            try:
                services.invitation_accept_as(invitation=invitation, user=user)
            except services.InvitationError as error:
                context["error"] = " ".join(error.messages)
                return _invitation_page(request, "join", context, status=400)
            return _joined(request, invitation)
        return _invitation_page(request, "join", context)
    if request.method == "GET" and request.GET.get("emailed") == "1":
        # Shown to anyone who asks, whatever the address: it says nothing about accounts.
        return _invitation_page(request, "emailed", context)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invitation_accept_new(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                link=request.build_absolute_uri(request.path),
                reset_link=request.build_absolute_uri(reverse("password_reset")),
            )
        except services.AccountNeeded:
            # The address has an account: the email says so, this page never does. Like a new
            # account's, the answer is a redirect, to a page anyone with the link may see.
            return redirect(request.path + "?emailed=1")
        except services.InvitationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            return _joined(request, invitation)
    context["form"] = form
    context["sign_in"] = reverse("login") + "?next=" + request.path
    return _invitation_page(request, "new_account", context, status=400 if form.errors else 200)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if invitation.organisation_id is None:
        messages.success(request, f"You have joined CQC's staff as {invitation.get_role_display().lower()}.")
        return redirect("home")
    messages.success(
        request, f"You have joined {invitation.organisation.name} as {invitation.get_role_display().lower()}."
    )
    return redirect("organisation_detail", code=invitation.organisation.code)


# ---------------------------------------------------------------------------------------------
# Site admins: people across the portal


def _require_site_admin(request: HttpRequest) -> None:
    if not is_site_admin(request.user):
        raise PermissionDenied("Only site admins can do this")


def pending_invitations():
    now_open = Q(accepted_at__isnull=True, cancelled_at__isnull=True)
    return Invitation.objects.filter(now_open).select_related("organisation", "partner", "invited_by")


@require_http_methods(["GET"])
def people(request: HttpRequest) -> HttpResponse:
    """Site admins: organisations with no lead (invite their first), and open invitations."""
    _require_site_admin(request)
    leaderless = (
        Organisation.objects.annotate(
            leads=Count("memberships", filter=Q(memberships__role=Membership.Role.LEAD))
        )
        .filter(leads=0)
        .order_by("name")
    )
    return render(
        request,
        "organisations/people.html",
        {
            "leaderless": leaderless,
            "invitations": pending_invitations().order_by("organisation__name", "email"),
        },
    )


@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    """Site admins invite CQC's assessors and rubric admins."""
    _require_site_admin(request)
    form = InviteForm(request.POST or None, roles=services.grantable_roles(request.user, None))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invitations_create(
                organisation=None,
                emails_to_invite=form.cleaned_data["emails"],
                role=form.cleaned_data["role"],
                by=request.user,
                link_for=_link_for(request),
            )
        except services.InvitationError as error:
            _add_errors(form, error)
        else:
            sent = ", ".join(invitation.email for invitation in made)
            messages.success(request, f"Invitation{'s' if len(made) > 1 else ''} sent to {sent}.")
            return redirect("people")
    return render(request, "organisations/staff_invite.html", {"form": form})


def _staff_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    _require_site_admin(request)
    return get_object_or_404(Invitation, pk=invitation_id, organisation__isnull=True)


@require_POST
def staff_invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _resend(request, _staff_invitation(request, invitation_id))


@require_POST
def staff_invitation_cancel(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _cancel(request, _staff_invitation(request, invitation_id))
