"""The self-assessment report: what goes into the PDF, and rendering it.

A report is built from a snapshot, the same plain data a submission stores
(`services.build_snapshot`): a submission's own snapshot for a submitted report, or a snapshot of
the live answers made just now for a draft. So a draft and a submitted report are laid out by the
same template from the same shape of data, and a submitted report shows exactly what CQC received
and nothing read from the live answers (the level descriptors come from the pinned rubric
version, which never changes once published; its content hash is on the cover).

Once CQC has finalised its review, the report of the submission CQC assessed (the latest one)
also shows CQC's principle and criterion scores beside the self-assessed ones, CQC's overall
rating and its summary of each principle (`OutcomeSection`, from `outcome_for`). These come
only from the outcome's frozen `final` JSON, the same the organisation's outcome page renders,
and only the fields named in `OutcomeSection.from_final`: never the live review rows, so CQC's
notes, rationales and moderation cannot reach a report.

Apps above this one add sections of their own through `report_sections` (the improvement plan:
last cycle's actions and what happened to them, and the new ones). Those are read live, as they
stand when the report is rendered, and are not part of what was submitted; the report says so.

Cached submitted reports are keyed by the submission (whose snapshot never changes), by
REPORT_VERSION and by the fingerprint of what the report shows beyond the snapshot
(`content_fingerprint`: CQC's outcome, and the added sections; stored in RenderedReport's
`outcome_sha256`, which is the outcome's own fingerprint alone while no section is added).
Change REPORT_VERSION whenever a change to the template, its stylesheet or this module changes
what a report looks like, so that stored reports are rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from assessments import report_sections, services
from assessments.answers import score_label, snapshot_scores
from assessments.models import Assessment, RenderedReport, Submission
from engagement_portal.dates import govuk_date
from engagement_portal.lib.hashing import json_sha256
from engagement_portal.lib.pdf import RenderedPdf, render_pdf
from evidence.models import EvidenceItem
from principles.models import LevelDescriptor, RubricVersion
from principles.scoring import DEFAULT_RULE, NOT_ENOUGH_EVIDENCE, ScoringRule

logger = logging.getLogger(__name__)

REPORT_VERSION = "10"
TEMPLATE = "pdf/report.html"
# Stored reports share the private evidence storage (local disk or S3), in a folder of their own.
STORAGE_PREFIX = "reports/"
# A render still pending this long after it was queued was lost (a worker stopped): queue it again.

KIND_NAMES = dict(EvidenceItem.Kind.choices)
CATEGORY_NAMES = dict(EvidenceItem.Category.choices)
SHORT_SHA = 12


@dataclass(frozen=True)
class OutcomeSection:
    """CQC's finalised outcome, shown beside the organisation's own scores.

    Built from the outcome's frozen `final` JSON by `from_final`, which picks out only what is
    shown here (so anything else that JSON might ever carry stays out of reports)."""

    scores: Mapping[int, int | None]  # principle number -> CQC's score (1-4)
    rating: str | None
    percentage: str | None
    summaries: Mapping[int, str] = field(default_factory=dict)  # principle number -> CQC's summary
    criteria: Mapping[str, str] = field(default_factory=dict)  # criterion code -> CQC's score, in words
    finalised_at: datetime.datetime | None = None

    @classmethod
    def from_final(cls, final: Mapping, *, finalised_at: datetime.datetime | None) -> OutcomeSection:
        principles = [p for p in final.get("principles", []) if isinstance(p, Mapping)]
        return cls(
            scores={int(p["number"]): p.get("score") for p in principles},
            rating=final.get("rating"),
            percentage=final.get("percentage"),
            summaries={int(p["number"]): str(p.get("summary") or "") for p in principles},
            criteria={
                str(c["code"]): str(c.get("score") or "")
                for p in principles
                for c in p.get("criteria", [])
                if isinstance(c, Mapping) and "code" in c
            },
            finalised_at=finalised_at,
        )

    def fingerprint(self) -> str:
        """What a stored report of a submission is keyed by, beside the submission itself:
        everything the report shows from the outcome."""
        data = {
            "scores": {str(k): v for k, v in sorted(self.scores.items())},
            "rating": self.rating,
            "percentage": self.percentage,
            "summaries": {str(k): v for k, v in sorted(self.summaries.items())},
            "criteria": dict(sorted(self.criteria.items())),
            "finalised_at": self.finalised_at.isoformat() if self.finalised_at else None,
        }
        return json_sha256(data)


@dataclass(frozen=True)
class EvidenceEntry:
    """One file revision in the evidence index; `ref` (E1, E2...) is how criteria cite it."""

    ref: str
    title: str
    kind: str
    category: str
    date: datetime.date | None
    file_name: str
    revision: int | None
    sha256: str
    # Who uploaded it ("Priya Shah, Healthwatch Northmoor"); "" in snapshots from before it was kept.
    uploaded_by: str = ""

    @property
    def short_sha256(self) -> str:
        return self.sha256[:SHORT_SHA]


@dataclass(frozen=True)
class CitedEvidence:
    entry: EvidenceEntry
    location: str
    note: str


@dataclass(frozen=True)
class CriterionSection:
    code: str
    text: str
    score: int | None
    label: str
    descriptor: str
    narrative: str
    citations: list[CitedEvidence]
    # Who last changed the answer; "" in snapshots from before it was kept.
    answered_by: str = ""
    assessor_label: str = ""  # CQC's score in words, once finalised


@dataclass(frozen=True)
class PrincipleSection:
    number: int
    title: str
    score: int | None
    percentage: str | None
    shortfalls: list[str]
    criteria: list[CriterionSection]
    assessor_score: int | None = None
    assessor_summary: str = ""

    @property
    def anchor(self) -> str:
        return f"principle-{self.number}"


@dataclass(frozen=True)
class QuestionSection:
    """One of CQC's questions and the organisation's answers, as the snapshot froze them."""

    subject: str
    question: str
    asked_by: str
    asked_on: datetime.date | None
    answers: list[tuple[str, str]]  # (who, what they answered)


@dataclass(frozen=True)
class ChartBar:
    """One bar: the self-assessed score, or (once CQC has finalised) CQC's."""

    score: int | None
    y: int
    width: float
    label_x: float
    height: int = 16
    is_cqc: bool = False
    paired: bool = False  # beside CQC's bar, so it says whose score it is

    @property
    def text_y(self) -> float:
        """The baseline of the words at the bar's end: 12-point text centred on the bar."""
        return self.y + self.height / 2 + 4.5

    @property
    def text(self) -> str:
        value = f"{self.score} of 4" if self.score else NOT_ENOUGH_EVIDENCE
        if self.is_cqc:
            return f"CQC: {value}"
        return f"Self-assessed: {value}" if self.paired else value

    @property
    def described(self) -> str:
        value = f"{self.score} of 4" if self.score else NOT_ENOUGH_EVIDENCE.lower()
        return f"CQC {value}" if self.is_cqc else value


