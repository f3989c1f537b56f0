"""The starter question sets (voices/questions/2026.yaml), loaded into a rubric version.

Used by the data migration (with historical models) and by tests that need the sets back after
a flush, so it takes the models it writes with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

STARTER_FILE = Path(__file__).resolve().parent / "questions" / "2026.yaml"
AUDIENCES = ("participants", "staff", "partners")
KINDS = {"agreement", "yes_no", "single", "multiple", "free_text"}


def read(path: Path = STARTER_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for audience in AUDIENCES:
        for question in data[audience]["questions"]:
            if question["kind"] not in KINDS:
                raise ValueError(f"{question['code']}: unknown kind {question['kind']!r}")
    return data


def load(version, *, QuestionSet, Question, Criterion, data: dict[str, Any] | None = None) -> None:
    """Create the sets in `version` (a draft, or a version being created by a migration).
    Every criterion code must exist in the version."""
    data = data or read()
    known = set(Criterion.objects.filter(principle__version=version).values_list("code", flat=True))
    for audience in AUDIENCES:
        spec = data[audience]
        question_set = QuestionSet.objects.create(
            version=version, audience=audience, title=spec["title"], introduction=spec["introduction"]
        )
        for position, q in enumerate(spec["questions"], start=1):
            unknown = set(q.get("criteria", [])) - known
            if unknown:
                raise ValueError(f"{q['code']}: no criterion {sorted(unknown)} in {version.label}")
            Question.objects.create(
                question_set=question_set,
                code=q["code"],
                position=position,
                text=q["text"],
                hint=q.get("hint", ""),
                kind=q["kind"],
                options=q.get("options", []),
                criteria=q.get("criteria", []),
                category=q.get("category", spec["category"]),
                required=q.get("required", True),
            )
