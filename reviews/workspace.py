"""What the review pages show, built from the LATEST submission's snapshot (never the live
answers, which the organisation may be changing after a return), the pinned rubric version's
wording, and the assessor's scores; principle and overall results through principles.scoring."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

from assessments import answers as answers_module
from assessments.models import Assessment, Submission
from evidence.models import EvidenceFile, EvidenceItem
from principles import cache as rubric_cache
from principles.scoring import (
    NOT_ENOUGH_EVIDENCE,
    format_percentage,
    indicative_note,
    overall_result,
    principle_result,
)
from reviews.models import AssessorScore, PrincipleDecision, PrincipleModeration, Review


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
    # The organisation's own principle result, worked out again from the snapshot by the rule.
    self_result: Any = None
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
    def not_enough_evidence(self) -> bool:
        """Every criterion is scored, but the sufficiency rule leaves the principle without a
        score (too few criteria scored rather than not evidenced, or evidence from too few
        categories): it has no score to override or moderate, and no place in the rating."""
        return not self.unscored and self.result is not None and self.result.score is None

    @property
    def calculated_label(self) -> str:
        if self.unscored:
            return "Not every criterion is scored yet"
        return self.result.label if self.result is not None else NOT_ENOUGH_EVIDENCE

    @property
    def self_label(self) -> str:
        return self.self_result.label if self.self_result is not None else "None"

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
    # The organisation's self-assessed scores, from the snapshot by the rule.
    self_scores: Any = None

    @property
    def unscored(self) -> list[CriterionRow]:
        return [c for p in self.principles for c in p.unscored]

    @property
    def principles_without_score(self) -> list[int]:
        """Fully scored principles the sufficiency rule leaves without a score, by number."""
        return [p.number for p in self.principles if p.not_enough_evidence]

    @property
    def overall_note(self) -> str | None:
        """Why the assessor's rating is indicative once every criterion is scored, or None."""
        if self.overall is None or self.unscored or not self.overall.indicative:
            return None
        return indicative_note(self.principles_without_score, len(self.principles))

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

    @property
    def criteria(self) -> list[CriterionRow]:
        """Every criterion, in the order the pages list them."""
        return [c for p in self.principles for c in p.criteria]

    def position(self, code: str) -> tuple[int, int]:
        """The criterion's place in the list, counted from 1, and how many there are."""
        codes = [c.code for c in self.criteria]
        return codes.index(code) + 1, len(codes)

    def after(self, code: str) -> CriterionRow | None:
        """The criterion after this one (across principles), or None after the last."""
        rows = self.criteria
        index = [c.code for c in rows].index(code)
        return rows[index + 1] if index + 1 < len(rows) else None

    def principle(self, number: int) -> PrincipleRow | None:
        return next((p for p in self.principles if p.number == number), None)


# Submitted snapshots never change (the model layer and database triggers refuse it), so a
# parsed snapshot is kept in this process under its submission's id and SHA-256, and the review
# pages read only those two with the assessment: a snapshot is some 90 KB of JSON that each
# request would otherwise fetch and parse again. The most recently used SNAPSHOTS_KEPT are kept.
# What `snapshot` returns is shared by every request this process serves: read it, never change it.
SNAPSHOTS_KEPT = 64
_snapshots: OrderedDict[tuple[int, str], dict] = OrderedDict()


def snapshot(pk: int, sha256: str) -> dict:
    """Submission `pk`'s snapshot, whose SHA-256 is `sha256`: kept, or read (one query)."""
    key = (pk, sha256)
    found = _snapshots.get(key)
    if found is None:
        found = Submission.objects.filter(pk=pk).values_list("snapshot", flat=True).get()
        _snapshots[key] = found
        while len(_snapshots) > SNAPSHOTS_KEPT:
            _snapshots.popitem(last=False)
    else:
        _snapshots.move_to_end(key)
    return found


def latest_submission(assessment: Assessment) -> Submission | None:
    """The assessment's latest submission: read with it when the review pages fetched it
    (reviews.views._assessment annotates its id, number, time and SHA-256; the snapshot comes
    from `snapshot`), or else read now."""
    if hasattr(assessment, "latest_submission_pk"):
        if assessment.latest_submission_pk is None:
            return None
        return Submission(
            pk=assessment.latest_submission_pk,
            assessment=assessment,
            number=assessment.latest_submission_number,
            submitted_at=assessment.latest_submission_at,
            sha256=assessment.latest_submission_sha256,
            snapshot=snapshot(assessment.latest_submission_pk, assessment.latest_submission_sha256),
        )
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
    # Into dicts, so unsorted: the models' ordering ("review", ...) joins the review, its
    # assessment, cycle and organisation only to sort rows of one review.
    scores = {s.criterion_code: s for s in review.scores.order_by()} if review.pk else {}
    decisions = {d.principle_number: d for d in review.decisions.order_by()} if review.pk else {}
    moderations = (
        {m.principle_number: m for m in review.moderations.select_related("moderator").order_by()}
        if review.pk
        else {}
    )
    links = _download_links(assessment, submission.snapshot)
    return _assemble(
        assessment, review, submission, submission.snapshot, scores, decisions, moderations, links
    )


