"""Writes that span the rubric's models: new drafts, edits with history, publishing, retiring.

Every wording change goes through here so that it is recorded in RubricChange (who, when,
before, after). Functions are keyword-only and run in one transaction each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import record
from principles import models as rubric_models
from principles.extensions import draft_created
from principles.interchange import content_hash, create_version, version_to_dict
from principles.models import (
    Criterion,
    EvidenceCategory,
    FrozenRubricError,
    LevelDescriptor,
    Principle,
    RubricChange,
    RubricVersion,
    SuggestedEvidence,
)
from principles.scoring import ScoringRule, share_as_percent

MODELS = SimpleNamespace(
    RubricVersion=rubric_models.RubricVersion,
    EvidenceCategory=rubric_models.EvidenceCategory,
    Principle=rubric_models.Principle,
    Criterion=rubric_models.Criterion,
    LevelDescriptor=rubric_models.LevelDescriptor,
    SuggestedEvidence=rubric_models.SuggestedEvidence,
)


def current_version() -> RubricVersion | None:
    """The version new assessments use: the most recently published one not yet retired."""
    return (
        RubricVersion.objects.filter(status=RubricVersion.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )


def _record(version: RubricVersion, by, subject: str, field: str, before: Any, after: Any) -> None:
    # Subjects and fields can carry names people chose (a scoring band's, from a rubric file), so
    # they are cut to their columns' lengths rather than let a long name stop the edit.
    RubricChange.objects.create(
        version=version,
        changed_by=by,
        subject=subject[: RubricChange._meta.get_field("subject").max_length],
        field=field[: RubricChange._meta.get_field("field").max_length],
        before=str(before),
        after=str(after),
    )
    # The audit trail keeps the change too: RubricChange rows go when a draft is deleted, and
    # the audit trail is where site admins search everything that happened.
    record(
        "rubric.changed",
        _change_summary(version, subject, field),
        actor=by,
        obj=version,
        detail={
            "object": f"Rubric version {version.label}",
            "subject": subject,
            "field": field,
            "before": str(before)[:AUDIT_TEXT_LIMIT],
            "after": str(after)[:AUDIT_TEXT_LIMIT],
        },
    )


# Long wording is cut in the audit trail's copy; RubricChange keeps all of it.
AUDIT_TEXT_LIMIT = 2_000


def record_change(version: RubricVersion, by, subject: str, field: str, before: Any, after: Any) -> None:
    """A change to a draft made by an app above (voices' survey questions), in the version's
    history and the audit trail like the rubric's own. Refused unless the version is a draft."""
    _require_draft(version)
    _record(version, by, subject, field, before, after)


def _change_summary(version: RubricVersion, subject: str, field: str) -> str:
    if field in {"created", "added", "removed"}:
        return f"Rubric {version.label}: {subject} {field}"
    if field == "status":
        return f"Rubric {version.label}: {version.get_status_display().lower()}"
    return f"Rubric {version.label}: {subject}, {field.replace('_', ' ')} changed"


def require_draft(version: RubricVersion) -> None:
    """FrozenRubricError unless the version is a draft (for apps above, such as voices)."""
    _require_draft(version)


def _require_draft(version: RubricVersion) -> None:
    if not version.is_draft:
        raise FrozenRubricError(
            f"Rubric version {version.label} is {version.get_status_display().lower()}, "
            "so it cannot be changed."
        )


@transaction.atomic
def suggested_title(source: RubricVersion, label: str) -> str:
    """A new draft's title suggested from its label: the source's title with the source's label
    replaced ("Public engagement rubric 2026" -> "Public engagement rubric 2027"), or the label
    added to it when the title does not name its label."""
    if source.label and source.label in source.title:
        return source.title.replace(source.label, label)[:200]
    return f"{source.title} {label}"[:200]


def rubric_new_draft(*, source: RubricVersion, label: str, by, title: str | None = None) -> RubricVersion:
    """A draft that copies every word and the scoring rule of `source`, under its own title
    (suggested from the label when none is given: a draft must never keep the old version's
    title, or two versions would read the same)."""
    data = version_to_dict(source)
    data["title"] = (title or "").strip() or suggested_title(source, label)
    draft = create_version(data, models=MODELS, label=label, based_on=source, created_by=by)
    _record(draft, by, "Version", "created", "", f"Copied from {source.label}")
    # Apps above copy what they hang on a version (voices: its question sets).
    draft_created.send(sender=RubricVersion, source=source, draft=draft, by=by)
    return draft


@transaction.atomic
def rubric_import(*, data: dict[str, Any], by, label: str | None = None) -> RubricVersion:
    """A draft from a checked rubric file (see interchange.parse_yaml)."""
    fields: dict[str, Any] = {"created_by": by}
    if label:
        fields["label"] = label
    draft = create_version(data, models=MODELS, default_scoring_rule=RubricVersion().scoring_rule, **fields)
    _record(draft, by, "Version", "created", "", "Imported from a file")
    return draft


def _apply(obj, values: dict[str, Any], *, by, version: RubricVersion, subject: str) -> list[str]:
    changed = []
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            _record(version, by, subject, field, before, value)
            setattr(obj, field, value)
            changed.append(field)
    if changed:
        obj.save(update_fields=changed)
    return changed


@transaction.atomic
def rubric_update_version(
    *, version: RubricVersion, by, title: str, scoring_rule: dict | None = None
) -> None:
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    values: dict[str, Any] = {"title": title}
    if scoring_rule is not None:
        values["scoring_rule"] = scoring_rule
    _apply(version, values, by=by, version=version, subject="Version")


@transaction.atomic
def rubric_update_principle(*, principle: Principle, by, **values: Any) -> list[str]:
    version = RubricVersion.objects.select_for_update().get(pk=principle.version_id)
    _require_draft(version)
    return _apply(principle, values, by=by, version=version, subject=f"Principle {principle.number}")


@transaction.atomic
def rubric_update_criterion(*, criterion: Criterion, by, levels: dict[int, str], **values: Any) -> list[str]:
    version = RubricVersion.objects.select_for_update().get(pk=criterion.principle.version_id)
    _require_draft(version)
    subject = f"Criterion {criterion.code}"
    changed = _apply(criterion, values, by=by, version=version, subject=subject)
    existing = {d.level: d for d in criterion.levels.all()}
    for level, text in sorted(levels.items()):
        descriptor = existing.get(level)
        if descriptor is None:
            LevelDescriptor.objects.create(criterion=criterion, level=level, text=text)
            _record(version, by, f"{subject} level {level}", "text", "", text)
            changed.append(f"level {level}")
        elif descriptor.text != text:
            changed += (
                [f"level {level}"]
                if _apply(
                    descriptor, {"text": text}, by=by, version=version, subject=f"{subject} level {level}"
                )
                else []
            )
    return changed


@transaction.atomic
def rubric_add_criterion(
    *,
    principle: Principle,
    by,
    code: str,
    text: str,
    guidance: str = "",
    suggested_evidence: str = "",
    levels: dict[int, str],
) -> Criterion:
    version = RubricVersion.objects.select_for_update().get(pk=principle.version_id)
    _require_draft(version)
    last = principle.criteria.order_by("-position").values_list("position", flat=True).first()
    criterion = Criterion.objects.create(
        principle=principle,
        code=code,
        text=text,
        guidance=guidance,
        suggested_evidence=suggested_evidence,
        position=(last + 1) if last is not None else 0,
    )
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(criterion=criterion, level=level, text=levels.get(level, ""))
        for level in (1, 2, 3, 4)
    )
    _record(version, by, f"Criterion {code}", "added", "", text)
    return criterion