@dataclass(frozen=True)
class ChartRow:
    number: int
    title: str
    y: int
    label_y: int  # the baseline of the principle's name, above its bars
    bars: list[ChartBar]

    @property
    def described(self) -> str:
        if len(self.bars) == 1:
            return f"{self.number}. {self.title}: {self.bars[0].described}"
        own, cqc = self.bars
        return f"{self.number}. {self.title}: self-assessed {own.described}, {cqc.described}"


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of the principle scores, drawn as inline SVG by the template.

    Each principle's name is above its bar, and each bar's score is written as words at its end,
    so the chart reads the same in greyscale (or to someone who cannot tell colours apart); a
    principle with no score gets a hatched outline bar and the words "Not enough evidence to
    score". Once CQC has
    finalised, each principle has a second, black bar for CQC's score, labelled "CQC: 2 of 4",
    the pair under the principle's name."""

    rows: list[ChartRow]
    width: int
    height: int
    plot_left: int
    plot_width: int
    axis_y: int
    ticks: list[tuple[int, float]]
    description: str
    with_cqc: bool = False


@dataclass(frozen=True)
class ReportData:
    is_draft: bool
    organisation: str
    organisation_code: str
    cycle: str
    status: str
    rubric_label: str
    rubric_title: str
    rubric_hash: str
    submission_number: int | None
    submitted_at: datetime.datetime | None
    submitted_by: str
    sha256: str | None  # the submission's snapshot hash; None for a draft
    generated_at: datetime.datetime
    rating: str | None
    percentage: str | None
    indicative: bool
    reply: str
    principles: list[PrincipleSection]
    evidence: list[EvidenceEntry]
    chart: Chart
    outcome: OutcomeSection | None = None
    criteria_count: int = field(default=0)
    overall_note: str = ""  # why the self-assessed rating is indicative
    questions: list[QuestionSection] = field(default_factory=list)
    # Sections apps above this one add (report_sections): the improvement plan.
    sections: list[report_sections.ReportSection] = field(default_factory=list)

    @property
    def title(self) -> str:
        kind = "Draft self-assessment report" if self.is_draft else "Self-assessment report"
        return f"{kind}: {self.organisation}, {self.cycle}"

    @property
    def filename(self) -> str:
        if self.is_draft:
            return report_filename(
                self.organisation, self.cycle, draft_on=timezone.localdate(self.generated_at)
            )
        return report_filename(self.organisation, self.cycle, number=self.submission_number)


