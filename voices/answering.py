"""Answering a survey without signing in, and without a session.

The pages keep nothing on the server until the last one: the answers so far travel in a hidden
field, signed with the secret key (Django's signing, salted per survey) so they cannot be
altered or moved to another survey, and each page's answer is checked as it arrives. The signed
state also carries a random submission token made on the first page: the response is stored
with the token's keyed hash, once, so a response posted twice is counted once.

One page per question (GOV.UK's "one thing per page"), then the equality-monitoring questions if
the survey asks them, then "Check your answers", then the confirmation.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from django.core import signing

from voices.choices import MONITORING, PREFER_NOT
from voices.models import FREE_TEXT_MAX, Question, Survey, SurveyQuestion
from voices.services import Answers

# The most a signed state may be: every free-text answer at its longest, and room to spare.
STATE_MAX = 200_000
STATE_MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class Step:
    """One question page."""

    key: str
    text: str
    hint: str
    kind: str  # "single", "multiple" or "free_text"
    choices: tuple[tuple[str, str, str], ...]  # (stored value, words, hint)
    required: bool
    question_id: int | None
    # The choice after which GOV.UK's "or" divider goes ("Don't know", "Prefer not to say").
    divider_before: str = ""
    criteria: tuple[str, ...] = ()

    @property
    def is_monitoring(self) -> bool:
        return self.question_id is None

    def values(self) -> frozenset[str]:
        return frozenset(value for value, _, _ in self.choices)

    def words(self, value: str) -> str:
        return next((words for stored, words, _ in self.choices if stored == value), value)

    def missing_message(self) -> str:
        if self.kind == "multiple":
            return "Select at least one answer"
        if self.kind == "free_text":
            return "Enter your answer"
        if self.divider_before == "dont_know":
            return "Select how much you agree or disagree, or “Don't know”"
        return "Select an answer"


def _question_step(question: Question) -> Step:
    if question.kind == Question.Kind.FREE_TEXT:
        kind, choices = "free_text", ()
    else:
        kind = "multiple" if question.kind == Question.Kind.MULTIPLE else "single"
        choices = tuple((value, words, "") for value, words in question.choices())
    divider = "dont_know" if question.kind == Question.Kind.AGREEMENT else ""
    return Step(
        key=f"q{question.pk}",
        text=question.text,
        hint=question.hint,
        kind=kind,
        choices=choices,
        required=question.required and kind != "free_text",
        question_id=question.pk,
        divider_before=divider,
        criteria=tuple(question.criteria),
    )


MONITORING_STEPS = tuple(
    Step(
        key=m.key,
        text=m.text,
        hint=m.hint,
        kind="single",
        choices=tuple((value, words, m.option_hints.get(value, "")) for value, words in m.options),
        required=False,
        question_id=None,
        divider_before=PREFER_NOT[0],
    )
    for m in MONITORING
)


# An open survey's questions never change (survey_update refuses once it opens, and published
# questions are frozen), so each process keeps them, keyed by the survey and when it opened.
_cache: OrderedDict[tuple, tuple[Step, ...]] = OrderedDict()
_cache_lock = Lock()
CACHE_SIZE = 500


def _load_steps(survey: Survey) -> tuple[Step, ...]:
    questions = [
        sq.question
        for sq in SurveyQuestion.objects.filter(survey=survey).select_related("question").order_by("position")
    ]
    steps = tuple(_question_step(q) for q in questions)
    if survey.equality_monitoring:
        steps += MONITORING_STEPS
    return steps


def steps_for(survey: Survey) -> tuple[Step, ...]:
    if survey.status == Survey.Status.DRAFT or survey.opened_at is None:
        return _load_steps(survey)
    key = (survey.pk, survey.opened_at)
    with _cache_lock:
        steps = _cache.get(key)
        if steps is not None:
            _cache.move_to_end(key)
            return steps
    steps = _load_steps(survey)
    with _cache_lock:
        _cache[key] = steps
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return steps


def forget() -> None:
    with _cache_lock:
        _cache.clear()


# ---------------------------------------------------------------------------------------------
# The signed state


class BadState(Exception):
    """The hidden answers could not be read: altered, expired, from another survey, too big."""


@dataclass
class State:
    token: str
    answers: dict[str, str | list[str]]


def _salt(survey: Survey) -> str:
    return f"voices.answers.{survey.pk}.{survey.token}"


def new_state() -> State:
    return State(token=secrets.token_urlsafe(24), answers={})


def dump_state(survey: Survey, state: State) -> str:
    return signing.dumps({"t": state.token, "a": state.answers}, salt=_salt(survey), compress=True)


def load_state(survey: Survey, signed: str | None) -> State:
    if not signed or len(signed) > STATE_MAX:
        raise BadState("No answers")
    try:
        data = signing.loads(signed, salt=_salt(survey), max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        raise BadState("Altered or expired") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("t"), str)
        or not isinstance(data.get("a"), dict)
    ):
        raise BadState("Not a state")
    return State(token=data["t"], answers=data["a"])


# ---------------------------------------------------------------------------------------------
# Checking answers


def clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_answer(step: Step, posted: list[str]) -> tuple[str | list[str] | None, str]:
    """(the answer to keep, or None for none; an error message or "")."""
    if step.kind == "free_text":
        text = clean_text(posted[-1] if posted else "")
        if len(text) > FREE_TEXT_MAX:
            return text, f"Your answer must be {FREE_TEXT_MAX:,} characters or fewer"
        if not text:
            return None, step.missing_message() if step.required else ""
        return text, ""
    allowed = step.values()
    chosen = [value for value in dict.fromkeys(posted) if value]
    if any(value not in allowed for value in chosen):
        return None, "Select one of the answers shown"
    if not chosen:
        return None, step.missing_message() if step.required else ""
    if step.kind == "single":
        if len(chosen) > 1:
            return None, "Select one answer"
        return chosen[0], ""
    return chosen, ""


def check_all(steps: tuple[Step, ...], state: State) -> tuple[Answers | None, dict[str, str]]:
    """Every answer checked again before it is stored: (the answers, {step key: error})."""
    errors: dict[str, str] = {}
    by_key = {step.key: step for step in steps}
    if set(state.answers) - set(by_key):
        raise BadState("Answers to questions the survey does not ask")
    counted: dict[str, list[str]] = {}
    free_text: dict[int, str] = {}
    for step in steps:
        given = state.answers.get(step.key)
        posted = given if isinstance(given, list) else ([given] if isinstance(given, str) else [])
        answer, error = check_answer(step, posted)
        if error:
            errors[step.key] = error
        elif answer is None:
            continue
        elif step.kind == "free_text":
            free_text[step.question_id] = answer
        else:
            counted[step.key] = answer if isinstance(answer, list) else [answer]
    if errors:
        return None, errors
    return Answers(counted=counted, free_text=free_text), {}


def display(step: Step, answer) -> str:
    if answer is None or answer == [] or answer == "":
        return "Not answered"
    if step.kind == "free_text":
        return answer
    if isinstance(answer, list):
        return ", ".join(step.words(value) for value in answer)
    return step.words(answer)
