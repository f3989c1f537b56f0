"""Every write about organisations and their people goes through here: invitations, members,
and the legal hold.

The legal hold (records management: while it is on, the retention policy in `records/` deletes
nothing of the organisation's) is a field of Organisation; site administration sets and lifts it
through these, which record who and when in the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from audit.services import record
from engagement_portal.lib.sessions import end_sessions
from organisations import signals
from organisations.models import Invitation, Membership, Organisation, organisations_in_systems_of
from organisations.roles import CQC_ASSESSORS, RUBRIC_ADMINS, is_site_admin


def organisation_legal_hold_set(
    *, organisation: Organisation, reason: str, by, request: HttpRequest | None = None
) -> Organisation:
    """Put an organisation under a legal hold (or change the reason for one): from now on the
    retention policy deletes nothing of its. Recorded in the audit trail with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A legal hold needs a reason.")
    with transaction.atomic():
        held = Organisation.objects.select_for_update().get(pk=organisation.pk)
        already = held.legal_hold
        held.legal_hold, held.legal_hold_reason = True, reason
        held.legal_hold_set_by, held.legal_hold_set_at = by, timezone.now()
        held.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"])
        summary = "Legal hold reason changed" if already else "Legal hold set"
        record(
            "organisation.legal_hold_set",
            f"{summary} on {held.name}: {reason}",
            actor=by,
            organisation=held,
            obj=held,
            request=request,
            detail={"reason": reason},
        )
    return held


def organisation_legal_hold_lift(
    *, organisation: Organisation, by, request: HttpRequest | None = None
) -> Organisation:
    """Lift a legal hold: retention applies to the organisation again from its next run."""
    with transaction.atomic():
        held = Organisation.objects.select_for_update().get(pk=organisation.pk)
        reason = held.legal_hold_reason
        held.legal_hold, held.legal_hold_reason = False, ""
        held.legal_hold_set_by, held.legal_hold_set_at = by, timezone.now()
        held.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"])
        record(
            "organisation.legal_hold_lifted",
            f"Legal hold lifted on {held.name}",
            actor=by,
            organisation=held,
            obj=held,
            request=request,
            detail={"reason": reason},
        )
    return held


# ---------------------------------------------------------------------------------------------
# Invitations and members
#
# A lead invites people to their organisation by email; a site admin invites anyone to any
# organisation (the first lead, say) and CQC's staff. The email goes after the transaction
# commits: `signals.invitation_created` is sent with the link, and notifications (a floor above)
# emails it. Everything is recorded in the audit trail in the same transaction.

INVITATION_DAYS = 7
# At most this many addresses in one go, and this many invitations (new or sent again) in any
# 24 hours by one person and for one organisation.
INVITATIONS_AT_ONCE = 20
INVITATIONS_PER_PERSON_PER_DAY = 50
INVITATIONS_PER_ORGANISATION_PER_DAY = 200
# Sending one invitation again waits this long after it was last sent.
RESEND_AFTER = datetime.timedelta(minutes=10)


class InvitationError(ValidationError):
    """Bad input: nothing was made or changed. `message_dict` names the field when it can."""


class AccountNeeded(Exception):
    """A new account was asked for an address that has one. Nothing was made or changed; an
    email to the address (which only its owner reads) says to sign in and join. The page must
    say no more than it says for any address: links never reveal whether an account exists."""


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_sha256(token)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def can_invite(user, organisation: Organisation | None) -> bool:
    """Leads invite to their own organisation; site admins to any, and to CQC's staff."""
    if is_site_admin(user):
        return True
    if organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation=organisation, role=Membership.Role.LEAD).exists()


def grantable_roles(user, organisation: Organisation | None) -> list[str]:
    if organisation is None:
        return list(Invitation.STAFF_ROLES) if is_site_admin(user) else []
    return list(Invitation.ORGANISATION_ROLES) if can_invite(user, organisation) else []


def _sent_in_last_day(**filters) -> int:
    since = timezone.now() - datetime.timedelta(days=1)
    return Invitation.objects.filter(sent_at__gte=since, **filters).count()


def _check_throttle(by, organisation: Organisation | None, count: int) -> None:
    if _sent_in_last_day(invited_by=by) + count > INVITATIONS_PER_PERSON_PER_DAY:
        raise InvitationError(
            {
                "emails": f"You can send at most {INVITATIONS_PER_PERSON_PER_DAY} invitations in 24 hours. "
                "Try again tomorrow, or ask a site administrator."
            }
        )
    if organisation is not None and (
        _sent_in_last_day(organisation=organisation) + count > INVITATIONS_PER_ORGANISATION_PER_DAY
    ):
        raise InvitationError(
            {
                "emails": f"{organisation.name} can send at most {INVITATIONS_PER_ORGANISATION_PER_DAY} "
                "invitations in 24 hours. Try again tomorrow, or ask a site administrator."
            }
        )