def report_filename(
    organisation: str, cycle: str, *, number: int | None = None, draft_on: datetime.date | None = None
) -> str:
    """A name that says whose report it is, which cycle, and which submission (or draft date):
    "northmoor-and-riverside-ics-2026-27-self-assessment-submission-1.pdf"."""
    base = f"{slugify(organisation)[:80]}-{slugify(cycle.replace('/', '-'))}-self-assessment"
    if draft_on is not None:
        return f"{base}-draft-{draft_on:%Y-%m-%d}.pdf"
    return f"{base}-submission-{number}.pdf"


# ---------------------------------------------------------------------------------------------
# Building


def _parse_moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _descriptors(rubric_label: str) -> dict[tuple[str, int], str]:
    """Each criterion's level descriptors in the pinned rubric version, which never changes
    once published (and whose content hash the report prints). One query."""
    return {
        (code, level): text
        for code, level, text in LevelDescriptor.objects.filter(
            criterion__principle__version__label=rubric_label
        ).values_list("criterion__code", "level", "text")
    }


def _rule(rubric_label: str) -> ScoringRule:
    """The pinned rubric version's scoring rule (one query): a snapshot's scores are worked out
    again from its criteria by it, never read from what the snapshot stored."""
    stored = RubricVersion.objects.filter(label=rubric_label).values_list("scoring_rule", flat=True).first()
    return ScoringRule.from_dict(stored) if stored is not None else DEFAULT_RULE


def _chart(principles: list[PrincipleSection], *, with_cqc: bool = False) -> Chart:
    width, top = 640, 6
    if with_cqc:
        # Two thinner bars a principle, under its name, so that the chart names every principle
        # and still fits on the summary's page under the table.
        plot_left, title_height, bar_height, bar_gap, row_gap = 8, 15, 11, 2, 6
    else:
        # One bar a principle, with its name above it.
        plot_left, title_height, bar_height, bar_gap, row_gap = 8, 17, 16, 0, 11
    # Room at the end of a full bar for its words ("4 of 4", or "Self-assessed: 4 of 4").
    plot_width = width - plot_left - (136 if with_cqc else 96)
    row_height = title_height + bar_height + (bar_gap + bar_height if with_cqc else 0) + row_gap

    def bar(score: int | None, y: int, is_cqc: bool = False) -> ChartBar:
        return ChartBar(
            score=score,
            y=y,
            width=round(plot_width * (score or 0) / 4, 1),
            label_x=round(plot_left + plot_width * (score or 0) / 4 + (6 if score else 46), 1),
            height=bar_height,
            is_cqc=is_cqc,
            paired=with_cqc,
        )

    rows = []
    for i, p in enumerate(principles):
        y = top + i * row_height
        bars = [bar(p.score, y + title_height)]
        if with_cqc:
            bars.append(bar(p.assessor_score, y + title_height + bar_height + bar_gap, is_cqc=True))
        label_y = y + 11 if with_cqc else y + 12
        rows.append(ChartRow(number=p.number, title=p.title, y=y, label_y=label_y, bars=bars))
    axis_y = top + len(rows) * row_height + 2
    height = axis_y + 22
    ticks = [(n, plot_left + plot_width * n / 4) for n in range(5)]
    described = "; ".join(row.described for row in rows)
    what = "the self-assessed score and CQC's score" if with_cqc else "the self-assessed score"
    return Chart(
        rows=rows,
        width=width,
        height=height,
        plot_left=plot_left,
        plot_width=plot_width,
        axis_y=axis_y,
        ticks=ticks,
        description=f"Bar chart of {what} of each principle, out of 4. {described}.",
        with_cqc=with_cqc,
    )


