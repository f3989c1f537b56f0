"""Sending one notification by email, in the background (django-tasks).

The task claims the row (queued -> sending, one UPDATE that only one worker can win), sends it
through Django's email framework (console, SMTP or GOV.UK Notify, by settings), and records
the result. A failure is tried again after 1, 2, 4 and 8 minutes (BACKOFF_MINUTES); after
MAX_ATTEMPTS tries, or at once when the mail service says the message itself is wrong (Notify's
400 or 403), it is marked failed, which site administration shows. The action that caused the
email has already committed and is never undone by a failed email.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from notifications.models import LINK_PLACEHOLDER, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 2, 4, 8)
KIND_HEADER = "X-Portal-Notification"
REFERENCE_HEADER = "X-Portal-Reference"


class PermanentDeliveryError(Exception):
    """The mail service refused this message for good: trying again would not help."""


def _with_secret(body: str, notification: Notification) -> str:
    """The body as emailed: a one-time link back in the place the stored body marks."""
    return body.replace(LINK_PLACEHOLDER, notification.secret) if notification.secret else body


def message_for(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=_with_secret(notification.body_text, notification),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={KIND_HEADER: notification.kind, REFERENCE_HEADER: f"notification-{notification.pk}"},
    )
    if notification.body_html:
        message.attach_alternative(_with_secret(notification.body_html, notification), "text/html")
    return message


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


@task()
def send_notification(notification_id: int) -> str:
    """Send one queued notification. Returns what happened: sent, retry, failed or skipped."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .update(status=Notification.Status.SENDING, next_attempt_at=now)
    )
    if not claimed:
        return "skipped"  # sent already, being sent by another worker, or not due yet
    notification = Notification.objects.get(pk=notification_id)
    attempts = notification.attempts + 1
    try:
        message_for(notification).send(fail_silently=False)
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"[:500]
        permanent = isinstance(error, PermanentDeliveryError)
        if permanent or attempts >= MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification_id).update(
                status=Notification.Status.FAILED, attempts=attempts, last_error=detail, next_attempt_at=None
            )
            logger.error(
                "Notification %s failed for good after %s tries: %s", notification_id, attempts, detail
            )
            return "failed"
        run_after = timezone.now() + backoff(attempts)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.QUEUED, attempts=attempts, last_error=detail, next_attempt_at=run_after
        )
        logger.warning(
            "Notification %s not sent (try %s), will try again: %s", notification_id, attempts, detail
        )
        if send_notification.get_backend().supports_defer:
            send_notification.using(run_after=run_after).enqueue(notification_id)
        # Otherwise (the immediate backend) `send_reminders` sends it once it is due.
        return "retry"
    # Sent: a one-time link it carried is forgotten (the email is its only copy).
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, attempts=attempts, sent_at=timezone.now(), last_error="", secret=""
    )
    return "sent"
