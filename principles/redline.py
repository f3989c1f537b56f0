"""What changed between two rubric versions, down to the word.

Pure functions over `interchange.version_to_dict()` data, so a comparison needs no database and
can be tested with plain dicts. Principles are matched by number and criteria by code (codes are
unique within a version), because those are the names people use for them: "criterion 3.2 now
says ...". Only what differs is reported; an unchanged item does not appear at all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from principles.models import LevelDescriptor
from principles.scoring import ScoringRule, rule_in_words

Op = Literal["equal", "delete", "insert"]
Segment = tuple[Op, str]

# Words and the runs of whitespace between them, so that joining the tokens gives the text back.
_TOKENS = re.compile(r"\s+|\S+")


def word_diff(old: str, new: str) -> list[Segment]:
    """The changes that turn `old` into `new`, word by word.

    Joining the "equal" and "delete" segments gives `old` back; joining "equal" and "insert"
    gives `new`. Within a change, the deleted words come before the inserted ones. A single space
    between two changed words is folded into the change, so "a b c" → "x y z" reads as one
    deletion and one insertion rather than three interleaved pairs.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    # A list of chunks: a str is unchanged text, a (deleted, inserted) pair is a change.
    chunks: list[str | tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            chunks.append("".join(a[i1:i2]))
        else:
            chunks.append(("".join(a[i1:i2]), "".join(b[j1:j2])))
    merged: list[str | tuple[str, str]] = []
    for chunk in chunks:
        if (
            isinstance(chunk, tuple)
            and len(merged) >= 2
            and isinstance(merged[-2], tuple)
            and isinstance(merged[-1], str)
            and not merged[-1].strip()
        ):
            space = merged.pop()
            deleted, inserted = merged.pop()  # type: ignore[misc]
            chunk = (deleted + space + chunk[0], inserted + space + chunk[1])
        merged.append(chunk)
    segments: list[Segment] = []
    for chunk in merged:
        if isinstance(chunk, str):
            segments.append(("equal", chunk))
        else:
            if chunk[0]:
                segments.append(("delete", chunk[0]))
            if chunk[1]:
                segments.append(("insert", chunk[1]))
    return segments


@dataclass(frozen=True)
class FieldChange:
    """One field of one item, before and after. `old` is "" for an added item, `new` for a
    removed one."""

    name: str
    old: str
    new: str

    @property
    def segments(self) -> list[Segment]:
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class ItemChange:
    kind: Literal["principle", "criterion", "other"]
    key: str  # "3" for a principle, "3.2" for a criterion
    name: str  # what people call it: "Principle 3: Engagement shapes ...", "Criterion 3.2: ..."
    status: Literal["added", "removed", "changed"]
    # For a changed item, the fields that differ; for an added or removed one, all its fields.
    fields: tuple[FieldChange, ...]
    principle_number: int
    levels_changed: int = 0
    # Where an item of another app's section (principles.extensions) is shown.
    url: str = ""


@dataclass(frozen=True)
class Comparison:
    version: tuple[FieldChange, ...] = ()
    principles: tuple[ItemChange, ...] = ()
    criteria: tuple[ItemChange, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        return not (self.version or self.principles or self.criteria)

    def sections(self) -> list[tuple[str, str, list[ItemChange]]]:
        """(heading, status, items) for each non-empty group, in the order a reader wants them."""
        groups = []
        for plural, items in (("Principles", self.principles), ("Criteria", self.criteria)):
            for status in ("changed", "added", "removed"):
                chosen = [item for item in items if item.status == status]
                if chosen:
                    groups.append((f"{plural} {status}", status, chosen))
        return groups


def compare_versions(old_data: Mapping[str, Any], new_data: Mapping[str, Any]) -> Comparison:
    """Everything that differs between two versions' data, in reading order."""
    version = _changed_fields(_version_fields(old_data), _version_fields(new_data))
    old_principles = {p["number"]: p for p in old_data["principles"]}
    new_principles = {p["number"]: p for p in new_data["principles"]}
    principles: list[ItemChange] = []
    for number in sorted(old_principles.keys() | new_principles.keys()):
        old, new = old_principles.get(number), new_principles.get(number)
        item = _compare_item(
            "principle",
            str(number),
            _principle_name(new or old),
            _principle_fields(old, _category_names(old_data)) if old else None,
            _principle_fields(new, _category_names(new_data)) if new else None,
            number,
        )
        if item:
            principles.append(item)

    old_criteria = _criteria_by_code(old_data)
    new_criteria = _criteria_by_code(new_data)
    # Reading order: the new version's order, with removed criteria where they used to be.
    order = {code: (number, index, 0) for code, (number, index, _) in old_criteria.items()}
    order.update({code: (number, index, 1) for code, (number, index, _) in new_criteria.items()})
    criteria: list[ItemChange] = []
    for code in sorted(old_criteria.keys() | new_criteria.keys(), key=lambda c: order[c]):
        old_entry, new_entry = old_criteria.get(code), new_criteria.get(code)
        item = _compare_item(
            "criterion",
            code,
            f"Criterion {code}: {(new_entry or old_entry)[2].get('text', '')}",
            _criterion_fields(*old_entry) if old_entry else None,
            _criterion_fields(*new_entry) if new_entry else None,
            (new_entry or old_entry)[0],
        )
        if item:
            criteria.append(item)

    counts = {
        f"{kind}_{status}": sum(1 for i in items if i.status == status)
        for kind, items in (("principles", principles), ("criteria", criteria))
        for status in ("added", "removed", "changed")
    }
    counts["levels_changed"] = sum(i.levels_changed for i in criteria if i.status == "changed")
    return Comparison(tuple(version), tuple(principles), tuple(criteria), counts)


# ---------------------------------------------------------------------------------------------
# Each item as an ordered mapping of field name → text


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def _version_fields(data: Mapping[str, Any]) -> dict[str, str]:
    rule = data.get("scoring_rule")
    return {
        "Title": data.get("title", ""),
        "Scoring rule": _lines(rule_in_words(ScoringRule.from_dict(rule))) if rule else "",
        "Evidence categories": _lines(
            f"{c['code']}: {c['name']}" + (f" ({c['description']})" if c.get("description") else "")
            for c in data.get("evidence_categories", [])
        ),
    }


def _principle_name(principle: Mapping[str, Any]) -> str:
    return f"Principle {principle['number']}: {principle['title']}"


def _category_names(data: Mapping[str, Any]) -> dict[str, str]:
    return {c["code"]: c["name"] for c in data.get("evidence_categories", [])}


def _principle_fields(principle: Mapping[str, Any], category_names: Mapping[str, str]) -> dict[str, str]:
    """Suggested evidence names its categories in words ("Feedback from partners", not "FP")."""
    return {
        "Title": principle.get("title", ""),
        "Statement": principle.get("statement", ""),
        "Guidance": principle.get("guidance") or "",
        "Suggested evidence": _lines(
            f"{s['text']} ({', '.join(category_names.get(code, code) for code in s['categories'])})"
            if s["categories"]
            else s["text"]
            for s in principle.get("suggested_evidence") or []
        ),
        "Order of criteria": " ".join(c["code"] for c in principle.get("criteria", [])),
    }


def _criteria_by_code(data: Mapping[str, Any]) -> dict[str, tuple[int, int, Mapping[str, Any]]]:
    return {
        c["code"]: (p["number"], index, c)
        for p in data["principles"]
        for index, c in enumerate(p.get("criteria", []))
    }


def _criterion_fields(number: int, index: int, criterion: Mapping[str, Any]) -> dict[str, str]:
    fields = {
        "Principle": str(number),
        "Text": criterion.get("text", ""),
        "Guidance": criterion.get("guidance") or "",
        "Suggested evidence": criterion.get("suggested_evidence") or "",
    }
    levels = criterion.get("levels") or {}
    for level in LevelDescriptor.Level:
        fields[f"Level {level.value} – {level.label}"] = levels.get(level.value) or ""
    return fields


def _changed_fields(old: Mapping[str, str], new: Mapping[str, str]) -> list[FieldChange]:
    names = [*new, *(name for name in old if name not in new)]
    return [
        FieldChange(name, old.get(name, ""), new.get(name, ""))
        for name in names
        if old.get(name, "") != new.get(name, "")
    ]


def _compare_item(
    kind: Literal["principle", "criterion", "other"],
    key: str,
    name: str,
    old: Mapping[str, str] | None,
    new: Mapping[str, str] | None,
    principle_number: int,
    url: str = "",
) -> ItemChange | None:
    if old is None or new is None:
        present = new if old is None else old
        fields = tuple(
            FieldChange(field_name, "" if old is None else text, text if old is None else "")
            for field_name, text in (present or {}).items()
            if text and field_name not in {"Principle", "Order of criteria"}
        )
        return ItemChange(
            kind, key, name, "added" if old is None else "removed", fields, principle_number, url=url
        )
    changed = _changed_fields(old, new)
    if kind == "principle":
        # Criteria added to or removed from a principle are reported as criteria; the order line
        # is a change only when the criteria both versions share were reordered.
        changed = [f for f in changed if f.name != "Order of criteria" or _reordered(f.old, f.new)]
    if not changed:
        return None
    levels = sum(1 for f in changed if f.name.startswith("Level "))
    return ItemChange(kind, key, name, "changed", tuple(changed), principle_number, levels, url=url)


def compare_items(key: str, name: str, old, new, *, url: str = "") -> ItemChange | None:
    """Another app's item (principles.extensions) compared field by field: `old` and `new` map
    field names to text, None where the item is not in that version."""
    return _compare_item("other", key, name, old, new, 0, url)


def _reordered(old: str, new: str) -> bool:
    old_codes, new_codes = old.split(), new.split()
    shared = set(old_codes) & set(new_codes)
    return [c for c in old_codes if c in shared] != [c for c in new_codes if c in shared]
