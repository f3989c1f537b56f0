"""Every write to surveys: creating and changing them, opening, closing, replacing the link, the
population profile, storing an anonymous response, reviewing free text.

Status changes are recorded in the audit trail in the same transaction. Responses are not: an
audit event carries the request's address, and a response must carry nothing that could point
at the person who gave it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import record
from principles.models import RubricVersion
from principles.services import record_change, require_draft
from voices.models import (
    AddressCount,
    Answer,
    FreeTextAnswer,
    PopulationShare,
    Question,
    QuestionSet,
    ReceivedSubmission,
    Response,
    Survey,
    SurveyQuestion,
    new_token,
)


class SurveyRefused(Exception):
    """A change that is not allowed now, and why, in words for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SurveyDetails:
    title: str
    introduction: str
    easy_read_introduction: str
    opens_on: datetime.date
    closes_on: datetime.date
    equality_monitoring: bool


def _label(survey: Survey) -> str:
    return f"survey “{survey.title}”"


def _record(action_summary: str, survey: Survey, by, **detail) -> None:
    record(
        "survey.transition" if "status" in detail else "survey.changed",
        action_summary,
        actor=by,
        organisation=survey.organisation_id,
        obj=survey,
        detail={"object": _label(survey), **detail},
    )


def _set_questions(survey: Survey, questions: Iterable[Question]) -> None:
    SurveyQuestion.objects.filter(survey=survey).delete()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, question=question, position=position)
        for position, question in enumerate(sorted(questions, key=lambda q: (q.position, q.pk)), start=1)
    )


@transaction.atomic
def survey_create(
    *,
    organisation,
    cycle,
    question_set: QuestionSet,
    questions: Iterable[Question],
    details: SurveyDetails,
    by,
    run_by: str = Survey.RunBy.ORGANISATION,
) -> Survey:
    questions = list(questions)
    if any(q.question_set_id != question_set.pk for q in questions):
        raise SurveyRefused("Choose questions from the survey's own question set.")
    if not questions:
        raise SurveyRefused("Choose at least one question.")
    survey = Survey.objects.create(
        organisation=organisation,
        cycle=cycle,
        question_set=question_set,
        run_by=run_by,
        created_by=by,
        **details.__dict__,
    )
    _set_questions(survey, questions)
    _record(f"Created {_label(survey)}", survey, by, status="draft")
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("question_set").get(pk=survey.pk)


@transaction.atomic
def survey_update(*, survey: Survey, questions: Iterable[Question], details: SurveyDetails, by) -> Survey:
    """Change a survey that has not opened: once people have answered, what they were asked
    must stay as it was."""
    survey = _locked(survey)
    if survey.status != Survey.Status.DRAFT:
        raise SurveyRefused("This survey has opened, so its questions and wording cannot change.")
    questions = list(questions)
    if not questions or any(q.question_set_id != survey.question_set_id for q in questions):
        raise SurveyRefused("Choose at least one question from the survey's question set.")
    for field, value in details.__dict__.items():
        setattr(survey, field, value)
    survey.save()
    _set_questions(survey, questions)
    _record(f"Changed {_label(survey)}", survey, by)
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, by) -> Survey:
    survey = _locked(survey)
    if survey.status != Survey.Status.DRAFT:
        raise SurveyRefused("Only a survey that has not opened yet can be opened.")
    if survey.closes_on < timezone.localdate():
        raise SurveyRefused("The closing date has passed. Change the dates before opening the survey.")
    survey.status = Survey.Status.OPEN
    survey.opened_at = timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    _record(f"Opened {_label(survey)}", survey, by, status="open", from_status="draft")
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by) -> Survey:
    survey = _locked(survey)
    if survey.status != Survey.Status.OPEN:
        raise SurveyRefused("Only an open survey can be closed.")
    survey.status = Survey.Status.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    _record(f"Closed {_label(survey)}", survey, by, status="closed", from_status="open")
    return survey


@transaction.atomic
def survey_replace_link(*, survey: Survey, by) -> Survey:
    """A new public link; the old one stops working at once (the same 404 as any unknown link)."""
    survey = _locked(survey)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyRefused("This survey has closed, so its link cannot be replaced.")
    survey.token = new_token()
    survey.save(update_fields=["token"])
    _record(f"Replaced the link of {_label(survey)}", survey, by)
    return survey


@transaction.atomic
def population_save(*, survey: Survey, shares: Mapping[tuple[str, str], Decimal | None], by) -> None:
    """The population's profile as the organisation entered it: a percentage per group, or none."""
    survey = _locked(survey)
    PopulationShare.objects.filter(survey=survey).delete()
    PopulationShare.objects.bulk_create(
        PopulationShare(survey=survey, key=key, value=value, percent=percent)
        for (key, value), percent in shares.items()
        if percent is not None
    )
    _record(f"Entered the population profile of {_label(survey)}", survey, by)


# ---------------------------------------------------------------------------------------------
# Answering


class LimitReached(Exception):
    """Too many answers from one address in this hour."""

    def __init__(self, retry_at: datetime.datetime) -> None:
        super().__init__(f"Try again after {retry_at}")
        self.retry_at = retry_at


class NotTakingAnswers(Exception):
    """Closed, not yet open, replaced, or full: the same answer for all of them."""


WINDOW = datetime.timedelta(hours=1)
KEEP_COUNTS_FOR = datetime.timedelta(days=1)


