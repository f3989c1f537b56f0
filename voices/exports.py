"""A survey's results as CSV and XLSX, and its free text for leads: the same cells the results
page shows, so small numbers are hidden in the same way (a hidden count is an empty cell marked
"not shown"), and every text cell is neutralised against spreadsheet formula injection.

The CSV is UTF-8 with a byte-order mark so that Excel reads it correctly."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from engagement_portal.lib.spreadsheets import neutralise
from voices.results import Results

HEADER = ["Section", "Question", "Criteria", "Answer", "People", "Share (%)", "Population (%)", "Note"]
NOT_SHOWN = "not shown: fewer than the threshold, or would reveal one"


def rows(results: Results) -> list[list]:
    out = []
    for section, tables in (("Answers", results.questions), ("Who answered", results.profile)):
        for table in tables:
            for cell in table.cells:
                out.append(
                    [
                        section,
                        table.text,
                        ", ".join(table.criteria),
                        cell.label,
                        "" if cell.hidden else cell.count,
                        "" if cell.hidden else cell.percent,
                        "" if cell.population is None else float(cell.population),
                        NOT_SHOWN if cell.hidden else "",
                    ]
                )
    return out


def free_text_rows(results: Results) -> list[list]:
    return [[group.text, text] for group in results.free_text for text in group.answers]


def to_csv(header: list[str], data: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in data:
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], data: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([neutralise(value) for value in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
