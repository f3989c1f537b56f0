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
from functools import cached_property
from threading import Lock

from django.core import signing
from django.template.loader import render_to_string

from voices.choices import MONITORING, PREFER_NOT
from voices.models import FREE_TEXT_MAX, Question, Survey, SurveyQuestion
from voices.services import Answers

# The most a signed state may be: every free-text answer at its longest, and room to spare.
STATE_MAX = 200_000
STATE_MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class ChoiceRow:
    value: str
    words: str
    hint: str
    input_id: str
    hint_id: str
    divider: bool  # GOV.UK's "or" goes before this choice


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

    @cached_property
    def control(self) -> str:
        """GOV.UK's component for the choices: "checkboxes" or "radios"."""
        return "checkboxes" if self.kind == "multiple" else "radios"

    @cached_property
    def rows(self) -> tuple[ChoiceRow, ...]:
        """The choices as the question page lays them out, worked out once per step (the page is
        the one a respondent posts most, and a template's loop pays for every decision)."""
        return tuple(
            ChoiceRow(
                value=value,
                words=words,
                hint=hint,
                input_id="answer" if number == 1 else f"answer-{number}",
                hint_id=f"answer-{number}-hint" if hint else "",
                divider=value == self.divider_before,
            )
            for number, (value, words, hint) in enumerate(self.choices, start=1)
        )

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


class _Kept:
    """A small least-recently-used store in this process's memory, for what is the same on every
    server by construction (keyed by everything it depends on)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# An open survey's questions never change (survey_update refuses once it opens, and published
# questions are frozen), so each process keeps them, keyed by the survey and when it opened.
_steps = _Kept(500)
# ...and so each question's inputs, rendered, keyed by everything else they show: the answer
# chosen, the error and the caption (never a typed free-text answer: that is the respondent's).
_fields = _Kept(5000)


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
    steps = _steps.get(key)
    if steps is None:
        steps = _load_steps(survey)
        _steps.put(key, steps)
    return steps


def question_fields(survey: Survey, step: Step, *, chosen: list[str], text: str, error: str, caption: str):
    """The question's inputs (voices/respond/_question_fields.html), rendered once per survey,
    question, choice made, error and caption: the page respondents post most need not lay out
    the same radios again each time."""
    context = {
        "step": step,
        "chosen": chosen,
        "text": text,
        "error": error,
        "caption": caption,
        "free_text_max": FREE_TEXT_MAX,
    }
    if text or survey.status == Survey.Status.DRAFT or survey.opened_at is None:
        return render_to_string(FIELDS_TEMPLATE, context)
    key = (survey.pk, survey.opened_at, step.key, tuple(chosen), error, caption)
    html = _fields.get(key)
    if html is None:
        html = render_to_string(FIELDS_TEMPLATE, context)
        _fields.put(key, html)
    return html


FIELDS_TEMPLATE = "voices/respond/_question_fields.html"


def forget() -> None:
    _steps.clear()
    _fields.clear()


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