def _send(invitation: Invitation, token: str, link_for: Callable[[str], str]) -> None:
    """After the transaction commits, the signal with the link: notifications (on the floor
    above, notifications/membership.py) emails it."""
    link = link_for(token)
    transaction.on_commit(
        lambda: signals.invitation_created.send(sender=Invitation, invitation=invitation, link=link)
    )


def _record_invitation(action: str, invitation: Invitation, by, summary: str) -> None:
    record(
        action,
        summary,
        actor=by,
        organisation=invitation.organisation_id,
        obj=invitation,
        detail={"object": invitation.email, "role": invitation.role, "email": invitation.email},
    )


def invitations_create(
    *,
    organisation: Organisation | None,
    emails_to_invite: list[str],
    role: str,
    by,
    link_for: Callable[[str], str],
    partner: Organisation | None = None,
) -> list[Invitation]:
    """Invite each address (already checked for form) as `role`. All or nothing: an address
    already a member or already invited refuses the lot, saying which."""
    if role not in grantable_roles(by, organisation):
        raise InvitationError({"role": "You cannot invite people with this role."})
    if partner is not None:
        if organisation is None or role == Invitation.Role.LEAD:
            raise InvitationError({"partner": "Only contributors and viewers can speak for a partner."})
        if (
            not organisations_in_systems_of(organisation)
            .filter(pk=partner.pk, type=Organisation.Type.PARTNER)
            .exists()
        ):
            raise InvitationError(
                {"partner": "Choose a partner organisation of a system this organisation belongs to."}
            )
    addresses = list(dict.fromkeys(email.strip().lower() for email in emails_to_invite if email.strip()))
    if not addresses:
        raise InvitationError({"emails": "Enter at least one email address"})
    if len(addresses) > INVITATIONS_AT_ONCE:
        raise InvitationError({"emails": f"Enter at most {INVITATIONS_AT_ONCE} email addresses at once"})
    with transaction.atomic():
        _check_throttle(by, organisation, len(addresses))
        if organisation is not None:
            member_emails = {
                (email or "").strip().lower()
                for email in Membership.objects.filter(organisation=organisation).values_list(
                    "user__email", flat=True
                )
            }
            members = set(addresses) & member_emails
            if members:
                raise InvitationError(
                    {"emails": f"Already a member of {organisation.name}: {', '.join(sorted(members))}"}
                )
        now = timezone.now()
        open_ones = Invitation.objects.filter(
            organisation=organisation,
            email__in=addresses,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
        )
        # An expired invitation to the same address is closed, so that a new one can be made.
        open_ones.filter(expires_at__lte=now).update(cancelled_at=now, cancelled_by=by)
        already = sorted(open_ones.filter(expires_at__gt=now).values_list("email", flat=True))
        if already:
            raise InvitationError(
                {"emails": f"Already invited (send the invitation again instead): {', '.join(already)}"}
            )
        made = []
        for email in addresses:
            token, digest = _token()
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                partner=partner,
                token_sha256=digest,
                invited_by=by,
                sent_at=now,
                expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
            )
            _record_invitation(
                "invitation.sent",
                invitation,
                by,
                f"Invited {email} as {invitation.get_role_display().lower()}",
            )
            _send(invitation, token, link_for)
            made.append(invitation)
    return made


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "partner")
        .get(pk=invitation.pk)
    )


def invitation_resend(*, invitation: Invitation, by, link_for: Callable[[str], str]) -> Invitation:
    """A new link (the old one stops working) and 7 more days."""
    if not can_invite(by, invitation.organisation):
        raise PermissionDenied("Only the organisation's leads can send invitations")
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        if invitation.accepted_at or invitation.cancelled_at:
            raise InvitationError("This invitation has already been accepted or cancelled.")
        now = timezone.now()
        if invitation.sent_at > now - RESEND_AFTER:
            minutes = round(RESEND_AFTER.total_seconds() / 60)
            raise InvitationError(
                f"This invitation was sent less than {minutes} minutes ago. "
                "Wait a little before sending it again."
            )
        _check_throttle(by, invitation.organisation, 1)
        token, digest = _token()
        invitation.token_sha256 = digest
        invitation.sent_at = now
        invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
        invitation.invited_by = by
        invitation.save(update_fields=["token_sha256", "sent_at", "expires_at", "invited_by"])
        _record_invitation(
            "invitation.resent", invitation, by, f"Sent the invitation to {invitation.email} again"
        )
        _send(invitation, token, link_for)
    return invitation


