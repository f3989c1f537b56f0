"""What changed between two submissions of one assessment, criterion by criterion: the score,
the narrative (as a word diff, principles.redline.word_diff) and the evidence cited."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.answers import score_label
from principles.redline import Segment, word_diff


@dataclass
class CriterionChange:
    code: str
    text: str
    old_score: str
    new_score: str
    narrative: list[Segment] | None
    added: list[dict]
    removed: list[dict]

    @property
    def score_changed(self) -> bool:
        return self.old_score != self.new_score


def _citation_key(c: dict) -> tuple:
    return (c.get("sha256"), c.get("location", ""))


def compare(old: dict, new: dict) -> list[CriterionChange]:
    before = {c["code"]: c for p in old.get("principles", []) for c in p.get("criteria", [])}
    changes = []
    for p in new.get("principles", []):
        for c in p.get("criteria", []):
            o = before.get(c["code"], {})
            old_score = score_label(o.get("score"), o.get("not_evidenced", False)) if o else "Not asked"
            new_score = score_label(c.get("score"), c.get("not_evidenced", False))
            old_cites = {_citation_key(x): x for x in o.get("citations", [])}
            new_cites = {_citation_key(x): x for x in c.get("citations", [])}
            added = [x for k, x in new_cites.items() if k not in old_cites]
            removed = [x for k, x in old_cites.items() if k not in new_cites]
            narrative = (
                word_diff(o.get("narrative", ""), c.get("narrative", ""))
                if o.get("narrative", "") != c.get("narrative", "")
                else None
            )
            if old_score != new_score or narrative or added or removed:
                changes.append(
                    CriterionChange(
                        c["code"], c.get("text", ""), old_score, new_score, narrative, added, removed
                    )
                )
    return changes
