"""CQC's review of a submitted self-assessment: assignment, assessor scores, principle
overrides, CQC-only notes and an audit log.

Design choice: these rows live in their own app, apart from the organisation's rows in
`assessments`. Nothing here is ever read by an organisation page or export (only the review
pages, which are for assessors, import this module's data), so CQC-only material such as
`Review.cqc_notes` cannot leak through a template that renders an Assessment. The assessment's
status (submitted / in review / returned / assessed) stays on `Assessment`, changed only through
services that also write a `Transition` row.

Scores are keyed by criterion code, within the rubric version the assessment is pinned to, so
they line up with the submission snapshot (which also names criteria by code).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assessments.models import Assessment


class Review(models.Model):
    """One per assessment, made when an assessor first assigns or opens it."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="review")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Seen only by CQC: never rendered on an organisation's page or in an organisation's export.
    cqc_notes = models.TextField(blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    # When the organisation should answer CQC's questions by: set each time the assessor returns
    # the assessment, shown to the organisation beside the questions and in CQC's queue.
    reply_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment"]

    def __str__(self) -> str:
        return f"Review of {self.assessment}"


class AssessorScore(models.Model):
    """The assessor's score for one criterion: 1-4 or not evidenced, with a rationale.

    `version` counts saves, for optimistic locking, as for the organisation's answers."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion_code = models.CharField(max_length=10)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_evidenced = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion_code"], name="one_assessor_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=4),
                name="assessor_score_1_to_4",
            ),
            models.CheckConstraint(
                condition=~models.Q(not_evidenced=True, score__isnull=False),
                name="assessor_scored_or_not_evidenced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.assessment} {self.criterion_code}"

    @property
    def is_scored(self) -> bool:
        return self.score is not None or self.not_evidenced


class PrincipleDecision(models.Model):
    """An assessor's override of one principle's calculated score (one level up or down, with a
    rationale). No row, or a row with no override, means the calculated score stands."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    principle_number = models.PositiveSmallIntegerField()
    override_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The calculated score the override was made against: if scores change later, the page
    # says the override was made against a different calculation.
    calculated_score = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "principle_number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "principle_number"], name="one_decision_per_principle"),
            models.CheckConstraint(
                condition=models.Q(override_score__isnull=True)
                | models.Q(override_score__gte=1, override_score__lte=4),
                name="override_score_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.assessment} principle {self.principle_number}"


class ReviewEvent(models.Model):
    """The audit log: every assignment, score, override and note change, with who and when.
    (Status changes are `assessments.Transition` rows.)"""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        STARTED = "started", "Review started"
        SCORED = "scored", "Criterion scored"
        OVERRIDE = "override", "Principle score overridden"
        OVERRIDE_REMOVED = "override_removed", "Principle override removed"
        NOTES = "notes", "CQC notes changed"
        QUESTION = "question", "Question asked"
        REPLY = "reply", "Reply in a question thread"
        RETURNED = "returned", "Returned to the organisation with questions"
        SHARED = "shared", "Draft outcome shared"
        FA_COMMENT = "fa_comment", "Factual accuracy comment"
        FA_RESPONSE = "fa_response", "Factual accuracy response"
        FINALISED = "finalised", "Outcome finalised"
        MODERATED = "moderated", "Principle moderated"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=20, blank=True)  # a criterion code or principle number
    detail = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.review.assessment}: {self.get_kind_display()} {self.subject}"


class Clarification(models.Model):
    """A question from CQC on a criterion or a principle (or the whole assessment), and the
    thread of replies under it (`parent` set). Questions are drafted during the review and sent
    when the assessor returns the assessment (`sent_at`); only sent questions, and their
    replies, are ever shown to the organisation. A question is answered once the organisation
    replies (`answered_at`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="clarifications")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    criterion_code = models.CharField(max_length=10, blank=True)
    principle_number = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # From CQC (an assessor) or from the organisation: decided when written, never from a role
    # that may change later.
    from_cqc = models.BooleanField()
    body = models.TextField()  # no character cap
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.subject}"

    @property
    def subject(self) -> str:
        if self.criterion_code:
            return f"Criterion {self.criterion_code}"
        if self.principle_number:
            return f"Principle {self.principle_number}"
        return "The whole self-assessment"


class Outcome(models.Model):
    """CQC's outcome for a review: shared first as a draft for factual-accuracy comments until
    `fa_deadline`, then finalised (the assessment becomes assessed). `draft` and `final` are
    frozen JSON of what the organisation was shown (principle and criterion scores, the rating,
    a summary per principle, and any areas for improvement per principle): the organisation's
    pages render only these, never the live review rows, so nothing CQC-only (notes,
    rationales) can reach them."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="outcome")
    summaries = models.JSONField(default=dict)  # {"1": "summary of principle 1", ...}
    # CQC's areas for improvement, optional, per principle: {"1": ["an area", ...], ...}. Frozen
    # into `draft` and `final` with the summaries; the organisation's improvement plan offers
    # each area of the final outcome as a suggested action (improvement/).
    areas = models.JSONField(default=dict, blank=True)
    fa_deadline = models.DateField(null=True, blank=True)
    draft = models.JSONField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final = models.JSONField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Outcome of {self.review.assessment}"


class FactualAccuracyComment(models.Model):
    """The organisation's comment on the draft outcome, and the assessor's response."""

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="comments")
    principle_number = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["outcome", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Factual accuracy comment on {self.outcome.review.assessment}"


class PrincipleModeration(models.Model):
    """A second assessor's moderation of one principle: agreement with the first assessor's
    score, or a moderated score with a reason (which then stands as the principle's score)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moderations")
    principle_number = models.PositiveSmallIntegerField()
    agrees = models.BooleanField()
    moderated_score = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewed_score = models.PositiveSmallIntegerField(null=True, blank=True)  # the score moderated
    reason = models.TextField(blank=True)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "principle_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "principle_number"], name="one_moderation_per_principle"
            ),
            models.CheckConstraint(
                condition=models.Q(agrees=True, moderated_score__isnull=True)
                | models.Q(agrees=False, moderated_score__gte=1, moderated_score__lte=4),
                name="moderation_agrees_or_scores",
            ),
        ]

    def __str__(self) -> str:
        return f"Moderation of {self.review.assessment} principle {self.principle_number}"