def build_report(
    snapshot: dict,
    *,
    is_draft: bool,
    status: str,
    sha256: str | None = None,
    generated_at: datetime.datetime | None = None,
    outcome: OutcomeSection | None = None,
) -> ReportData:
    """The report's contents from a snapshot (a submission's, or one of the live answers).

    `outcome` is CQC's finalised outcome, for the submission CQC assessed (see `outcome_for`)."""
    descriptors = _descriptors(snapshot["rubric"]["label"])
    scores = snapshot_scores(snapshot, _rule(snapshot["rubric"]["label"]))
    entries: dict[tuple, EvidenceEntry] = {}
    principles = []
    for p in snapshot.get("principles", []):
        criteria = []
        for c in p.get("criteria", []):
            citations = []
            for cited in c.get("citations", []):
                key = (
                    cited.get("sha256"),
                    cited.get("revision"),
                    cited.get("title"),
                    cited.get("original_name"),
                )
                entry = entries.get(key)
                if entry is None:
                    entry = entries[key] = EvidenceEntry(
                        ref=f"E{len(entries) + 1}",
                        title=cited.get("title", ""),
                        kind=KIND_NAMES.get(cited.get("kind"), cited.get("kind") or ""),
                        category=CATEGORY_NAMES.get(cited.get("category"), cited.get("category") or ""),
                        date=_parse_date(cited.get("evidence_date")),
                        file_name=cited.get("original_name", ""),
                        revision=cited.get("revision"),
                        sha256=cited.get("sha256", ""),
                        uploaded_by=cited.get("uploaded_by", ""),
                    )
                citations.append(CitedEvidence(entry, cited.get("location", ""), cited.get("note", "")))
            score = c.get("score")
            criteria.append(
                CriterionSection(
                    code=c["code"],
                    text=c.get("text", ""),
                    score=score,
                    label=score_label(score, c.get("not_evidenced", False)),
                    descriptor=descriptors.get((c["code"], score), "") if score else "",
                    narrative=c.get("narrative", ""),
                    citations=citations,
                    answered_by=c.get("answered_by", ""),
                    assessor_label=outcome.criteria.get(c["code"], "") if outcome else "",
                )
            )
        result = scores.principle(p["number"])
        principles.append(
            PrincipleSection(
                number=p["number"],
                title=p["title"],
                score=result.score if result else None,
                percentage=result.percentage_label if result else None,
                shortfalls=list(result.shortfalls) if result else [],
                criteria=criteria,
                assessor_score=outcome.scores.get(p["number"]) if outcome else None,
                assessor_summary=outcome.summaries.get(p["number"], "") if outcome else "",
            )
        )
    overall = scores.overall
    return ReportData(
        is_draft=is_draft,
        organisation=snapshot["organisation"]["name"],
        organisation_code=snapshot["organisation"]["code"],
        cycle=snapshot["cycle"],
        status=status,
        rubric_label=snapshot["rubric"]["label"],
        rubric_title=snapshot["rubric"].get("title", ""),
        rubric_hash=snapshot["rubric"].get("content_hash", ""),
        submission_number=None if is_draft else snapshot.get("submission"),
        submitted_at=None if is_draft else _parse_moment(snapshot.get("submitted_at")),
        submitted_by="" if is_draft else snapshot.get("submitted_by", {}).get("name", ""),
        sha256=sha256,
        generated_at=generated_at or timezone.now(),
        rating=overall.rating if overall else None,
        percentage=scores.percentage,
        indicative=bool(overall and overall.indicative),
        overall_note=scores.overall_note or "",
        reply=snapshot.get("reply", ""),
        questions=[
            QuestionSection(
                subject=q.get("subject", ""),
                question=q.get("question", ""),
                asked_by=q.get("asked_by", ""),
                asked_on=_parse_moment(q.get("asked_at")).date() if q.get("asked_at") else None,
                answers=[(a.get("by", ""), a.get("body", "")) for a in q.get("answers", [])],
            )
            for q in snapshot.get("questions", [])
        ],
        principles=principles,
        evidence=list(entries.values()),
        chart=_chart(principles, with_cqc=outcome is not None),
        outcome=outcome,
        criteria_count=sum(len(p.criteria) for p in principles),
    )


