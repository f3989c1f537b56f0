"""Emails about organisations' people: an invitation, and a person added to or removed from an
organisation, told through `services.notify` (recorded, retried, sent once).

`organisations/` sends its signals after its transaction commits and never imports this app
(it is on the floor below); these receivers are connected in `NotificationsConfig.ready`. The
invitation's link carries its token, which exists only at this moment (organisations keeps only
its SHA-256): it goes to `notify` as a secret link, which the email carries and the record does
not keep once the email is sent. An invitation always goes; the two membership emails are
optional (`OPTIONAL_KINDS`), so a person who turned them off at /account/emails/ is recorded as
not emailed.
"""

from __future__ import annotations

from django.urls import reverse

from engagement_portal.dates import govuk_datetime
from notifications.models import Kind
from notifications.services import Recipient, notify
from organisations.roles import ROLE_DESCRIPTIONS


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def invitation_created(sender, *, invitation, link: str, **kwargs) -> None:
    """A new invitation, or one sent again with a new link (a new occasion: told again)."""
    organisation = invitation.organisation
    notify(
        Kind.INVITATION,
        [Recipient(email=invitation.email)],
        about=(f"Invitation to {organisation.name}" if organisation else "Invitation to join CQC's staff"),
        about_key=f"invitation:{invitation.pk}",
        occasion=f"sent:{invitation.sent_at.isoformat()}",
        organisation_id=invitation.organisation_id,
        context={
            "organisation": organisation.name if organisation else "",
            "partner": invitation.partner.name if invitation.partner_id else "",
            "inviter": _name(invitation.invited_by),
            "role_label": invitation.get_role_display(),
            "role_description": ROLE_DESCRIPTIONS[invitation.role],
            "expires_at": govuk_datetime(invitation.expires_at),
        },
        secret_link=link,
    )


def member_added(sender, *, membership, invitation=None, **kwargs) -> None:
    """The person who joined, told which organisation and role (CQC staff joining a group have no
    organisation: their invitation's page already said what they joined)."""
    if membership is None:
        return
    organisation = membership.organisation
    notify(
        Kind.MEMBER_ADDED,
        [membership.user],
        about=f"{_name(membership.user)} joined {organisation.name}",
        about_key=f"membership:{organisation.pk}:{membership.user_id}",
        occasion=f"added:{invitation.pk}" if invitation is not None else f"added:{membership.pk}",
        organisation_id=organisation.pk,
        context={
            "organisation": organisation.name,
            "role": f"a {membership.get_role_display().lower()}",
            "partner": membership.partner.name if membership.partner_id else "",
        },
        link=reverse("organisation_detail", kwargs={"code": organisation.code}),
    )


def member_removed(sender, *, organisation, user, by=None, membership_id=None, **kwargs) -> None:
    """The person removed (already signed out everywhere), told by email."""
    notify(
        Kind.MEMBER_REMOVED,
        [user],
        about=f"{_name(user)} removed from {organisation.name}",
        about_key=f"membership:{organisation.pk}:{user.pk}",
        occasion=f"removed:{membership_id}" if membership_id else "removed",
        organisation_id=organisation.pk,
        context={"organisation": organisation.name, "removed_by": _name(by) if by else ""},
    )


def account_exists(sender, *, invitation, link: str, reset_link: str = "", **kwargs) -> None:
    """Someone holding the invitation's link asked for a new account, but the address has one.
    The page said nothing of it; the address's owner is told here how to join with their account.
    Once per link sent (a retry with the same link tells nobody again)."""
    organisation = invitation.organisation
    notify(
        Kind.ACCOUNT_EXISTS,
        [Recipient(email=invitation.email)],
        about=(f"Invitation to {organisation.name}" if organisation else "Invitation to join CQC's staff"),
        about_key=f"invitation:{invitation.pk}",
        occasion=f"account_exists:{invitation.sent_at.isoformat()}",
        organisation_id=invitation.organisation_id,
        context={
            "organisation": organisation.name if organisation else "",
            "email": invitation.email,
            "expires_at": govuk_datetime(invitation.expires_at),
            "reset_link": reset_link,
        },
        secret_link=link,
    )


def connect() -> None:
    from organisations import signals

    signals.invitation_created.connect(invitation_created, dispatch_uid="notifications.invitation_created")
    signals.member_added.connect(member_added, dispatch_uid="notifications.member_added")
    signals.member_removed.connect(member_removed, dispatch_uid="notifications.member_removed")
    signals.account_exists.connect(account_exists, dispatch_uid="notifications.account_exists")
