"""Notifications sent through a real SMTP server in the test process: once, after commit,
retried with back-off when the server refuses or does not answer, failed after MAX_ATTEMPTS."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification
from notifications.tasks import MAX_ATTEMPTS, send_notification

pytestmark = pytest.mark.django_db


def _receipt(people, *, occasion="submission:1", organisation_id=None):
    return services.notify(
        Kind.SUBMISSION_RECEIPT,
        people,
        about="Alderley Integrated Care System 2026/27 self-assessment",
        about_key="assessment:1",
        occasion=occasion,
        organisation_id=organisation_id,
        context={
            "organisation": "Alderley Integrated Care System",
            "cycle": "2026/27",
            "submission_number": 1,
            "sha256": "ab" * 32,
            "submitted_by": "Lead A",
            "submitted_at": "2 December 2026, 1:15pm",
        },
        link="/organisations/QA1/assessments/2026-27/",
    )


def _make_due(notification):
    """As if the back-off had passed."""
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_sent_after_commit_through_smtp_once(cast, smtp_server, django_capture_on_commit_callbacks):
    cast.lead_a.email = "lead.a@example.org"
    cast.lead_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            [notification] = _receipt([cast.lead_a], organisation_id=cast.org_a.pk)
            assert smtp_server.received == []  # nothing leaves before the commit
        # Asked again (a double click, a retried request): nobody is told twice.
        assert _receipt([cast.lead_a]) == []
    [email] = smtp_server.received
    assert email.recipients == ["lead.a@example.org"]
    assert email.kind == "submission_receipt"
    assert (
        email.subject
        == "Receipt: Alderley Integrated Care System submitted its 2026/27 self-assessment to CQC"
    )
    assert "ab" * 32 in email.text and "ab" * 32 not in email.subject
    assert "http://127.0.0.1:8000/organisations/QA1/assessments/2026-27/" in email.text
    assert "ab" * 32 in email.html
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)
    assert notification.sent_at is not None
    assert list(services.told(about_key="assessment:1")) == [notification]


def test_rolled_back_action_tells_nobody(cast, smtp_server, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _receipt([cast.lead_a])
        raise RuntimeError("the action failed")
    assert smtp_server.received == []
    assert not Notification.objects.exists()


def test_refused_then_retried_with_backoff_then_sent(cast, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _receipt([cast.lead_a])
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.attempts == 1
    assert "451" in notification.last_error
    first_wait = notification.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    # Not due yet: running the task again sends nothing and counts no try.
    assert send_notification.call(notification.pk) == "skipped"
    _make_due(notification)
    assert send_notification.call(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert timedelta(minutes=1) < notification.next_attempt_at - timezone.now() <= timedelta(minutes=2)
    smtp_server.refuse(False)
    _make_due(notification)
    assert services.send_due() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.received) == 1
    assert services.send_due() == 0
    assert send_notification.call(notification.pk) == "skipped"
    assert len(smtp_server.received) == 1


def test_keeps_failing_then_marked_failed(cast, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _receipt([cast.lead_a])
    for _ in range(MAX_ATTEMPTS - 1):
        _make_due(notification)
        send_notification.call(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert smtp_server.received == []
    # A site admin sends it again once the server is fixed.
    smtp_server.refuse(False)
    with django_capture_on_commit_callbacks(execute=True):
        services.try_again(notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.received) == 1


def test_server_that_never_answers_is_retried(cast, settings, django_capture_on_commit_callbacks):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never says hello
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            [notification] = _receipt([cast.lead_a])
    finally:
        silent.close()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.attempts == 1
    assert "timed out" in notification.last_error.lower()


def test_optional_emails_can_be_turned_off_essential_ones_cannot(
    cast, smtp_server, django_capture_on_commit_callbacks
):
    services.set_turned_off(cast.assessor, [Kind.SUBMITTED_FOR_REVIEW, Kind.SUBMISSION_RECEIPT])
    with django_capture_on_commit_callbacks(execute=True):
        [note] = services.notify(
            Kind.SUBMITTED_FOR_REVIEW,
            [cast.assessor],
            about="x",
            about_key="assessment:1",
            context={"organisation": "Alderley", "cycle": "2026/27", "submitted_at": "today"},
        )
        _receipt([cast.assessor])
    note.refresh_from_db()
    assert note.status == Notification.Status.NOT_EMAILED
    assert note.last_error == "Turned off on their account page"
    # A receipt is essential: it goes whatever the person chose.
    assert smtp_server.who_got("submission_receipt") == [cast.assessor.email]
    assert smtp_server.who_got("submitted_for_review") == []


def test_person_without_an_address_is_recorded_not_emailed(
    cast, smtp_server, django_capture_on_commit_callbacks
):
    cast.lead_a.email = ""
    cast.lead_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _receipt([cast.lead_a])
    assert notification.status == Notification.Status.NOT_EMAILED
    assert smtp_server.received == []


def test_each_occasion_is_told_once(cast, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _receipt([cast.lead_a, cast.lead_a], occasion="submission:1")
        _receipt([cast.lead_a], occasion="submission:1")
        _receipt([cast.lead_a], occasion="submission:2")
    assert len(smtp_server.received) == 2


def test_unknown_kind_is_refused(cast):
    with pytest.raises(ValueError):
        services.notify("no_such_kind", [cast.lead_a], about="x", about_key="x")
