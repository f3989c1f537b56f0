"""Self-assessments: cycles, assessments, answers, citations, submissions and their history.

Organisations and memberships live in `organisations/`.

A self-assessment can change only while it is with the organisation (draft, or returned with
questions). Once submitted, its answers and citations are frozen three times over, as the rubric
is: here in the model layer (`save()`/`delete()` and queryset `update()`/`delete()` refuse), in
the services (which lock the assessment and check its status), and by database triggers
(migration 0005) so that even raw SQL cannot change what CQC received. Submissions never change
at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from engagement_portal.lib.frozen import guarded_manager
from organisations.models import Organisation


class AssessmentCycle(models.Model):
    """A round of self-assessment, such as "2026/27": its dates, the rubric version its
    assessments are answered against, the organisations it asks (its scope), and the periods
    CQC gives organisations to answer questions and to comment on a draft outcome. CQC's cycle
    managers create, change and close cycles on the portal's pages (cycles/)."""

    class Scope(models.TextChoices):
        ALL = "all", "All organisations"
        TYPE = "type", "Organisations of some types"
        REGION = "region", "Organisations in some regions"
        PICKED = "picked", "Organisations picked one by one"

    label = models.CharField(max_length=20, unique=True, help_text='A name such as "2026/27".')
    # The label as it appears in web addresses ("2026-27"): a label's "/" cannot.
    slug = models.SlugField(
        max_length=20, unique=True, help_text='The label for web addresses, such as "2026-27".'
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    # None for cycles made before cycles were managed on the portal: their assessments use the
    # version current when they start.
    rubric_version = models.ForeignKey(
        "principles.RubricVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    scope_types = models.JSONField(default=list, blank=True)
    scope_regions = models.JSONField(default=list, blank=True)
    # Ids, not a many-to-many: the scope is a choice made once, read as a set.
    scope_organisation_ids = models.JSONField(default=list, blank=True)
    reply_by_working_days = models.PositiveSmallIntegerField(
        default=10, help_text="Working days an organisation has to answer CQC's questions."
    )
    factual_accuracy_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days an organisation has to comment on a draft outcome."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="cycle_closes_after_it_opens"
            ),
        ]
        permissions = [
            # Held by the "Cycle managers" group (migration 0009): CQC staff who run the rounds.
            ("manage_cycles", "Can create, change and close assessment cycles"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open_on(self, day: datetime.date) -> bool:
        """Leads can start and submit only while the cycle is open (both dates included) and
        has not been closed."""
        return self.closed_at is None and self.opens_on <= day <= self.closes_on

    def organisations_in_scope(self) -> models.QuerySet:
        """The organisations this cycle asks for a self-assessment."""
        organisations = Organisation.objects.all()
        if self.scope == self.Scope.TYPE:
            return organisations.filter(type__in=self.scope_types)
        if self.scope == self.Scope.REGION:
            return organisations.filter(region__in=self.scope_regions)
        if self.scope == self.Scope.PICKED:
            return organisations.filter(pk__in=self.scope_organisation_ids)
        return organisations

    def includes(self, organisation: Organisation) -> bool:
        return self.organisations_in_scope().filter(pk=organisation.pk).exists()

    @property
    def days_to_close(self) -> int | None:
        """Days left today (0 on the closing day); None once closed or past its closing date."""
        return self.days_left(timezone.localdate())

    def days_left(self, today: datetime.date) -> int | None:
        """Whole days until the closing date (0 on the day itself); None once it has passed."""
        days = (self.closes_on - today).days
        return days if days >= 0 and not self.is_closed else None


class CycleChange(models.Model):
    """A cycle created, its dates changed, or closed: who, when, and the dates before and after."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        DATES = "dates", "Dates changed"
        CLOSED = "closed", "Closed"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_opens_on = models.DateField(null=True, blank=True)
    from_closes_on = models.DateField(null=True, blank=True)
    to_opens_on = models.DateField(null=True, blank=True)
    to_closes_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_kind_display()}"


class FrozenAssessmentError(ValidationError):
    """Raised when anything tries to change an assessment that is not with the organisation."""


class Assessment(models.Model):
    """One organisation's self-assessment in one cycle, answered against one rubric version.

    The rubric version is pinned when the assessment starts and never changes, whatever is
    published later: the answers only make sense against the wording they were given for."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        RETURNED = "returned", "Returned with questions"
        ASSESSED = "assessed", "Assessed"

    # Statuses in which the organisation can change answers.
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.PROTECT, related_name="assessments")
    rubric_version = models.ForeignKey("principles.RubricVersion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cycle__opens_on", "organisation__name"]
        constraints = [
            # One assessment per organisation per cycle.
            models.UniqueConstraint(fields=["organisation", "cycle"], name="one_assessment_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.cycle}"

    @property
    def is_editable(self) -> bool:
        """Answers change only while the assessment is with the organisation."""
        return self.status in self.EDITABLE


def refuse_unless_editable(assessment_ids: Iterable[int | None]) -> None:
    """Raise FrozenAssessmentError if any of these assessments is not draft or returned.

    Reads the status from the database, not from an object in memory that may be stale."""
    ids = {pk for pk in assessment_ids if pk is not None}
    if ids and Assessment.objects.filter(pk__in=ids).exclude(status__in=Assessment.EDITABLE).exists():
        raise FrozenAssessmentError(
            "This self-assessment has been submitted to CQC, so its answers and evidence cannot change."
        )


def editable_only_manager(assessment_path: str) -> models.Manager:
    """Bulk update() and delete() refuse rows of an assessment that is not draft or returned."""
    return guarded_manager(
        f"EditableOnlyQuerySet_{assessment_path}",
        frozen_rows=lambda: ~models.Q(**{f"{assessment_path}__status__in": Assessment.EDITABLE}),
        refusal=lambda: FrozenAssessmentError("These rows belong to a submitted self-assessment."),
    )


class CriterionResponse(models.Model):
    """The organisation's answer to one criterion: a score 1-4 or "not evidenced", and why.

    `version` counts saves, for optimistic locking: a save that started from an older version
    is refused, so two people editing the same answer cannot silently overwrite each other."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey("principles.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_evidenced = models.BooleanField(default=False)
    narrative = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Work shared out (issue 14): the member the lead gave this criterion to (nobody when
    # unassigned), and whether its answer is "ready for the lead". Neither is part of the answer:
    # they never bump `version`. Changing the level or the reasoning clears the ready mark
    # (services.response_save): what was marked ready is no longer what is there.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)

    objects = editable_only_manager("assessment")

    class Meta:
        ordering = ["assessment", "criterion__principle__number", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_response_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=4),
                name="response_score_1_to_4",
            ),
            # "Not evidenced" and a score are alternatives.
            models.CheckConstraint(
                condition=~models.Q(not_evidenced=True, score__isnull=False), name="scored_or_not_evidenced"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}"

    def save(self, *args, **kwargs) -> None:
        """Refuse unless both the assessment it belongs to and the one it would join are open."""
        ids = {self.assessment_id}
        if self.pk is not None:
            ids |= set(type(self)._base_manager.filter(pk=self.pk).values_list("assessment_id", flat=True))
        refuse_unless_editable(ids)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_unless_editable(
            type(self)._base_manager.filter(pk=self.pk).values_list("assessment_id", flat=True)
        )
        return super().delete(*args, **kwargs)

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_evidenced

    @property
    def is_ready(self) -> bool:
        """Marked "ready for the lead" since the answer last changed."""
        return self.ready_at is not None


class Transition(models.Model):
    """A change of an assessment's status: who, when, and an optional comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Assessment.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Assessment.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.from_status or 'new'} → {self.to_status}"


class SubmissionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Submissions are a permanent record and cannot be changed.")

    def delete(self):
        raise ValidationError("Submissions are a permanent record and cannot be deleted.")


class Submission(models.Model):
    """What was submitted, frozen: answers, narratives, citations with file hashes, the rubric
    version and its content hash, who and when, as canonical JSON with its own SHA-256.

    Never changed or deleted (here, and by a database trigger): it is the proof of what CQC
    received. A resubmission after questions is a new row with the next number."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_submission_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} submission {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("Submissions are a permanent record and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Submissions are a permanent record and cannot be deleted.")


class RenderedReport(models.Model):
    """A submission's PDF report, rendered once and kept (assessments/report.py).

    What a report of a submission shows never changes (the snapshot is frozen, and so is the
    rubric version it was answered against), so it is rendered once per report template
    version (REPORT_VERSION) and CQC outcome, in the background, and every later download
    streams the stored file. The file lives in the private evidence storage under "reports/";
    `sha256` is the stored PDF's own hash, checked by nothing but handy for support."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reports")
    template_version = models.CharField(max_length=20)
    # SHA-256 of CQC's finalised outcome as the report shows it (report.OutcomeSection); empty
    # while there is none. Finalising means a new report: the one from before is never served.
    outcome_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    storage_key = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    render_ms = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True)
    # When the render was (last) queued: a pending render much older than this was lost (a
    # worker stopped) and is queued again.
    requested_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "-created_at"]
        constraints = [
            # The cache key: one report per submission, template version and outcome.
            models.UniqueConstraint(
                fields=["submission", "template_version", "outcome_sha256"], name="one_report_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Report of {self.submission} (template {self.template_version}, {self.status})"


class DraftReportRender(models.Model):
    """One draft report rendered for a person (assessments/report_views.py).

    Drafts are rendered while their person waits, a second or two of a core each, so each person
    may have only settings.DRAFT_REPORT_LIMIT of them in DRAFT_REPORT_WINDOW; the rows are how
    every app server counts them (nothing is kept in a process). Rows older than the window are
    deleted as the next one is written."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["user", "at"]

    def __str__(self) -> str:
        return f"Draft report for {self.user} at {self.at:%Y-%m-%d %H:%M:%S}"
