"""Emails about organisations' people go through notifications (issue 15.3): an invitation, a
person added and a person removed are recorded, sent once, retried, and respect the person's
email choices (membership changes are optional; an invitation always goes)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services as notifications
from notifications.models import LINK_PLACEHOLDER, Kind, Notification
from organisations import services, signals
from organisations.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://\S+/invitations/([^/\s]+)/)")


def _invite(cast, capture, email="ada@example.org", role="contributor"):
    with capture(execute=True):
        [invitation] = services.invitations_create(
            organisation=cast.org_a,
            emails_to_invite=[email],
            role=role,
            by=cast.lead_a,
            link_for=lambda token: f"http://testserver/invitations/{token}/",
        )
    return invitation


def test_an_invitation_is_recorded_and_emailed_with_its_link_which_the_record_forgets(
    cast, django_capture_on_commit_callbacks
):
    invitation = _invite(cast, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject.startswith("Join Alderley Integrated Care System on ")
    _, token = LINK.search(message.body).groups()
    assert "as a contributor" in message.body and "The link works once, until" in message.body
    assert services.invitation_for_token(token) == invitation
    [notification] = Notification.objects.filter(kind=Kind.INVITATION)
    assert notification.status == Notification.Status.SENT and notification.email == "ada@example.org"
    assert notification.organisation_id == cast.org_a.pk and notification.recipient is None
    # The token is nowhere in the database once the email has gone: the record keeps a mark.
    assert token not in notification.body_text and LINK_PLACEHOLDER in notification.body_text
    assert notification.secret == ""
    assert not Notification.objects.filter(body_text__contains=token).exists()


def test_an_invitation_sent_again_is_a_new_email_with_the_new_link(cast, django_capture_on_commit_callbacks):
    invitation = _invite(cast, django_capture_on_commit_callbacks)
    invitation.sent_at -= datetime.timedelta(hours=1)
    invitation.save(update_fields=["sent_at"])
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(
            invitation=invitation, by=cast.lead_a, link_for=lambda t: f"http://testserver/invitations/{t}/"
        )
    first, second = (LINK.search(m.body).group(2) for m in mail.outbox)
    assert first != second
    assert services.invitation_for_token(first) is None and services.invitation_for_token(second)
    assert (
        Notification.objects.filter(kind=Kind.INVITATION, about_key=f"invitation:{invitation.pk}").count()
        == 2
    )


def test_the_same_signal_twice_tells_the_invitee_once(cast, django_capture_on_commit_callbacks):
    invitation = _invite(cast, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        signals.invitation_created.send(
            sender=type(invitation), invitation=invitation, link="http://x/invitations/t/"
        )
    assert len(mail.outbox) == 1 and Notification.objects.filter(kind=Kind.INVITATION).count() == 1


def test_an_invitation_that_cannot_be_sent_keeps_its_link_to_try_again(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_membership.RefusingBackend"
    _invite(cast, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(kind=Kind.INVITATION)
    assert notification.status == Notification.Status.QUEUED and notification.attempts == 1
    assert notification.secret.startswith("http://testserver/invitations/")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notification.next_attempt_at = timezone.now() - datetime.timedelta(minutes=1)
    notification.save(update_fields=["next_attempt_at"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_due() == 1
    [message] = mail.outbox
    assert notification.secret in message.body
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.secret == ""


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_an_invitation_goes_even_to_someone_who_turned_off_membership_emails(
    cast, django_capture_on_commit_callbacks
):
    notifications.set_turned_off(cast.contributor_b, [Kind.MEMBER_ADDED, Kind.MEMBER_REMOVED])
    _invite(cast, django_capture_on_commit_callbacks, email=cast.contributor_b.email)
    assert [m.to for m in mail.outbox] == [[cast.contributor_b.email]]


def test_joining_and_being_removed_are_told_to_the_person(cast, django_capture_on_commit_callbacks):
    invitation = _invite(cast, django_capture_on_commit_callbacks)
    ada = UserFactory(email="ada@example.org", first_name="Ada", last_name="Lovelace")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept_as(invitation=invitation, user=ada)
    [added] = mail.outbox
    assert (
        added.to == ["ada@example.org"]
        and added.subject == "You were added to Alderley Integrated Care System"
    )
    assert "You are now a contributor in Alderley Integrated Care System" in added.body
    assert "/organisations/QA1/" in added.body
    membership = Membership.objects.get(user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=membership, by=cast.lead_a)
    removed = mail.outbox[1]
    assert removed.subject == "You were removed from Alderley Integrated Care System"
    assert cast.lead_a.get_full_name() in removed.body
    rows = Notification.objects.filter(recipient=ada).order_by("pk")
    assert [(n.kind, n.status) for n in rows] == [("member_added", "sent"), ("member_removed", "sent")]


def test_membership_emails_respect_the_persons_choice(cast, django_capture_on_commit_callbacks):
    invitation = _invite(cast, django_capture_on_commit_callbacks)
    ada = UserFactory(email="ada@example.org")
    notifications.set_turned_off(ada, [Kind.MEMBER_ADDED, Kind.MEMBER_REMOVED])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept_as(invitation=invitation, user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=Membership.objects.get(user=ada), by=cast.lead_a)
    assert mail.outbox == []
    # Still recorded, so the record says they were not emailed and why.
    assert set(Notification.objects.filter(recipient=ada).values_list("kind", "status", "last_error")) == {
        ("member_added", "not_emailed", "Turned off on their account page"),
        ("member_removed", "not_emailed", "Turned off on their account page"),
    }


def test_removed_twice_after_joining_again_is_told_twice(cast, django_capture_on_commit_callbacks):
    ada = UserFactory(email="ada@example.org")
    for _ in range(2):
        invitation = _invite(cast, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_accept_as(invitation=invitation, user=ada)
        with django_capture_on_commit_callbacks(execute=True):
            services.membership_remove(membership=Membership.objects.get(user=ada), by=cast.lead_a)
    assert Notification.objects.filter(recipient=ada, kind=Kind.MEMBER_REMOVED).count() == 2
