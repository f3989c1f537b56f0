"""The system's register as CSV and XLSX: the shared part of each activity only (never internal
notes, who took part or what was heard), with spreadsheet formula injection neutralised
(engagement_portal.lib.spreadsheets.neutralise: a text cell starting =, +, -, @, a tab or a
carriage return is prefixed with a quote)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engagement_portal.lib.spreadsheets import neutralise

SYSTEM_HEADER = [
    "Lead organisation",
    "Title",
    "Start",
    "End",
    "Status",
    "Topics",
    "Communities",
    "Places",
    "Method",
    "Level of influence",
    "Contact name",
    "Contact email",
]


def _names(related) -> str:
    return "; ".join(sorted(term.name for term in related.all()))


def system_rows(activities) -> list[list]:
    rows = []
    for a in activities:
        rows.append(
            [
                a.organisation.name,
                a.title,
                a.period_start.isoformat(),
                a.period_end.isoformat(),
                a.get_status_display(),
                _names(a.topics),
                _names(a.communities),
                _names(a.places),
                a.get_method_display(),
                a.get_influence_display(),
                a.contact_name,
                a.contact_email,
            ]
        )
    return rows


def as_csv(header: list[str], rows: list[list]) -> str:
    """UTF-8 with a byte-order mark, so that Excel reads accents and curly quotes rightly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[neutralise(value) for value in row] for row in rows])
    return buffer.getvalue()


def as_xlsx(header: list[str], rows: list[list], *, title: str = "Activities") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(name) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ordered(activities):
    return (
        activities.select_related("organisation")
        .prefetch_related("topics", "communities", "places")
        .order_by("period_start", "organisation__name", "pk")
    )
