"""A cycle's review results as CSV and XLSX: one row per organisation and criterion, with the
self and assessor scores, the principle scores and the ratings, each in words beside a number
column. Made to open correctly in Excel: the CSV is UTF-8 with a byte-order mark; the XLSX has
a frozen header row, filters, sized columns and numbers stored as numbers. CQC's notes and
rationales are never exported.

Spreadsheet formula injection: any text cell beginning with =, +, -, @, a tab or a carriage
return is prefixed with a single quote, so a spreadsheet shows it as text instead of running it
(an organisation's name or a criterion's wording could otherwise carry a formula)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessments.models import Assessment
from engagement_portal.lib.spreadsheets import neutralise
from principles.scoring import NOT_ENOUGH_EVIDENCE, format_percentage
from reviews import services
from reviews.models import Review
from reviews.workspace import build

# Each score is given twice, side by side: in words as the pages show it, and as a number (1 to
# 4, or empty when there is none) that a spreadsheet can sum, average and filter. Ratings come
# with their percentage as a number.
HEADER = [
    "Organisation code",
    "Organisation",
    "Organisation type",
    "Region",
    "Cycle",
    "Status",
    "Principle",
    "Principle title",
    "Criterion",
    "Self-assessed score",
    "Self-assessed score (1-4)",
    "Assessor's score",
    "Assessor's score (1-4)",
    "Self-assessed principle score",
    "Self-assessed principle score (1-4)",
    "Assessor's principle score",
    "Assessor's principle score (1-4)",
    "Self-assessed rating",
    "Self-assessed rating (%)",
    "Assessor's rating",
    "Assessor's rating (%)",
]
# The score and percentage columns (the principle's number is a number too).
NUMERIC = frozenset(name for name in HEADER if name.endswith(("(1-4)", "(%)")))


def _rating(overall) -> str:
    """A rating as the pages show it: "Good", "Good (indicative)" while a principle has no
    score by the scoring rule, or "" when there is none."""
    if overall is None or overall.rating is None:
        return ""
    return f"{overall.rating} (indicative)" if overall.indicative else overall.rating


def _percentage(overall) -> float | str:
    """The rating's percentage as a number, to one decimal place as the pages show it."""
    if overall is None or overall.percentage is None:
        return ""
    return float(format_percentage(overall.percentage).removesuffix("%"))


def _principle_label(score: int | None, not_enough_evidence: bool) -> str:
    if score is not None:
        return f"{score} of 4"
    return NOT_ENOUGH_EVIDENCE if not_enough_evidence else ""


def _number(score: int | None) -> int | str:
    return score if score is not None else ""


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
        self_overall = ws.self_scores.overall
        overall = ws.overall if not ws.unscored else None
        for p in ws.principles:
            for c in p.criteria:
                assessor = c.assessor if c.is_scored else None
                out.append(
                    [
                        org.code,
                        org.name,
                        org.get_type_display(),
                        org.get_region_display(),
                        assessment.cycle.label,
                        assessment.get_status_display(),
                        p.number,
                        p.title,
                        c.code,
                        c.self_label,
                        _number(None if c.self_not_evidenced else c.self_score),
                        c.assessor_label,
                        _number(None if assessor is None or assessor.not_evidenced else assessor.score),
                        _principle_label(p.self_score, p.self_result is not None),
                        _number(p.self_score),
                        _principle_label(p.final, p.not_enough_evidence),
                        _number(p.final),
                        _rating(self_overall),
                        _percentage(self_overall),
                        _rating(overall),
                        _percentage(overall),
                    ]
                )
    return [[neutralise(v) for v in row] for row in out]


def as_csv(cycle) -> bytes:
    """UTF-8 with a byte-order mark, which is how Excel knows the file is UTF-8 (without it,
    dashes and accented names arrive garbled), and Excel's CRLF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows(cycle))
    return buffer.getvalue().encode("utf-8-sig")


# Column widths in characters: wide enough for the header or the longest value, within limits.
MIN_WIDTH, MAX_WIDTH = 8, 60


def as_xlsx(cycle) -> bytes:
    """One sheet with a bold, frozen header row, a filter on every column, columns sized to
    their contents, and scores and percentages stored as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Reviews"
    sheet.append(HEADER)
    data = rows(cycle)
    for row in data:
        sheet.append(row)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(HEADER, start=1):
        longest = max([len(str(row[index - 1])) for row in data] + [len(name) // 2 + 1])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
        if name in NUMERIC:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0" if name.endswith("(%)") else "0"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{len(data) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