def invitation_cancel(*, invitation: Invitation, by) -> Invitation:
    if not can_invite(by, invitation.organisation):
        raise PermissionDenied("Only the organisation's leads can cancel invitations")
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        if invitation.accepted_at or invitation.cancelled_at:
            raise InvitationError("This invitation has already been accepted or cancelled.")
        invitation.cancelled_at, invitation.cancelled_by = timezone.now(), by
        invitation.save(update_fields=["cancelled_at", "cancelled_by"])
        _record_invitation(
            "invitation.cancelled", invitation, by, f"Cancelled the invitation to {invitation.email}"
        )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for a link that was never valid."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "partner", "invited_by")
        .filter(token_sha256=token_sha256(token))
        .first()
    )


def _join(invitation: Invitation, user) -> Membership | None:
    """Give `user` what the invitation offers; records and signals it."""
    membership = None
    if invitation.organisation_id is None:
        group = {Invitation.Role.ASSESSOR: CQC_ASSESSORS, Invitation.Role.RUBRIC_ADMIN: RUBRIC_ADMINS}[
            invitation.role
        ]
        user.groups.add(Group.objects.get(name=group))
        summary = f"{user.get_username()} joined CQC's staff as {invitation.get_role_display().lower()}"
    else:
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "partner": invitation.partner},
        )
        summary = (
            f"{user.get_full_name() or user.get_username()} joined as {invitation.get_role_display().lower()}"
        )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        "invitation.accepted",
        summary,
        actor=user,
        organisation=invitation.organisation_id,
        obj=invitation,
        detail={"object": invitation.email, "role": invitation.role, "email": invitation.email},
    )
    transaction.on_commit(
        lambda: signals.member_added.send(sender=Membership, membership=membership, invitation=invitation)
    )
    return membership


def _lock_open(invitation: Invitation) -> Invitation:
    invitation = _lock_invitation(invitation)
    if invitation.status != "pending":
        raise InvitationError("This invitation can no longer be used.")
    return invitation


def invitation_accept_as(*, invitation: Invitation, user) -> Membership | None:
    """A signed-in person whose account has the invited address joins with one click."""
    with transaction.atomic():
        invitation = _lock_open(invitation)
        if (user.email or "").strip().lower() != invitation.email:
            raise InvitationError("This invitation was sent to a different email address.")
        if (
            invitation.organisation_id
            and Membership.objects.filter(user=user, organisation=invitation.organisation).exists()
        ):
            raise InvitationError(f"You are already a member of {invitation.organisation.name}.")
        return _join(invitation, user)


def invitation_accept_new(
    *,
    invitation: Invitation,
    first_name: str,
    last_name: str,
    password: str,
    link: str = "",
    reset_link: str = "",
):
    """A new account for the invited address, with the invitation's role. Returns the person.

    If the address already has an account, nothing is made: AccountNeeded is raised and the
    address is told how to join with that account (`signals.account_exists`, which notifications
    emails; `link`: the invitation's own address, `reset_link`: the password reset page's)."""
    User = get_user_model()
    with transaction.atomic():
        invitation = _lock_open(invitation)
        taken = User.objects.filter(Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email))
        exists = taken.exists()
        if not exists:
            user = User(
                username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name
            )
            user.set_password(password)
            user.save()
            _join(invitation, user)
    if exists:
        # Told by email, never on the page: the address's owner learns it, the link's holder not.
        transaction.on_commit(
            lambda: signals.account_exists.send(
                sender=Invitation, invitation=invitation, link=link, reset_link=reset_link
            )
        )
        raise AccountNeeded(invitation.email)
    return user


def membership_remove(*, membership: Membership, by) -> None:
    """A lead removes someone from their organisation; the organisation keeps at least one lead.
    The person is signed out everywhere at once."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
        organisation = membership.organisation
        if not can_invite(by, organisation):
            raise PermissionDenied("Only the organisation's leads can remove people")
        if membership.role == Membership.Role.LEAD:
            leads = Membership.objects.select_for_update().filter(
                organisation=organisation, role=Membership.Role.LEAD
            )
            if not leads.exclude(pk=membership.pk).exists():
                raise InvitationError(
                    f"{membership.user.get_full_name() or membership.user.get_username()} is "
                    f"{organisation.name}'s only lead. Make someone else a lead first."
                )
        user, membership_id = membership.user, membership.pk
        membership.delete()
        name = user.get_full_name() or user.get_username()
        record(
            "membership.removed",
            f"Removed {name} ({membership.get_role_display().lower()})",
            actor=by,
            organisation=organisation,
            detail={"object": name, "user_id": user.pk, "role": membership.role},
        )
        transaction.on_commit(lambda: end_sessions(user_ids=[user.pk]))
        transaction.on_commit(
            lambda: signals.member_removed.send(
                sender=Membership, organisation=organisation, user=user, by=by, membership_id=membership_id
            )
        )