def _keyed_hash(*parts: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def count_address(*, survey: Survey, address: str | None, now: datetime.datetime | None = None) -> None:
    """Count one answer from this address to this survey in this hour; LimitReached past the
    limit. Only a keyed hash of survey, hour and address is stored, for at most a day."""
    now = now or timezone.now()
    window = now.replace(minute=0, second=0, microsecond=0)
    digest = _keyed_hash("voices.address", str(survey.pk), window.isoformat(), address or "")
    updated = AddressCount.objects.filter(digest=digest, window_start=window).update(count=F("count") + 1)
    if not updated:
        AddressCount.objects.filter(window_start__lt=now - KEEP_COUNTS_FOR).delete()
        try:
            with transaction.atomic():
                AddressCount.objects.create(digest=digest, window_start=window, count=1)
        except IntegrityError:
            AddressCount.objects.filter(digest=digest, window_start=window).update(count=F("count") + 1)
    count = AddressCount.objects.filter(digest=digest, window_start=window).values_list("count", flat=True)[0]
    if count > settings.SURVEY_ADDRESS_LIMIT:
        raise LimitReached(window + WINDOW)


def submission_digest(survey: Survey, submission_token: str) -> str:
    return _keyed_hash("voices.submission", str(survey.pk), submission_token)


@dataclass(frozen=True)
class Answers:
    """A person's checked answers: counted ones as key -> list of stored values, free text as
    question id -> text."""

    counted: dict[str, list[str]]
    free_text: dict[int, str]


def response_store(*, survey: Survey, submission_token: str, answers: Answers) -> bool:
    """Store one response. False if this submission was already stored (posted twice).
    NotTakingAnswers if the survey is not open today, or is full."""
    today = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReceivedSubmission.objects.create(
                    survey=survey, digest=submission_digest(survey, submission_token)
                )
        except IntegrityError:
            return False
        taken = Survey.objects.filter(
            pk=survey.pk,
            status=Survey.Status.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
            response_count__lt=settings.SURVEY_RESPONSE_CAP,
        ).update(response_count=F("response_count") + 1)
        if not taken:
            raise NotTakingAnswers
        response = Response.objects.create(survey=survey, received_on=today)
        Answer.objects.bulk_create(
            Answer(response=response, survey=survey, key=key, value=value)
            for key, values in answers.counted.items()
            for value in values
        )
        FreeTextAnswer.objects.bulk_create(
            FreeTextAnswer(response=response, survey=survey, question_id=question_id, text=text)
            for question_id, text in answers.free_text.items()
            if text
        )
    return True


# ---------------------------------------------------------------------------------------------
# Reviewing free text


@transaction.atomic
def free_text_review(*, answer: FreeTextAnswer, review: str, redacted_text: str, by) -> FreeTextAnswer:
    answer = FreeTextAnswer.objects.select_for_update().select_related("survey").get(pk=answer.pk)
    if review not in FreeTextAnswer.Review.values or review == FreeTextAnswer.Review.PENDING:
        raise SurveyRefused("Choose whether to include this answer.")
    if review == FreeTextAnswer.Review.REDACT and not redacted_text.strip():
        raise SurveyRefused("Enter the answer with the personal details taken out.")
    answer.review = review
    answer.redacted_text = redacted_text if review == FreeTextAnswer.Review.REDACT else ""
    answer.reviewed_by = by
    answer.reviewed_at = timezone.now()
    answer.save(update_fields=["review", "redacted_text", "reviewed_by", "reviewed_at"])
    return answer


# ---------------------------------------------------------------------------------------------
# Question sets in a rubric draft (rubric admins). A published set never changes: the draft
# check here, the model layer and the database triggers all refuse. Each change is in the
# version's history and the audit trail, as the rubric's own are (principles.services).


@dataclass(frozen=True)
class QuestionWording:
    code: str
    text: str
    hint: str
    kind: str
    options: list[str]
    criteria: list[str]
    category: str
    required: bool


def _question_subject(question_set: QuestionSet, code: str) -> str:
    return f"{question_set.get_audience_display()} survey question {code}"


def _locked_draft(question_set: QuestionSet) -> RubricVersion:
    version = RubricVersion.objects.select_for_update().get(pk=question_set.version_id)
    require_draft(version)
    return version


@transaction.atomic
def question_add(*, question_set: QuestionSet, wording: QuestionWording, by) -> Question:
    version = _locked_draft(question_set)
    last = question_set.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question(question_set=question_set, position=(last or 0) + 1, **wording.__dict__)
    question.full_clean(exclude=["criteria"])
    question.save()
    record_change(version, by, _question_subject(question_set, question.code), "added", "", question.text)
    return question


@transaction.atomic
def question_update(*, question: Question, wording: QuestionWording, by) -> list[str]:
    """The fields that changed, each in the version's history."""
    question_set = question.question_set
    version = _locked_draft(question_set)
    before = {field: getattr(question, field) for field in wording.__dict__}
    for field, value in wording.__dict__.items():
        setattr(question, field, value)
    question.full_clean(exclude=["criteria"])
    question.save()
    changed = [field for field, value in wording.__dict__.items() if before[field] != value]
    for field in changed:
        record_change(
            version,
            by,
            _question_subject(question_set, before["code"]),
            field,
            before[field],
            wording.__dict__[field],
        )
    return changed


@transaction.atomic
def question_remove(*, question: Question, by) -> None:
    version = _locked_draft(question.question_set)
    record_change(
        version, by, _question_subject(question.question_set, question.code), "removed", question.text, ""
    )
    question.delete()
