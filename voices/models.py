"""Surveys of staff and leaders, partners and people who took part, whose results become evidence.

Two halves:

- **Question sets**, part of a rubric version: for each audience, the questions that inform the
  rubric's criteria, each tagged with an evidence category. They belong to the version as its
  principles do, so a published version's questions never change: the model layer refuses here
  (through principles' `RubricContent` and frozen-aware managers) and database triggers refuse
  any SQL (migration 0003), exactly as the rubric's own rows are frozen.
- **Surveys**, an organisation's (or CQC's, about an organisation): the questions chosen from the
  set of a published version, an introduction, dates, a public link with an unguessable token,
  and the anonymous responses to it.

Nothing identifying is kept with a response: no address, no browser string, no account, and the
day it arrived rather than the time (tests/voices/test_models.py checks the columns).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from principles.models import RubricContent, RubricVersion, frozen_aware_manager
from voices.choices import AGREEMENT, YES_NO

FREE_TEXT_MAX = 2000
OPTION_MAX = 200
MIN_THRESHOLD = 5


class Audience(models.TextChoices):
    STAFF = "staff", "Staff and leaders"
    PARTNERS = "partners", "Partners"
    PARTICIPANTS = "participants", "People who took part"


# The evidence category each audience's answers are, by default (rubric-draft §5's tags).
AUDIENCE_CATEGORY = {Audience.STAFF: "SL", Audience.PARTNERS: "FP", Audience.PARTICIPANTS: "PE"}


class QuestionSet(RubricContent):
    """The questions for one audience in one rubric version."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="question_sets")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="A starting point for a survey's introduction.")

    objects = frozen_aware_manager("version")

    class Meta:
        ordering = ["version", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["version", "audience"], name="one_question_set_per_audience"),
            models.CheckConstraint(
                condition=models.Q(audience__in=["staff", "partners", "participants"]),
                name="question_set_audience_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} ({self.version.label})"

    def version_id_now(self) -> int | None:
        return self.version_id


class Question(RubricContent):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agree or disagree (5 points and “Don't know”)"
        YES_NO = "yes_no", "Yes, no or not sure"
        SINGLE = "single", "Choose one"
        MULTIPLE = "multiple", "Choose any that apply"
        FREE_TEXT = "free_text", "Free text"

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    # Stable within the set ("PE04"): how results, exports and the redline name a question.
    code = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The choices of a "choose one" or "choose any" question, as the words people see; answers
    # are stored as their position ("1", "2", ...), which never changes in a published set.
    options = models.JSONField(default=list, blank=True)
    # Criterion codes such as ["2.4"]: codes, not keys, as suggested evidence does, so the list
    # reads the same in a redline and survives copying the version.
    criteria = models.JSONField(default=list)
    category = models.CharField(max_length=4, help_text="Evidence category code, such as PE.")
    required = models.BooleanField(default=True)

    objects = frozen_aware_manager("question_set__version")

    class Meta:
        ordering = ["question_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="question_code_unique_in_set"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["agreement", "yes_no", "single", "multiple", "free_text"]),
                name="question_kind_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def version_id_now(self) -> int | None:
        return (
            QuestionSet._base_manager.filter(pk=self.question_set_id)
            .values_list("version_id", flat=True)
            .first()
        )

    def clean(self) -> None:
        if self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}:
            if len(self.options) < 2:
                raise ValidationError({"options": "Give at least 2 choices."})
        elif self.options:
            raise ValidationError({"options": "Only “choose one” and “choose any” questions have choices."})

    @property
    def is_free_text(self) -> bool:
        return self.kind == self.Kind.FREE_TEXT

    @property
    def is_counted(self) -> bool:
        """Counted in results (free text is read, not counted)."""
        return self.kind != self.Kind.FREE_TEXT

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(stored key, words shown) for every answer a person can give."""
        if self.kind == self.Kind.AGREEMENT:
            return AGREEMENT
        if self.kind == self.Kind.YES_NO:
            return YES_NO
        return tuple((str(n), str(text)) for n, text in enumerate(self.options, start=1))


def default_threshold() -> int:
    return settings.SURVEY_SUPPRESSION_THRESHOLD


def new_token() -> str:
    """The public link's secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Survey(models.Model):
    """One survey of one audience, run by an organisation (or by CQC about an organisation) in a
    cycle, with questions chosen from a published question set."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not yet open"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class RunBy(models.TextChoices):
        ORGANISATION = "organisation", "The organisation"
        CQC = "cqc", "CQC"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="surveys"
    )
    cycle = models.ForeignKey("assessments.AssessmentCycle", on_delete=models.PROTECT, related_name="surveys")
    # CQC's own surveys of an organisation's partners or participants are CQC's: its staff see
    # them in the review workspace, the organisation only in aggregate once the outcome is final.
    run_by = models.CharField(max_length=12, choices=RunBy.choices, default=RunBy.ORGANISATION)
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="surveys")
    questions = models.ManyToManyField(Question, through="SurveyQuestion", related_name="+")
    title = models.CharField(max_length=200)
    introduction = models.TextField()
    easy_read_introduction = models.TextField(blank=True)
    opens_on = models.DateField()
    closes_on = models.DateField()
    equality_monitoring = models.BooleanField(default=False)
    # Counts below this are never shown (never below MIN_THRESHOLD).
    suppression_threshold = models.PositiveSmallIntegerField(
        default=default_threshold, validators=[MinValueValidator(MIN_THRESHOLD), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    # Kept by the answering service in the same UPDATE that checks the cap, so the cap holds
    # however many answers arrive at once.
    response_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=models.Q(suppression_threshold__gte=MIN_THRESHOLD),
                name="survey_threshold_at_least_5",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "closed"]), name="survey_status_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience(self) -> str:
        return self.question_set.audience

    @property
    def is_cqc(self) -> bool:
        return self.run_by == self.RunBy.CQC


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="question_once_per_survey"),
        ]

    def __str__(self) -> str:
        return f"Question {self.position} of survey {self.survey_id}"


class PopulationShare(models.Model):
    """The share of the affected population in one equality group, as the organisation entered
    it (from the census or its JSNA), set beside who answered (principle 5.3)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="population")
    key = models.CharField(max_length=20)
    value = models.CharField(max_length=20)
    percent = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["survey", "key", "value"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key", "value"], name="one_population_share_per_group"),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="population_percent_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.value}: {self.percent}%"


class Response(models.Model):
    """One person's answers. Deliberately almost empty: the survey and the day it arrived. No
    address, browser string, account or time of day, so nothing here can point back at anyone."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    received_on = models.DateField()

    class Meta:
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"Response {self.pk} to survey {self.survey_id}"


class Answer(models.Model):
    """One counted answer: a question's key ("q" and the question's id, or an equality-monitoring
    key such as "eq_age") and the stored answer. A "choose any" answer is one row per choice.
    The survey is repeated here so results are counted from this one table by SQL."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20)
    value = models.CharField(max_length=20)

    class Meta:
        ordering = ["response", "key", "value"]
        indexes = [models.Index(fields=["survey", "key", "value"], name="answer_counts")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class FreeTextAnswer(models.Model):
    """A free-text answer, read by the organisation's leads before any of it leaves the survey's
    page: included, excluded, or included with personal details taken out."""

    class Review(models.TextChoices):
        PENDING = "pending", "Not yet reviewed"
        INCLUDE = "include", "Included"
        EXCLUDE = "exclude", "Excluded"
        REDACT = "redact", "Included with personal details removed"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="free_text")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="free_text")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=FREE_TEXT_MAX)
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.PENDING)
    redacted_text = models.TextField(blank=True, max_length=FREE_TEXT_MAX)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "question", "pk"]
        indexes = [models.Index(fields=["survey", "review"], name="free_text_review")]

    def __str__(self) -> str:
        return f"Free-text answer {self.pk} ({self.get_review_display().lower()})"

    @property
    def published_text(self) -> str | None:
        """What may leave the survey's page: nothing until reviewed, nothing if excluded."""
        if self.review == self.Review.INCLUDE:
            return self.text
        if self.review == self.Review.REDACT:
            return self.redacted_text
        return None