def report_for_submission(
    submission: Submission,
    *,
    outcome: OutcomeSection | None = None,
    sections: list[report_sections.ReportSection] | None = None,
) -> ReportData:
    """What CQC received, from the submission's snapshot, with CQC's outcome once finalised and
    the sections apps above add (read now when not given)."""
    status = "Submitted to CQC"
    if outcome is not None:
        status = "Assessed by CQC"
        if outcome.finalised_at is not None:
            status += f" on {govuk_date(outcome.finalised_at)}"
    data = build_report(
        submission.snapshot, is_draft=False, status=status, sha256=submission.sha256, outcome=outcome
    )
    return dataclasses.replace(
        data,
        sections=sections if sections is not None else report_sections.sections_for(submission.assessment),
    )


def report_for_draft(assessment: Assessment, *, by) -> ReportData:
    """The live answers as they stand now, for the organisation's own people only.

    `assessment` should come with its organisation, cycle and rubric version (select_related)."""
    now = timezone.now().replace(microsecond=0)
    snapshot = services.build_snapshot(assessment=assessment, number=0, by=by, at=now)
    status = f"{assessment.get_status_display()}: a draft, not submitted to CQC"
    data = build_report(snapshot, is_draft=True, status=status, generated_at=now)
    return dataclasses.replace(data, sections=report_sections.sections_for(assessment))


# ---------------------------------------------------------------------------------------------
# Rendering


def report_html(data: ReportData) -> str:
    return render_to_string(TEMPLATE, {"report": data, "short_sha": SHORT_SHA})


def render_report(data: ReportData) -> RenderedPdf:
    return render_pdf(report_html(data))


# ---------------------------------------------------------------------------------------------
# Stored reports of submissions
#
# Rendering a complete self-assessment takes seconds (bench/pdf.py measures it), too long to keep
# a web request waiting, and what it shows never changes. So a submission's report is rendered
# once in the background (queued and run by assessments/tasks.py) and stored; every download
# after that streams the stored file. With the in-process task backend (developers' machines,
# tests) the render runs as it is queued, so the first request already gets the file.


