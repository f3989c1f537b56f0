"""Telling people: `notify` records one Notification per person and sends it after commit.

Callers (assessments, reviews, organisations, the reminders) call `notify` with the kind, the
people, what it is about and a plain context; never evidence, another organisation's scores or
CQC-only notes. `notify` may be called inside the caller's transaction (the rows roll back with
it, and nothing is sent) or after it commits: either way the email is sent by a background task
(notifications/tasks.py) once the transaction around `notify` has committed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from engagement_portal.dates import govuk_date, govuk_datetime
from notifications.models import (
    DISMISSABLE_KINDS,
    ENDS_AT_DEADLINE,
    LINK_PLACEHOLDER,
    OPTIONAL_KINDS,
    EmailPreference,
    Kind,
    Notification,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: a person with an account, or only an address (an invitation)."""

    email: str
    name: str = ""
    user: object | None = None

    @classmethod
    def of(cls, person) -> Recipient:
        if isinstance(person, Recipient):
            return person
        return cls(
            email=person.email or "", name=person.get_full_name() or person.get_username(), user=person
        )


def absolute(path: str) -> str:
    """A portal path as a full web address for an email (PORTAL_BASE_URL)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def long_date(day: date | None) -> str:
    """The GOV.UK date style: 2 December 2026."""
    return govuk_date(day)


def long_datetime(moment) -> str:
    """The GOV.UK style in the portal's time zone: 2 December 2026 at 1:15pm."""
    return govuk_datetime(moment) if moment else ""


def key_for(kind: str, about_key: str, recipient: Recipient, occasion: str) -> str:
    who = f"user:{recipient.user.pk}" if recipient.user is not None else f"email:{recipient.email.lower()}"
    key = f"{kind}|{about_key}|{who}|{occasion}"
    if len(key) > 255:
        key = f"{kind}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def turned_off(user) -> set[str]:
    if user is None or user.pk is None:
        return set()
    row = EmailPreference.objects.filter(user=user).first()
    return set(row.turned_off) if row else set()


def render(kind: str, context: dict) -> tuple[str, str, str]:
    """The kind's subject, plain-text body and (optional) HTML body."""
    folder = f"notifications/email/{kind}"
    subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
    text = render_to_string(f"{folder}/body.txt", context).strip() + "\n"
    try:
        html = render_to_string(f"{folder}/body.html", context).strip()
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def notify(
    kind: str,
    recipients: Iterable,
    *,
    about: str,
    about_key: str,
    occasion: str = "",
    organisation_id: int | None = None,
    context: dict | None = None,
    link: str = "",
    due_on: date | None = None,
    secret_link: str = "",
) -> list[Notification]:
    """Tell each recipient (users or Recipient) once: returns the notifications made now (none
    for a person already told of this kind, about this, on this occasion).

    `link` is where the person acts in the portal (in the email, and on their home page).
    `secret_link` is a one-time address (an invitation's) that only the email carries: the
    stored body holds LINK_PLACEHOLDER in its place, and the link is forgotten once it is sent."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of notification: {kind}")
    made: list[Notification] = []
    seen: set[str] = set()
    for person in recipients:
        recipient = Recipient.of(person)
        key = key_for(kind, about_key, recipient, occasion)
        if key in seen or Notification.objects.filter(idempotency_key=key).exists():
            continue
        seen.add(key)
        subject, text, html = render(
            kind,
            {
                **(context or {}),
                "recipient_name": recipient.name,
                "link": LINK_PLACEHOLDER if secret_link else absolute(link),
                "due_on": long_date(due_on),
                "service_name": settings.SERVICE_NAME,
                "account_link": absolute("/account/emails/"),
                "optional": kind in OPTIONAL_KINDS,
            },
        )
        status, error = Notification.Status.QUEUED, ""
        if not recipient.email:
            status, error = Notification.Status.NOT_EMAILED, "No email address"
        elif kind in OPTIONAL_KINDS and kind in turned_off(recipient.user):
            status, error = Notification.Status.NOT_EMAILED, "Turned off on their account page"
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    kind=kind,
                    recipient=recipient.user,
                    email=recipient.email,
                    organisation_id=organisation_id,
                    about=about[:200],
                    about_key=about_key,
                    occasion=occasion,
                    idempotency_key=key,
                    subject=subject[:200],
                    secret=secret_link,
                    body_text=text,
                    body_html=html,
                    link=link,
                    due_on=due_on,
                    status=status,
                    last_error=error,
                )
        except IntegrityError:
            # Another process told this person the same thing a moment ago.
            continue
        made.append(notification)
        if status == Notification.Status.QUEUED:
            transaction.on_commit(lambda pk=notification.pk: enqueue(pk))
    return made


def enqueue(notification_id: int) -> None:
    """Queue the send. If queueing fails the row stays queued and `send_reminders` (which also
    sends every notification that is due) picks it up."""
    from notifications.tasks import send_notification

    try:
        send_notification.enqueue(notification_id)
    except Exception:
        logger.exception("Could not queue notification %s", notification_id)


def send_due(now=None) -> int:
    """Queue every notification waiting past its next attempt, and put back any left "being
    sent" for over 15 minutes by a worker that stopped. Returns how many were queued."""
    now = now or timezone.now()
    Notification.objects.filter(
        status=Notification.Status.SENDING, next_attempt_at__lt=now - timedelta(minutes=15)
    ).update(status=Notification.Status.QUEUED)
    due = list(
        Notification.objects.filter(status=Notification.Status.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)
    )
    for pk in due:
        enqueue(pk)
    return len(due)


