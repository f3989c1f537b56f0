"""A cycle's review results as CSV and XLSX: one row per organisation and criterion, with the
self and assessor scores, the principle scores and the ratings. CQC's notes and rationales are
never exported.

Spreadsheet formula injection: any text cell beginning with =, +, -, @, a tab or a carriage
return is prefixed with a single quote, so a spreadsheet shows it as text instead of running it
(an organisation's name or a criterion's wording could otherwise carry a formula)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from assessments.models import Assessment
from principles.scoring import NOT_ENOUGH_EVIDENCE
from reviews import services
from reviews.models import Review
from reviews.workspace import build

HEADER = [
    "Organisation code",
    "Organisation",
    "Organisation type",
    "Region",
    "Cycle",
    "Status",
    "Principle",
    "Criterion",
    "Self-assessed score",
    "Assessor's score",
    "Self-assessed principle score",
    "Assessor's principle score",
    "Self-assessed rating",
    "Assessor's rating",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _rating(overall) -> str:
    """A rating as the pages show it: "Good", "Good (indicative)" while a principle has no
    score by the scoring rule, or "" when there is none."""
    if overall is None or overall.rating is None:
        return ""
    return f"{overall.rating} (indicative)" if overall.indicative else overall.rating


def _principle_score(score: int | None, not_enough_evidence: bool):
    return score if score is not None else (NOT_ENOUGH_EVIDENCE if not_enough_evidence else "")


def rows(cycle) -> list[list]:
    assessments = (
        Assessment.objects.filter(cycle=cycle, status__in=services.REVIEWABLE)
        .select_related("organisation", "cycle", "rubric_version")
        .order_by("organisation__name")
    )
    out = []
    for assessment in assessments:
        review = Review.objects.filter(assessment=assessment).first() or Review(assessment=assessment)
        ws = build(assessment, review)
        if ws is None:
            continue
        org = assessment.organisation
        self_rating = _rating(ws.self_scores.overall)
        rating = _rating(ws.overall) if not ws.unscored else ""
        for p in ws.principles:
            for c in p.criteria:
                out.append(
                    [
                        org.code,
                        org.name,
                        org.get_type_display(),
                        org.get_region_display(),
                        assessment.cycle.label,
                        assessment.get_status_display(),
                        p.number,
                        c.code,
                        c.self_label,
                        c.assessor_label,
                        _principle_score(p.self_score, p.self_result is not None),
                        _principle_score(p.final, p.not_enough_evidence),
                        self_rating,
                        rating,
                    ]
                )
    return [[neutralise(v) for v in row] for row in out]


def as_csv(cycle) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows(cycle))
    return buffer.getvalue()


def as_xlsx(cycle) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Reviews"
    sheet.append(HEADER)
    for row in rows(cycle):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