@transaction.atomic
def rubric_remove_criterion(*, criterion: Criterion, by) -> None:
    version = RubricVersion.objects.select_for_update().get(pk=criterion.principle.version_id)
    _require_draft(version)
    _record(version, by, f"Criterion {criterion.code}", "removed", criterion.text, "")
    criterion.levels.all().delete()
    criterion.delete()


@transaction.atomic
def rubric_move_criterion(*, criterion: Criterion, by, up: bool) -> bool:
    """Swap a criterion with its neighbour within the principle. False when already at the end."""
    version = RubricVersion.objects.select_for_update().get(pk=criterion.principle.version_id)
    _require_draft(version)
    siblings = list(criterion.principle.criteria.order_by("position", "pk"))
    index = next(i for i, c in enumerate(siblings) if c.pk == criterion.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    _record(version, by, f"Criterion {criterion.code}", "order", index + 1, other + 1)
    return True


def _rule_settings(rule: ScoringRule) -> list[tuple[str, str]]:
    """The rule as the settings people change, each with its value in words, for the history.
    Bands are named by position, so a band is compared with the band in the same place."""
    settings = [(f"{band.name} band minimum", f"{band.to_dict()['min_percent']}%") for band in rule.bands]
    settings += [
        ("criteria scored", f"{share_as_percent(rule.min_scored_fraction)}%"),
        ("evidence categories needed", str(rule.min_evidence_categories)),
        ("principles required", str(rule.principles_required)),
        ("stricter limiters", "on" if rule.stricter_limiters else "off"),
        ("decisions principle", str(rule.decisions_principle)),
    ]
    return settings


@transaction.atomic
def rubric_update_scoring_rule(*, version: RubricVersion, by, scoring_rule: Mapping[str, Any]) -> list[str]:
    """Change a draft's scoring rule, recording each setting that changed with its value before
    and after. Raises ValueError, naming the setting, when the rule is not valid
    (ScoringRule.from_dict): an invalid rule would stop every assessment being scored."""
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    new = ScoringRule.from_dict(scoring_rule)
    old_settings = _rule_settings(version.rule())
    changed = []
    for (name, before), (_, after) in zip(old_settings, _rule_settings(new), strict=True):
        if before != after:
            _record(version, by, "Scoring rule", name, before, after)
            changed.append(name)
    stored = new.to_dict()
    if stored != version.scoring_rule:
        version.scoring_rule = stored
        version.save(update_fields=["scoring_rule"])
    return changed


@transaction.atomic
def rubric_update_category(*, category: EvidenceCategory, by, name: str, description: str) -> list[str]:
    """Rename or redescribe an evidence category. Its code is fixed: evidence is tagged with it."""
    version = RubricVersion.objects.select_for_update().get(pk=category.version_id)
    _require_draft(version)
    return _apply(
        category,
        {"name": name, "description": description},
        by=by,
        version=version,
        subject=f"Evidence category {category.code}",
    )


def _evidence_subject(principle: Principle) -> str:
    return f"Principle {principle.number} suggested evidence"


def _checked_categories(version: RubricVersion, categories: Sequence[str]) -> list[str]:
    """The codes in the version's category order, refusing unknown codes and an empty list, as a
    rubric file would (every item is listed under at least one category)."""
    codes = list(version.evidence_categories.order_by("position", "code").values_list("code", flat=True))
    unknown = set(categories) - set(codes)
    if unknown:
        raise ValueError(f"Not evidence categories of version {version.label}: {', '.join(sorted(unknown))}")
    if not categories:
        raise ValueError("Suggested evidence needs at least one evidence category")
    return [code for code in codes if code in categories]


@transaction.atomic
def rubric_add_evidence(
    *, principle: Principle, by, text: str, categories: Sequence[str]
) -> SuggestedEvidence:
    """Add an item of suggested evidence, last in the principle's list."""
    version = RubricVersion.objects.select_for_update().get(pk=principle.version_id)
    _require_draft(version)
    codes = _checked_categories(version, categories)
    last = principle.suggested_evidence.order_by("-position").values_list("position", flat=True).first()
    item = SuggestedEvidence.objects.create(
        principle=principle, text=text, categories=codes, position=(last + 1) if last is not None else 0
    )
    _record(version, by, _evidence_subject(principle), "added", "", f"{', '.join(codes)}: {text}")
    return item


@transaction.atomic
def rubric_update_evidence(*, item: SuggestedEvidence, by, text: str, categories: Sequence[str]) -> list[str]:
    """Change an item's wording or categories. Each is recorded with the item's words, so the
    history says which item changed."""
    principle = item.principle
    version = RubricVersion.objects.select_for_update().get(pk=principle.version_id)
    _require_draft(version)
    codes = _checked_categories(version, categories)
    subject = _evidence_subject(principle)
    changed = []
    if item.categories != codes:
        _record(
            version,
            by,
            subject,
            "categories",
            f"{', '.join(item.categories)}: {item.text}",
            f"{', '.join(codes)}: {item.text}",
        )
        item.categories = codes
        changed.append("categories")
    if item.text != text:
        _record(version, by, subject, "text", item.text, text)
        item.text = text
        changed.append("text")
    if changed:
        item.save(update_fields=changed)
    return changed


@transaction.atomic
def rubric_remove_evidence(*, item: SuggestedEvidence, by) -> None:
    principle = item.principle
    version = RubricVersion.objects.select_for_update().get(pk=principle.version_id)
    _require_draft(version)
    _record(
        version, by, _evidence_subject(principle), "removed", f"{', '.join(item.categories)}: {item.text}", ""
    )
    item.delete()


def _and_list(words: list[str]) -> str:
    """Words as people list them: "2", "2 and 4", "1, 2 and 4"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def completeness_problems(version: RubricVersion) -> list[str]:
    """What stops a draft being published, in words an admin can act on."""
    problems: list[str] = []
    principles = list(version.principles.order_by("number").prefetch_related("criteria__levels"))
    if not principles:
        problems.append("The rubric has no principles.")
    if not version.evidence_categories.exists():
        problems.append("The rubric has no evidence categories.")
    codes: dict[str, int] = {}
    for principle in principles:
        if not principle.title.strip() or not principle.statement.strip():
            problems.append(f"Principle {principle.number} needs a title and a statement.")
        criteria = list(principle.criteria.all())
        if not criteria:
            problems.append(f"Principle {principle.number} has no criteria.")
        for criterion in criteria:
            if criterion.code in codes:
                problems.append(f"Criterion code {criterion.code} is used more than once.")
            codes[criterion.code] = principle.number
            if not criterion.text.strip():
                problems.append(f"Criterion {criterion.code} has no text.")
            filled = {d.level for d in criterion.levels.all() if d.text.strip()}
            missing = [str(level) for level in (1, 2, 3, 4) if level not in filled]
            if missing:
                levels = "levels" if len(missing) > 1 else "level"
                problems.append(
                    f"Criterion {criterion.code} needs a descriptor for {levels} {_and_list(missing)}."
                )
    try:
        version.rule()
    except (ValueError, TypeError) as exc:
        problems.append(f"The scoring rule is not valid: {exc}")
    return problems


@transaction.atomic
def rubric_publish(*, version: RubricVersion, by) -> list[str]:
    """Freeze a complete draft. Returns the problems instead when it is not complete."""
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    problems = completeness_problems(version)
    if problems:
        return problems
    version.content_hash = content_hash(version_to_dict(version))
    version.status = RubricVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.save(update_fields=["content_hash", "status", "published_at", "published_by"])
    _record(version, by, "Version", "status", "draft", "published")
    return []


@transaction.atomic
def rubric_retire(*, version: RubricVersion, by) -> None:
    """Stop new assessments using a published version. Assessments that pinned it keep it."""
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != RubricVersion.Status.PUBLISHED:
        raise FrozenRubricError(
            f"Only a published version can be retired; {version.label} is {version.status}."
        )
    version.status = RubricVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.retired_by = by
    version.save(update_fields=["status", "retired_at", "retired_by"])
    _record(version, by, "Version", "status", "published", "retired")


@transaction.atomic
def rubric_delete_draft(*, version: RubricVersion, by) -> None:
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    version.changes.all().delete()  # a draft that never was published takes its history with it
    record(
        "rubric.changed",
        f"Rubric {version.label}: draft deleted",
        actor=by,
        obj=version,
        detail={"object": f"Rubric version {version.label}", "field": "deleted"},
    )
    version.delete()