# What the calibration table needs of a snapshot: scores and evidence categories, no narratives,
# notes or file details. Snapshots never change, so each submission's digest is kept in this
# process once made (as plain data: unpickling it from Django's cache on every request would
# cost more than reading it again), up to DIGESTS_KEPT of them.
DIGESTS_KEPT = 5000
_digests: dict[int, dict] = {}


def _digest(snapshot: dict) -> dict:
    return {
        "principles": [
            {
                "number": p["number"],
                "title": p["title"],
                "criteria": [
                    {
                        "code": c["code"],
                        "score": c.get("score"),
                        "not_evidenced": c.get("not_evidenced", False),
                        "citations": [{"category": x.get("category")} for x in c.get("citations", [])],
                    }
                    for c in p.get("criteria", [])
                ],
            }
            for p in snapshot.get("principles", [])
        ]
    }


def forget_digests() -> None:
    """Forget digests and snapshots (for tests, whose rolled-back databases hand out submission
    ids again)."""
    _digests.clear()
    _snapshots.clear()


def latest_submissions(assessment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """assessment id -> (number, id) of its latest submission, in one query (no snapshots)."""
    latest: dict[int, tuple[int, int]] = {}
    for assessment_id, number, pk in (
        Submission.objects.filter(assessment_id__in=assessment_ids)
        .values_list("assessment_id", "number", "pk")
        .order_by()  # the latest is picked below: no sort, nor the joins the model's ordering needs
    ):
        if assessment_id not in latest or number > latest[assessment_id][0]:
            latest[assessment_id] = (number, pk)
    return latest


def build_many(
    assessments: list[Assessment], *, latest: dict[int, tuple[int, int]] | None = None
) -> dict[int, Workspace]:
    """Workspaces of many assessments (assessment id -> workspace, for those ever submitted), in a
    number of queries that does not grow with how many: for the calibration table.

    Built from a digest of each latest snapshot (kept, since snapshots never change): the
    scores are complete, but rows carry no narratives and no citation details or links."""
    ids = [a.pk for a in assessments]
    if latest is None:
        latest = latest_submissions(ids)
    wanted = [pk for _, pk in latest.values()]
    missing = [pk for pk in wanted if pk not in _digests]
    if missing:
        if len(_digests) + len(missing) > DIGESTS_KEPT:
            _digests.clear()
        for pk, snapshot in Submission.objects.filter(pk__in=missing).values_list("pk", "snapshot"):
            _digests[pk] = _digest(snapshot)
    digests = {pk: _digests[pk] for pk in wanted}
    # Each read into a dict, so unsorted (the models' orderings join tables only to sort).
    reviews = {r.assessment_id: r for r in Review.objects.filter(assessment_id__in=ids).order_by()}
    review_ids = [r.pk for r in reviews.values()]
    scores: dict[int, dict] = defaultdict(dict)
    for s in AssessorScore.objects.filter(review_id__in=review_ids).order_by():
        scores[s.review_id][s.criterion_code] = s
    decisions: dict[int, dict] = defaultdict(dict)
    for d in PrincipleDecision.objects.filter(review_id__in=review_ids).order_by():
        decisions[d.review_id][d.principle_number] = d
    moderations: dict[int, dict] = defaultdict(dict)
    for m in (
        PrincipleModeration.objects.filter(review_id__in=review_ids).select_related("moderator").order_by()
    ):
        moderations[m.review_id][m.principle_number] = m
    built = {}
    for assessment in assessments:
        if assessment.pk not in latest:
            continue
        number, pk = latest[assessment.pk]
        review = reviews.get(assessment.pk) or Review(assessment=assessment)
        submission = Submission(pk=pk, assessment=assessment, number=number)
        built[assessment.pk] = _assemble(
            assessment,
            review,
            submission,
            digests[pk],
            scores.get(review.pk, {}),
            decisions.get(review.pk, {}),
            moderations.get(review.pk, {}),
            links={},
        )
    return built


def _assemble(assessment, review, submission, snapshot, scores, decisions, moderations, links) -> Workspace:
    version = assessment.rubric_version
    rule = version.rule()
    wording = rubric_cache.wording(version)
    texts, descriptors = wording.texts, wording.descriptors
    kinds = dict(EvidenceItem.Kind.choices)
    categories = dict(EvidenceItem.Category.choices)
    self_scores = answers_module.snapshot_scores(snapshot, rule)
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
        self_result = self_scores.principle(p["number"])
        principles.append(
            PrincipleRow(
                number=p["number"],
                title=p["title"],
                criteria=rows,
                self_score=self_result.score if self_result else None,
                self_result=self_result,
                categories=[u for u in used if u],
                decision=decisions.get(p["number"]),
                rule=rule,
                moderation=moderations.get(p["number"]),
            )
        )
    finals = [p.final for p in principles]
    overall = overall_result(finals, rule=rule) if principles and any(f is not None for f in finals) else None
    return Workspace(assessment, review, submission, principles, overall, self_scores)
