"""The rubric's file format: a version as YAML, and back.

Used by `manage.py export_rubric` / `import_rubric`, the admin pages' download and upload, the
data migration that loads the first rubric, and the content hash. One format, so an exported
file can always be imported, and export → import → export gives the same bytes.

Reading a file never trusts it: every problem is reported with the line and the field it is
in, and nothing is created unless the whole file is valid (the caller wraps creation in a
transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import yaml

from engagement_portal.lib.hashing import json_sha256
from principles.scoring import ScoringRule

FORMAT = "engagement-rubric/1"
MAX_FILE_BYTES = 1_000_000


class RubricFileError(ValueError):
    """A rubric file that cannot be imported; `problems` lists every reason, with lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# ---------------------------------------------------------------------------------------------
# Version → data


def version_to_dict(version) -> dict[str, Any]:
    """The whole version as plain data, in the file's order. Queries: one per table."""
    categories = list(version.evidence_categories.order_by("position", "code"))
    principles = list(
        version.principles.order_by("number").prefetch_related("criteria__levels", "suggested_evidence")
    )
    return {
        "format": FORMAT,
        "label": version.label,
        "title": version.title,
        "scoring_rule": ScoringRule.from_dict(version.scoring_rule).to_dict(),
        "evidence_categories": [
            {"code": c.code, "name": c.name, "description": c.description} for c in categories
        ],
        "principles": [
            {
                "number": p.number,
                "title": p.title,
                "statement": p.statement,
                "guidance": p.guidance,
                "criteria": [
                    {
                        "code": c.code,
                        "text": c.text,
                        "guidance": c.guidance,
                        "suggested_evidence": c.suggested_evidence,
                        "levels": {d.level: d.text for d in sorted(c.levels.all(), key=lambda d: d.level)},
                    }
                    for c in sorted(p.criteria.all(), key=lambda c: (c.position, c.pk))
                ],
                "suggested_evidence": [
                    {"categories": list(s.categories), "text": s.text}
                    for s in sorted(p.suggested_evidence.all(), key=lambda s: (s.position, s.pk))
                ],
            }
            for p in principles
        ],
    }


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the wording and scoring rule: everything but the format marker and label, so
    a copy with a new label and no changes has the same hash as its source."""
    return json_sha256({key: value for key, value in data.items() if key not in {"format", "label"}})


# ---------------------------------------------------------------------------------------------
# File → data


@dataclass
class _Located:
    """Parsed YAML data with the line of every value, for error messages people can act on."""

    lines: dict[str, int]

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return None


def _to_python(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            child = f"{path}.{key}" if path else str(key)
            result[key] = _to_python(value_node, child, lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, f"{path}[{i}]", lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def parse_yaml(text: str | bytes) -> dict[str, Any]:
    """Read and check a rubric file; raise RubricFileError listing every problem found."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise RubricFileError([f"The file is larger than {MAX_FILE_BYTES // 1000} KB."])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise RubricFileError(["The file is not UTF-8 text. Save it as UTF-8 and try again."]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise RubricFileError(
            [f"{where}the file is not valid YAML ({getattr(exc, 'problem', exc)})."]
        ) from None
    if node is None:
        raise RubricFileError(["The file is empty."])
    lines: dict[str, int] = {}
    data = _to_python(node, "", lines)
    _Validator(_Located(lines)).check(data)
    return data


