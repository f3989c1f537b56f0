"""CQC's questions on a returned self-assessment, as this app needs them, asked of the floor
above.

The questions and the organisation's answers live in reviews/ (``Clarification``), a floor above
this one, and are answered in one place, the questions page. This app needs them twice: check
your answers lists them and refuses a resubmission while any has no answer, and a resubmission's
snapshot freezes them with their answers, so that what CQC received (and the PDF report of it)
holds each question's answer. So that assessments/ need not import the floor above, reviews/
registers its reader here when it starts (its AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class QuestionAnswer:
    body: str
    by: str  # the person's name
    at: str  # ISO 8601


@dataclass(frozen=True)
class CqcQuestion:
    subject: str  # "Criterion 1.1", "Principle 2" or "The whole self-assessment"
    body: str
    asked_by: str
    asked_at: str  # ISO 8601
    answers: tuple[QuestionAnswer, ...] = field(default_factory=tuple)
    criterion_code: str = ""
    principle_number: int | None = None
    pk: int | None = None

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    def as_snapshot(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "criterion": self.criterion_code,
            "principle": self.principle_number,
            "question": self.body,
            "asked_by": self.asked_by,
            "asked_at": self.asked_at,
            "answers": [{"body": a.body, "by": a.by, "at": a.at} for a in self.answers],
        }


# assessment -> the questions CQC has sent, oldest first, with the organisation's answers.
Reader = Callable[[Any], list[CqcQuestion]]
_readers: list[Reader] = []


def register(reader: Reader) -> Reader:
    if reader not in _readers:
        _readers.append(reader)
    return reader


def sent_questions(assessment) -> list[CqcQuestion]:
    return [question for reader in _readers for question in reader(assessment)]
