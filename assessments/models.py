"""Organisations, the people who belong to them, and (later) their self-assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A body that assesses its public engagement: an ICS, a local authority, or a partner.

    Everything an organisation owns (assessments, evidence) is reached through it, and every
    query for those objects is scoped by it: another organisation's data is a 404.
    """

    class Type(models.TextChoices):
        ICS = "ics", "Integrated care system"
        LOCAL_AUTHORITY = "la", "Local authority"
        PARTNER = "partner", "Partner organisation"

    class Region(models.TextChoices):
        EAST = "east", "East of England"
        LONDON = "london", "London"
        MIDLANDS = "midlands", "Midlands"
        NORTH_EAST_YORKSHIRE = "ney", "North East and Yorkshire"
        NORTH_WEST = "nw", "North West"
        SOUTH_EAST = "se", "South East"
        SOUTH_WEST = "sw", "South West"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=Type.choices)
    # ODS or ONS code, such as "QWE" for an ICB or "E10000002" for a county council.
    code = models.CharField(max_length=20, unique=True)
    region = models.CharField(max_length=10, choices=Region.choices)

    class Meta:
        ordering = ["name"]
        permissions = [
            # Held by the "CQC assessors" group: they review every organisation's submissions.
            ("review_assessments", "Can review any organisation's submitted self-assessments"),
            # Held by the "Rubric admins" group: they edit and publish rubric wording.
            ("edit_rubrics", "Can edit and publish rubric versions"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One person's role in one organisation.

    Roles decide what a person may do with their organisation's work: leads run and submit the
    assessment, contributors write answers and upload evidence, viewers only read.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        CONTRIBUTOR = "contributor", "Contributor"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            # One role per person per organisation: access checks read a single row.
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_person_and_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["lead", "contributor", "viewer"]),
                name="membership_role_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display()}, {self.organisation}"

    @property
    def can_edit(self) -> bool:
        """Leads and contributors write; viewers (board and lay members) only read."""
        return self.role in {self.Role.LEAD, self.Role.CONTRIBUTOR}


class AssessmentCycle(models.Model):
    """A yearly round of self-assessment, such as "2026/27"."""

    label = models.CharField(max_length=20, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="cycle_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.label


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

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_evidenced


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


class Submission(models.Model):
    """What was submitted, frozen: answers, narratives, citations with file hashes, the rubric
    version and its content hash, who and when, as canonical JSON with its own SHA-256."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_submission_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} submission {self.number}"