def outcome_for(submission: Submission) -> OutcomeSection | None:
    """CQC's finalised outcome, for the report of the submission it assessed; else None.

    CQC reviews the latest submission, and finalising makes the assessment assessed, after which
    nothing is submitted again: so the outcome belongs to the latest submission, and earlier
    submissions' reports never show it. Reads only the outcome's frozen `final` JSON and when it
    was finalised (two queries), never the review's live rows."""
    from reviews.models import Outcome  # the review app builds on this one, not the other way

    final = (
        Outcome.objects.filter(review__assessment_id=submission.assessment_id, final__isnull=False)
        .values("final", "finalised_at")
        .first()
    )
    if final is None:
        return None
    latest = (
        Submission.objects.filter(assessment_id=submission.assessment_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if latest != submission.number:
        return None
    return OutcomeSection.from_final(final["final"], finalised_at=final["finalised_at"])


def content_fingerprint(outcome: OutcomeSection | None, sections: list[report_sections.ReportSection]) -> str:
    """What a submission's report shows beyond its snapshot: the outcome's fingerprint alone while
    no section is added (as before sections were), else a hash of it and every section's."""
    base = outcome.fingerprint() if outcome else ""
    if not sections:
        return base
    return json_sha256({"outcome": base, "sections": [[s.anchor, s.fingerprint] for s in sections]})


def report_key(submission: Submission) -> dict:
    outcome = outcome_for(submission)
    return {
        "submission": submission,
        "template_version": REPORT_VERSION,
        "outcome_sha256": content_fingerprint(outcome, report_sections.sections_for(submission.assessment)),
    }


def report_storage():
    return storages["evidence"]


def submission_report(submission: Submission) -> RenderedReport | None:
    """The stored report for what this submission shows now, whatever its status, or None."""
    return RenderedReport.objects.filter(**report_key(submission)).first()


def store_submission_report(report_id: int) -> str:
    """Render one queued report and store it (the task's body). Safe to run twice."""
    row = RenderedReport.objects.select_related("submission").filter(pk=report_id).first()
    if row is None:
        return "missing"
    if row.status == RenderedReport.Status.READY:
        return "ready"
    if row.template_version != REPORT_VERSION:
        # Queued before a deployment changed the template: the new version gets its own row.
        return "stale"
    outcome = outcome_for(row.submission)
    sections = report_sections.sections_for(row.submission.assessment)
    if content_fingerprint(outcome, sections) != row.outcome_sha256:
        # CQC finalised (or a section changed) after this render was queued: the report as it
        # is now is another row, queued by the next request. This one is left to be deleted
        # once that one is stored.
        return "stale"
    try:
        rendered = render_report(report_for_submission(row.submission, outcome=outcome, sections=sections))
        storage = report_storage()
        key = storage.save(f"{STORAGE_PREFIX}{uuid.uuid4().hex}.pdf", ContentFile(rendered.pdf))
    except Exception as error:
        logger.exception("Could not render the report of %s", row.submission)
        RenderedReport.objects.filter(pk=row.pk).exclude(status=RenderedReport.Status.READY).update(
            status=RenderedReport.Status.FAILED, detail=f"{type(error).__name__}"[:200]
        )
        return "failed"
    stored = (
        RenderedReport.objects.filter(pk=row.pk)
        .exclude(status=RenderedReport.Status.READY)
        .update(
            status=RenderedReport.Status.READY,
            storage_key=key,
            sha256=hashlib.sha256(rendered.pdf).hexdigest(),
            size=len(rendered.pdf),
            pages=rendered.pages,
            render_ms=round(rendered.seconds * 1000),
            rendered_at=timezone.now(),
            detail="",
        )
    )
    if not stored:
        # Another run of the same task stored it first.
        storage.delete(key)
    logger.info(
        "Rendered the report of %s: %s pages in %.1fs", row.submission, rendered.pages, rendered.seconds
    )
    _forget_superseded(row)
    return "ready"


def _forget_superseded(current: RenderedReport) -> None:
    """Delete the submission's reports from earlier template versions or outcomes, and their
    files: nothing serves them any more. (A download already streaming one keeps its open file.)"""
    superseded = RenderedReport.objects.filter(submission_id=current.submission_id).exclude(pk=current.pk)
    for old in superseded:
        if old.storage_key:
            try:
                report_storage().delete(old.storage_key)
            except Exception:
                logger.exception("Could not delete the superseded report file %s", old.storage_key)
                continue
        old.delete()


def open_submission_report(row: RenderedReport) -> File | None:
    """The stored PDF of a ready report, open for streaming; None (and the row marked failed,
    so the next request renders it again) if the stored file has gone."""
    try:
        return report_storage().open(row.storage_key, "rb")
    except FileNotFoundError:
        logger.error(
            "The stored report %s (%s) is missing; it will be rendered again", row.pk, row.storage_key
        )
        RenderedReport.objects.filter(pk=row.pk).update(
            status=RenderedReport.Status.FAILED, detail="The stored file was missing"
        )
        return None