def try_again(notification: Notification) -> None:
    """A site admin sends a failed notification again (after the mail server is fixed)."""
    updated = Notification.objects.filter(pk=notification.pk, status=Notification.Status.FAILED).update(
        status=Notification.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    if updated:
        transaction.on_commit(lambda: enqueue(notification.pk))


def set_turned_off(user, kinds: Iterable[str]) -> EmailPreference:
    chosen = sorted({k for k in kinds if k in OPTIONAL_KINDS})
    preference, _ = EmailPreference.objects.update_or_create(user=user, defaults={"turned_off": chosen})
    return preference


def mark_done(*, user, about_key: str, kinds: Iterable[str] | None = None) -> int:
    """The person acted on what these notifications asked: they leave their home page."""
    rows = Notification.objects.filter(recipient=user, about_key=about_key, done_at__isnull=True)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(done_at=timezone.now())


def resolve(*, about_key: str, kinds: Iterable[str], occasion: str | None = None) -> int:
    """What these notifications asked for is done (by whoever did it): they leave the home page
    of everyone told. Called inside the transaction that does it."""
    rows = Notification.objects.filter(about_key=about_key, kind__in=list(kinds), done_at__isnull=True)
    if occasion is not None:
        rows = rows.filter(occasion=occasion)
    return rows.update(done_at=timezone.now())


class NotDismissable(Exception):
    """This notification asks for something: it goes once that is done, not by dismissing it."""


def dismiss(*, user, notification_id: int) -> Notification:
    """The person has read an information-only notification: it leaves their home page.
    Notification.DoesNotExist for anyone else's (a 404); NotDismissable for one that asks for
    something. A personal choice, like the email choices: not in the audit trail."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id, recipient=user)
        if notification.kind not in DISMISSABLE_KINDS:
            raise NotDismissable(notification.get_kind_display())
        if notification.done_at is None:
            notification.done_at = timezone.now()
            notification.save(update_fields=["done_at"])
    return notification


def waiting_for(user, today: date):
    """The person's notifications not yet acted on, newest first: the home page lists them."""
    return (
        Notification.objects.filter(recipient=user, done_at__isnull=True)
        .exclude(kind__in=ENDS_AT_DEADLINE, due_on__lt=today)
        .order_by("-created_at", "-pk")
    )


def told(*, about_key: str):
    """Who was told what about this, newest first: for the people who need to know they were."""
    return Notification.objects.filter(about_key=about_key).select_related("recipient")
