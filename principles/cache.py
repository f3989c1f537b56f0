"""A rubric version's wording, read once per process and kept for as long as it is published.

Published and retired versions never change (models.py, and triggers in migration 0002), so the
principles, criteria, level descriptors and suggested evidence every self-assessment and review
page reads can be kept for good: the key holds the version's id and its content hash (SHA-256
of its export), so a different wording can never be served under it. Drafts change, so they are
read from the database every time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from principles.models import (
    Criterion,
    EvidenceCategory,
    LevelDescriptor,
    Principle,
    RubricVersion,
    SuggestedEvidence,
)


@dataclass
class Wording:
    principles: list[Principle]
    # In the order pages list them: by principle number, then position.
    criteria: list[Criterion]
    # criterion id -> {level: descriptor text}
    levels: dict[int, dict[int, str]] = field(default_factory=dict)
    # principle id -> suggested evidence, in order
    suggested: dict[int, list[SuggestedEvidence]] = field(default_factory=dict)

    # evidence category code -> its name, as people read it ("Feedback from partners")
    category_names: dict[str, str] = field(default_factory=dict)
    # criterion code -> its text
    texts: dict[str, str] = field(default_factory=dict)
    # criterion code -> [(level, text)], levels in order
    descriptors: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def _read(version_id: int) -> Wording:
    """Five queries."""
    principles = list(Principle.objects.filter(version_id=version_id).order_by("number"))
    criteria = list(
        Criterion.objects.filter(principle__version_id=version_id).order_by(
            "principle__number", "position", "pk"
        )
    )
    levels: dict[int, dict[int, str]] = defaultdict(dict)
    for criterion_id, level, text in LevelDescriptor.objects.filter(
        criterion__principle__version_id=version_id
    ).values_list("criterion_id", "level", "text"):
        levels[criterion_id][level] = text
    suggested: dict[int, list[SuggestedEvidence]] = defaultdict(list)
    for s in SuggestedEvidence.objects.filter(principle__version_id=version_id).order_by(
        "principle_id", "position", "pk"
    ):
        suggested[s.principle_id].append(s)
    category_names = dict(EvidenceCategory.objects.filter(version_id=version_id).values_list("code", "name"))
    return Wording(
        principles=principles,
        criteria=criteria,
        levels=dict(levels),
        suggested=dict(suggested),
        category_names=category_names,
        texts={c.code: c.text for c in criteria},
        descriptors={c.code: sorted(levels.get(c.pk, {}).items()) for c in criteria},
    )


# (version id, content hash) -> Wording, in this process. Not Django's cache: a published
# version's wording never changes, so there is nothing to invalidate, and unpickling it from a
# cache on every request would cost more than the queries it saves.
_published: dict[tuple[int, str], Wording] = {}


def wording(version: RubricVersion) -> Wording:
    """The version's wording: kept for a published or retired version, read for a draft.

    What it returns is shared by every request this process serves: read it, never change it."""
    if version.status == RubricVersion.Status.DRAFT or not version.content_hash:
        return _read(version.pk)
    key = (version.pk, version.content_hash)
    found = _published.get(key)
    if found is None:
        found = _published[key] = _read(version.pk)
    return found


def clear() -> None:
    """Forget every version's wording (for tests, whose rolled-back databases reuse ids)."""
    _published.clear()
