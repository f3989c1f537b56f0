"""What the review pages show, built from the LATEST submission's snapshot (never the live
answers, which the organisation may be changing after a return), the pinned rubric version's
wording, and the assessor's scores; principle and overall results through principles.scoring."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from assessments import answers as answers_module
from assessments.models import Assessment, Submission
from evidence.models import EvidenceFile, EvidenceItem
from principles.models import Criterion, LevelDescriptor
from principles.scoring import format_percentage, overall_result, principle_result
from reviews.models import AssessorScore, PrincipleDecision, Review


def _value(score: int | None, not_evidenced: bool) -> int | None:
    """A score as the scoring rule takes it: None for not evidenced."""
    return None if not_evidenced else score


@dataclass
class CriterionRow:
    code: str
    text: str
    descriptors: list[tuple[int, str]]
    self_score: int | None
    self_not_evidenced: bool
    narrative: str
    citations: list[dict[str, Any]]
    assessor: AssessorScore | None

    @property
    def self_label(self) -> str:
        return answers_module.score_label(self.self_score, self.self_not_evidenced)

    @property
    def assessor_label(self) -> str:
        if self.assessor is None or not self.assessor.is_scored:
            return "Not scored yet"
        return answers_module.score_label(self.assessor.score, self.assessor.not_evidenced)

    @property
    def is_scored(self) -> bool:
        return self.assessor is not None and self.assessor.is_scored

    @property
    def divergence(self) -> int | None:
        """How far the assessor's score is from the self-score: 0 agrees, 1 or 2+ differ.
        "Not evidenced" against a score counts as differing by 2 or more (a strong flag)."""
        if not self.is_scored:
            return None
        a = self.assessor
        if a.not_evidenced or self.self_not_evidenced or self.self_score is None:
            return 0 if a.not_evidenced == self.self_not_evidenced else 2
        return abs(a.score - self.self_score)


@dataclass
class PrincipleRow:
    number: int
    title: str
    criteria: list[CriterionRow]
    self_score: int | None
    categories: list[str]
    decision: PrincipleDecision | None
    rule: Any
    moderation: Any = None
    result: Any = field(init=False)

    def __post_init__(self) -> None:
        scored = [c for c in self.criteria if c.is_scored]
        self.result = (
            principle_result(
                [_value(c.assessor.score, c.assessor.not_evidenced) for c in scored],
                evidence_categories=self.categories,
                rule=self.rule,
            )
            if scored
            else None
        )

    @property
    def unscored(self) -> list[CriterionRow]:
        return [c for c in self.criteria if not c.is_scored]

    @property
    def calculated(self) -> int | None:
        return self.result.score if self.result is not None and not self.unscored else None

    @property
    def percentage(self) -> str | None:
        if self.result is None or self.result.percentage is None:
            return None
        return format_percentage(self.result.percentage)

    @property
    def override(self) -> int | None:
        return self.decision.override_score if self.decision else None

    @property
    def assessed(self) -> int | None:
        """The first assessor's score: calculated, or overridden."""
        if self.calculated is None:
            return None
        return self.override if self.override is not None else self.calculated

    @property
    def final(self) -> int | None:
        """The principle's score: a second assessor's moderated score when there is one."""
        if self.assessed is None:
            return None
        if self.moderation is not None and not self.moderation.agrees:
            return self.moderation.moderated_score
        return self.assessed


@dataclass
class Workspace:
    assessment: Assessment
    review: Review
    submission: Submission
    principles: list[PrincipleRow]
    overall: Any

    @property
    def unscored(self) -> list[CriterionRow]:
        return [c for p in self.principles for c in p.unscored]

    @property
    def overall_percentage(self) -> str | None:
        if self.overall is None or self.overall.percentage is None:
            return None
        return format_percentage(self.overall.percentage)

    def find(self, code: str) -> tuple[PrincipleRow, CriterionRow] | None:
        for p in self.principles:
            for c in p.criteria:
                if c.code == code:
                    return p, c
        return None

    def principle(self, number: int) -> PrincipleRow | None:
        return next((p for p in self.principles if p.number == number), None)


def latest_submission(assessment: Assessment) -> Submission | None:
    return assessment.submissions.order_by("-number").first()


def _download_links(assessment: Assessment, snapshot: dict) -> dict[str, tuple[int, int]]:
    """Each cited file's (item id, revision) by SHA-256, from the organisation's own library."""
    hashes = {
        c.get("sha256")
        for p in snapshot.get("principles", [])
        for cr in p.get("criteria", [])
        for c in cr.get("citations", [])
    }
    return {
        sha: (item_id, revision)
        for sha, item_id, revision in EvidenceFile.objects.filter(
            item__organisation_id=assessment.organisation_id, sha256__in=hashes
        ).values_list("sha256", "item_id", "revision")
    }


def build(assessment: Assessment, review: Review) -> Workspace | None:
    submission = latest_submission(assessment)
    if submission is None:
        return None
    snapshot = submission.snapshot
    version = assessment.rubric_version
    rule = version.rule()
    texts = dict(Criterion.objects.filter(principle__version=version).values_list("code", "text"))
    descriptors: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for code, level, text in (
        LevelDescriptor.objects.filter(criterion__principle__version=version)
        .order_by("criterion__code", "level")
        .values_list("criterion__code", "level", "text")
    ):
        descriptors[code].append((level, text))
    scores = {s.criterion_code: s for s in review.scores.all()} if review.pk else {}
    decisions = {d.principle_number: d for d in review.decisions.all()} if review.pk else {}
    moderations = (
        {m.principle_number: m for m in review.moderations.select_related("moderator")} if review.pk else {}
    )
    links = _download_links(assessment, snapshot)
    kinds = dict(EvidenceItem.Kind.choices)
    categories = dict(EvidenceItem.Category.choices)
    principles = []
    for p in snapshot.get("principles", []):
        rows = []
        used: list[str] = []
        for c in p.get("criteria", []):
            cited = []
            for citation in c.get("citations", []):
                used.append(citation.get("category"))
                link = links.get(citation.get("sha256"))
                cited.append(
                    {
                        **citation,
                        "kind_name": kinds.get(citation.get("kind"), citation.get("kind")),
                        "category_name": categories.get(citation.get("category"), citation.get("category")),
                        "item_id": link[0] if link else None,
                        "link_revision": link[1] if link else None,
                    }
                )
            rows.append(
                CriterionRow(
                    code=c["code"],
                    text=texts.get(c["code"], c.get("text", "")),
                    descriptors=descriptors.get(c["code"], []),
                    self_score=c.get("score"),
                    self_not_evidenced=c.get("not_evidenced", False),
                    narrative=c.get("narrative", ""),
                    citations=cited,
                    assessor=scores.get(c["code"]),
                )
            )
        principles.append(
            PrincipleRow(
                number=p["number"],
                title=p["title"],
                criteria=rows,
                self_score=(p.get("self_assessed") or {}).get("score"),
                categories=[u for u in used if u],
                decision=decisions.get(p["number"]),
                rule=rule,
                moderation=moderations.get(p["number"]),
            )
        )
    finals = [p.final for p in principles]
    overall = overall_result(finals, rule=rule) if principles and any(f is not None for f in finals) else None
    return Workspace(assessment, review, submission, principles, overall)
