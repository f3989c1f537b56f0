"""Notifications: one row per message to one person, and each person's choice of emails.

`notifications/` knows people and organisations, never assessments (docs: architecture). A
caller hands `services.notify` the kind of message, the recipients and a plain context (names,
dates, links); this app renders the kind's template, records a `Notification` for each person
and, once the caller's transaction commits, sends it by email from a background task.

A notification is about something (`about`, in words, and `about_key`, such as
"assessment:12") on some occasion (such as "submission:2" or "closing:2026-12-16"). The
idempotency key joins kind, about_key, recipient and occasion and is unique, so however often a
caller (or `send_reminders`, in two processes at once) asks, one person is told once.

The organisation a notification is about is kept as a plain id, as the audit trail keeps ids:
the row is the record that someone was told, and outlives what it describes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """Every kind of message. Each has a template folder templates/notifications/email/<kind>/."""

    # Organisations and people
    INVITATION = "invitation", "Invitation to join an organisation"
    MEMBER_ADDED = "member_added", "You were added to an organisation"
    MEMBER_REMOVED = "member_removed", "You were removed from an organisation"
    ACCOUNT_EXISTS = "account_exists", "How to join with the account you have"
    # A self-assessment handed between the organisation and CQC
    SUBMISSION_RECEIPT = "submission_receipt", "Receipt for a submitted self-assessment"
    SUBMITTED_FOR_REVIEW = "submitted_for_review", "A self-assessment was submitted for review"
    ASSIGNED = "assigned", "A review was assigned to you"
    RETURNED = "returned", "CQC returned a self-assessment with questions"
    RESUBMITTED = "resubmitted", "An organisation answered and resubmitted"
    DRAFT_OUTCOME = "draft_outcome", "CQC shared a draft outcome"
    FA_COMMENT = "fa_comment", "A factual-accuracy comment was received"
    OUTCOME_FINALISED = "outcome_finalised", "CQC finalised an outcome"
    # Cycles and deadlines
    CYCLE_DATES_CHANGED = "cycle_dates_changed", "A cycle's dates changed"
    CYCLE_CLOSING = "cycle_closing", "A cycle closes soon"
    REPLY_BY_DUE = "reply_by_due", "Answers to CQC's questions are due soon"
    FA_DEADLINE_DUE = "fa_deadline_due", "Factual-accuracy comments close soon"
    ACTION_OVERDUE = "action_overdue", "An improvement action is overdue"
    # Evidence
    EVIDENCE_REFUSED = "evidence_refused", "An evidence file was refused by the virus scan"


# A person may turn these off on their account page. Everything else (receipts, returns,
# deadlines, outcomes, invitations, refused files) is always sent.
OPTIONAL_KINDS = (
    Kind.SUBMITTED_FOR_REVIEW,
    Kind.ASSIGNED,
    Kind.RESUBMITTED,
    Kind.FA_COMMENT,
    Kind.MEMBER_ADDED,
    Kind.MEMBER_REMOVED,
)


# What "acted on" means for each kind, so that a notification leaves the person's home page:
# - Information only: the person dismisses it (a button on the home page).
DISMISSABLE_KINDS = (
    Kind.INVITATION,
    Kind.MEMBER_ADDED,
    Kind.MEMBER_REMOVED,
    Kind.SUBMISSION_RECEIPT,
    Kind.ASSIGNED,
    Kind.OUTCOME_FINALISED,
    Kind.CYCLE_DATES_CHANGED,
    Kind.EVIDENCE_REFUSED,
)
# - Asking for something: it goes once that is done, for everyone told (`services.resolve`,
#   called by the app that does it): returned and reply-by, once resubmitted; a cycle closing,
#   once submitted; a note to the assessors, once the review starts; the draft outcome and its
#   deadline, once finalised; a factual-accuracy comment, once answered or finalised.
# - These ask for something by a deadline: once the deadline has passed there is nothing left to
#   do, and they leave the home page (the self-assessment's card says what happened).
ENDS_AT_DEADLINE = (Kind.CYCLE_CLOSING, Kind.DRAFT_OUTCOME, Kind.FA_DEADLINE_DUE)


# Where a secret link stands in a stored body (Notification.secret).
LINK_PLACEHOLDER = "[link sent by email, not kept]"


class Notification(models.Model):
    """One message to one person: what, about what, when, and whether the email went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_EMAILED = "not_emailed", "Not emailed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # The address as it was sent to: an invitation goes to someone with no account yet.
    email = models.EmailField(blank=True)
    organisation_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    about = models.CharField(max_length=200)
    about_key = models.CharField(max_length=100, db_index=True)
    occasion = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    subject = models.CharField(max_length=200)
    # A one-time link the email carries (an invitation's): the stored bodies hold LINK_PLACEHOLDER in
    # its place, the email gets the link, and the link is forgotten once the email is sent, so
    # the token is in the database only while the email waits (and after it failed for good, so
    # that a site admin can send it again).
    secret = models.CharField(max_length=500, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Where the person acts on it (a path in the portal), and the deadline if there is one:
    # the home page lists a notification with these until the person has acted on it.
    link = models.CharField(max_length=500, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the person acted on it (or dismissed it): it leaves their home page.
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email or 'nobody'} ({self.get_status_display().lower()})"


class EmailPreference(models.Model):
    """The optional kinds a person has turned off (OPTIONAL_KINDS). No row: all emails on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    turned_off = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email choices of {self.user}"
