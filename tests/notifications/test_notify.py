"""The GOV.UK Notify backend against a loopback server answering as Notify's API does."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification
from notifications.tasks import send_notification
from tests.notifications.conftest import RECEIPT_TEMPLATE_ID, TEMPLATE_ID

pytestmark = pytest.mark.django_db


def _notify(kind, person, **context):
    return services.notify(
        kind,
        [person],
        about="Alderley 2026/27",
        about_key="assessment:1",
        context={"organisation": "Alderley", "cycle": "2026/27", "submitted_at": "today", **context},
        link="/review/",
    )


def test_success_sends_subject_and_body_to_the_kinds_template(
    cast, notify_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [receipt] = _notify(Kind.SUBMISSION_RECEIPT, cast.lead_a, sha256="cd" * 32, submission_number=1)
        [note] = _notify(Kind.SUBMITTED_FOR_REVIEW, cast.assessor)
    assert [r["path"] for r in notify_server.requests] == ["/v2/notifications/email"] * 2
    first, second = notify_server.requests
    assert first["json"]["email_address"] == cast.lead_a.email
    assert first["json"]["template_id"] == RECEIPT_TEMPLATE_ID
    assert second["json"]["template_id"] == TEMPLATE_ID
    assert first["json"]["personalisation"]["subject"].startswith("Receipt: Alderley")
    assert "cd" * 32 in first["json"]["personalisation"]["body"]
    assert first["json"]["reference"] == f"notification-{receipt.pk}"
    # Signed as Notify requires: a JWT whose issuer is the service id, with the secret key.
    token = first["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, "3d844edf-8d35-48ac-975b-e847b4f122b0", algorithms=["HS256"])
    assert claims["iss"] == "26785a09-ab16-4eb0-8407-a37497a57506"
    for notification in (receipt, note):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.SENT


@pytest.mark.parametrize("status", [400, 403])
def test_request_refused_for_good_fails_at_once(
    cast, notify_server, status, django_capture_on_commit_callbacks
):
    notify_server.status = status
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _notify(Kind.SUBMITTED_FOR_REVIEW, cast.assessor)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert f"answered {status}" in notification.last_error
    assert len(notify_server.requests) == 1


@pytest.mark.parametrize("status", [429, 500])
def test_busy_or_broken_is_tried_again(cast, notify_server, status, django_capture_on_commit_callbacks):
    notify_server.status = status
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _notify(Kind.SUBMITTED_FOR_REVIEW, cast.assessor)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert f"answered {status}" in notification.last_error
    notify_server.status = 201
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert send_notification.call(notification.pk) == "sent"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)
    assert len(notify_server.requests) == 2