class ReceivedSubmission(models.Model):
    """A submission token already used: a response posted twice is stored once. The token is
    random, made when the person opened the survey; only its hash is kept, and nothing links
    it to the response it came with."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "digest"], name="submission_received_once"),
        ]

    def __str__(self) -> str:
        return f"Submission to survey {self.survey_id}"


class AddressCount(models.Model):
    """How many answers came from one address to one survey in one hour, for the limit.

    The address itself is never stored: `digest` is a keyed hash (HMAC-SHA-256 with the secret
    key) of the survey, the hour and the address, which cannot be turned back into the address
    or matched across surveys or hours. Rows older than a day are deleted as new ones are
    written. In the database, so the limit holds across every app server."""

    digest = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "window_start"], name="one_count_per_address_and_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.count} from one address since {self.window_start:%Y-%m-%d %H:%M}"


class SurveyFiling(models.Model):
    """A closed survey's results filed as evidence: the frozen snapshot (canonical JSON of what the
    results page showed, small numbers hidden and free text as reviewed), its SHA-256, and the
    evidence file (the PDF summary) it became. Never changed or deleted."""

    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="filing")
    evidence_file = models.ForeignKey("evidence.EvidenceFile", on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Results of survey {self.survey_id}, filed {self.filed_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("Filed survey results are a permanent record and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Filed survey results are a permanent record and cannot be deleted.")