class _Validator:
    def __init__(self, located: _Located):
        self.located = located
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        line = self.located.line(path)
        where = f"line {line}, " if line else ""
        self.problems.append(f"{where}{path or 'file'}: {message}")

    def keys(self, value: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> bool:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return False
        for key in sorted(required - value.keys()):
            self.problem(path, f"is missing the field '{key}'")
        for key in sorted(set(value) - required - optional, key=str):
            self.problem(f"{path}.{key}" if path else str(key), "is not a field this format knows")
        return True

    def text(self, value: Any, path: str, *, required: bool = True, max_length: int | None = None) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str):
            self.problem(path, "must be text")
        elif required and not value.strip():
            self.problem(path, "must not be empty")
        elif max_length and len(value) > max_length:
            self.problem(path, f"must be at most {max_length} characters")

    def check(self, data: Any) -> None:
        top = {"format", "label", "title", "evidence_categories", "principles"}
        if not self.keys(data, "", top, {"scoring_rule"}):
            raise RubricFileError(self.problems)
        if data.get("format") != FORMAT:
            self.problem("format", f"must be '{FORMAT}'")
        self.text(data.get("label"), "label", max_length=40)
        self.text(data.get("title"), "title", max_length=200)
        if "scoring_rule" in data:
            try:
                ScoringRule.from_dict(data["scoring_rule"])
            except (ValueError, TypeError, AttributeError) as exc:
                self.problem("scoring_rule", str(exc))
        codes = self.check_categories(data.get("evidence_categories"))
        self.check_principles(data.get("principles"), codes)
        if self.problems:
            raise RubricFileError(self.problems)

    def check_categories(self, categories: Any) -> set[str]:
        codes: set[str] = set()
        if not isinstance(categories, list) or not categories:
            self.problem("evidence_categories", "must be a list of at least one category")
            return codes
        for i, category in enumerate(categories):
            path = f"evidence_categories[{i}]"
            if not self.keys(category, path, {"code", "name"}, {"description"}):
                continue
            self.text(category.get("code"), f"{path}.code", max_length=4)
            self.text(category.get("name"), f"{path}.name", max_length=100)
            self.text(category.get("description", ""), f"{path}.description", required=False)
            code = category.get("code")
            if code in codes:
                self.problem(f"{path}.code", f"'{code}' is used by another category")
            codes.add(code)
        return codes

    def check_principles(self, principles: Any, codes: set[str]) -> None:
        if not isinstance(principles, list) or not principles:
            self.problem("principles", "must be a list of at least one principle")
            return
        numbers: set[Any] = set()
        criterion_codes: set[Any] = set()
        for i, principle in enumerate(principles):
            path = f"principles[{i}]"
            if not self.keys(
                principle,
                path,
                {"number", "title", "statement", "criteria"},
                {"guidance", "suggested_evidence"},
            ):
                continue
            number = principle.get("number")
            if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
                self.problem(f"{path}.number", "must be a whole number from 1 to 99")
            elif number in numbers:
                self.problem(f"{path}.number", f"{number} is used by another principle")
            numbers.add(number)
            self.text(principle.get("title"), f"{path}.title", max_length=200)
            self.text(principle.get("statement"), f"{path}.statement")
            self.text(principle.get("guidance", ""), f"{path}.guidance", required=False)
            self.check_criteria(principle.get("criteria"), f"{path}.criteria", criterion_codes)
            evidence = principle.get("suggested_evidence", [])
            if not isinstance(evidence, list):
                self.problem(f"{path}.suggested_evidence", "must be a list")
                continue
            for j, item in enumerate(evidence):
                item_path = f"{path}.suggested_evidence[{j}]"
                if not self.keys(item, item_path, {"categories", "text"}):
                    continue
                self.text(item.get("text"), f"{item_path}.text")
                cats = item.get("categories")
                if not isinstance(cats, list) or not cats:
                    self.problem(f"{item_path}.categories", "must be a list of category codes")
                else:
                    for code in cats:
                        if code not in codes:
                            self.problem(f"{item_path}.categories", f"'{code}' is not an evidence category")

    def check_criteria(self, criteria: Any, path: str, seen: set[Any]) -> None:
        if not isinstance(criteria, list) or not criteria:
            self.problem(path, "must be a list of at least one criterion")
            return
        for i, criterion in enumerate(criteria):
            item = f"{path}[{i}]"
            if not self.keys(criterion, item, {"code", "text", "levels"}, {"guidance", "suggested_evidence"}):
                continue
            code = criterion.get("code")
            self.text(code, f"{item}.code", max_length=10)
            if code in seen:
                self.problem(f"{item}.code", f"'{code}' is used by another criterion")
            seen.add(code)
            self.text(criterion.get("text"), f"{item}.text")
            self.text(criterion.get("guidance", ""), f"{item}.guidance", required=False)
            self.text(criterion.get("suggested_evidence", ""), f"{item}.suggested_evidence", required=False)
            levels = criterion.get("levels")
            if not isinstance(levels, dict) or set(levels) != {1, 2, 3, 4}:
                self.problem(f"{item}.levels", "must have exactly the levels 1, 2, 3 and 4")
                continue
            for level in (1, 2, 3, 4):
                self.text(levels[level], f"{item}.levels.{level}")


# ---------------------------------------------------------------------------------------------
# Data → version


def create_version(data: dict[str, Any], *, models: SimpleNamespace, **version_fields: Any):
    """Create a version and all its content from checked data, in bulk (a few queries in all).

    `models` names the model classes to use, so the data migration can pass its historical
    models and everything else the real ones. The caller provides the transaction."""
    version = models.RubricVersion.objects.create(
        label=version_fields.pop("label", data["label"]),
        title=data["title"],
        scoring_rule=ScoringRule.from_dict(data["scoring_rule"]).to_dict()
        if "scoring_rule" in data
        else version_fields.pop("default_scoring_rule"),
        **{k: v for k, v in version_fields.items() if k != "default_scoring_rule"},
    )
    models.EvidenceCategory.objects.bulk_create(
        models.EvidenceCategory(
            version=version,
            code=c["code"],
            name=c["name"],
            description=c.get("description") or "",
            position=i,
        )
        for i, c in enumerate(data["evidence_categories"])
    )
    principles = models.Principle.objects.bulk_create(
        models.Principle(
            version=version,
            number=p["number"],
            title=p["title"],
            statement=p["statement"],
            guidance=p.get("guidance") or "",
        )
        for p in data["principles"]
    )
    criteria_rows, evidence_rows = [], []
    for principle, p in zip(principles, data["principles"], strict=True):
        for i, c in enumerate(p["criteria"]):
            criteria_rows.append(
                models.Criterion(
                    principle=principle,
                    code=c["code"],
                    position=i,
                    text=c["text"],
                    guidance=c.get("guidance") or "",
                    suggested_evidence=c.get("suggested_evidence") or "",
                )
            )
        for i, s in enumerate(p.get("suggested_evidence") or []):
            evidence_rows.append(
                models.SuggestedEvidence(
                    principle=principle, categories=list(s["categories"]), text=s["text"], position=i
                )
            )
    criteria = models.Criterion.objects.bulk_create(criteria_rows)
    models.SuggestedEvidence.objects.bulk_create(evidence_rows)
    levels_by_code = {c["code"]: c["levels"] for p in data["principles"] for c in p["criteria"]}
    models.LevelDescriptor.objects.bulk_create(
        models.LevelDescriptor(criterion=criterion, level=level, text=text)
        for criterion in criteria
        for level, text in sorted(levels_by_code[criterion.code].items())
    )
    return version
