"""An organisation's register as a spreadsheet (CSV or XLSX), out and back in.

The export has one row per activity, every field; the import reads the same columns, so a
register exported and imported again is unchanged (the round trip is exact): a row whose
Reference is one of the organisation's activities updates it, a row with no Reference records a
new one. The import is all or nothing: every row is checked first (`parse`), and the problems are
reported by row and column; only a file with none is offered for import.

Refused: a formula anywhere (an XLSX formula cell, or text starting =, +, -, @, which the
export's neutralising quote protects), a header that is not the export's, more than MAX_ROWS
rows, a file over MAX_BYTES, and a row in another organisation's name.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from activities import services
from activities.exports import as_csv, as_xlsx
from activities.models import Activity, Community, Topic
from activities.systems import system_partners, system_places
from engagement_portal.lib.spreadsheets import DANGEROUS
from organisations.models import Organisation

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
SEPARATOR = "; "

HEADER = [
    "Reference",
    "Lead organisation code",
    "Title",
    "Question or purpose",
    "Topics",
    "Communities",
    "Places",
    "Partners",
    "Method",
    "Level of influence",
    "Planned start",
    "Planned end",
    "Actual start",
    "Actual end",
    "Status",
    "Number who took part",
    "Who took part",
    "What was heard",
    "What changed",
    "Participants told",
    "Date participants told",
    "Internal notes",
    "Contact name",
    "Contact email",
]


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _names(related) -> str:
    return SEPARATOR.join(sorted(term.name for term in related.all()))


def register_rows(activities) -> list[list]:
    rows = []
    for a in activities:
        rows.append(
            [
                str(a.pk),
                a.organisation.code,
                a.title,
                a.purpose,
                _names(a.topics),
                _names(a.communities),
                _names(a.places),
                _names(a.partners),
                a.get_method_display(),
                a.get_influence_display(),
                _date(a.planned_start),
                _date(a.planned_end),
                _date(a.actual_start),
                _date(a.actual_end),
                a.get_status_display(),
                "" if a.participants is None else str(a.participants),
                a.participant_profile,
                a.what_heard,
                a.what_changed,
                {True: "Yes", False: "No"}.get(a.participants_told, ""),
                _date(a.told_on),
                a.internal_notes,
                a.contact_name,
                a.contact_email,
            ]
        )
    return rows


def register_activities(organisation: Organisation):
    return (
        Activity.objects.filter(organisation=organisation)
        .select_related("organisation")
        .prefetch_related("topics", "communities", "places", "partners")
        .order_by("pk")
    )


def export_csv(organisation: Organisation) -> str:
    return as_csv(HEADER, register_rows(register_activities(organisation)))


def export_xlsx(organisation: Organisation) -> bytes:
    return as_xlsx(HEADER, register_rows(register_activities(organisation)), title="Register")


# ---------------------------------------------------------------------------------------------
# Reading


class FileRefused(Exception):
    """The whole file is refused (its kind, size, header or length), and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)  # JSON-able, for the confirmation step
    problems: list[Problem] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if not row["reference"])

    @property
    def updated(self) -> int:
        return len(self.rows) - self.new


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The file must be a CSV saved as UTF-8, or an Excel (XLSX) file") from None
    if "\x00" in text:
        raise FileRefused("The file must be a CSV saved as UTF-8, or an Excel (XLSX) file")
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRefused("The file must be a CSV saved as UTF-8, or an Excel (XLSX) file") from None
    sheet = workbook.worksheets[0]
    for cells in sheet.iter_rows():
        row = []
        for cell in cells:
            value = cell.value
            if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                row.append(FormulaCell())
            elif value is None:
                row.append("")
            elif isinstance(value, datetime.datetime):
                row.append(value.date().isoformat())
            elif isinstance(value, datetime.date):
                row.append(value.isoformat())
            elif isinstance(value, float) and value.is_integer():
                row.append(str(int(value)))
            else:
                row.append(str(value))
        yield row
    workbook.close()


class FormulaCell(str):
    """A cell an XLSX file holds as a formula."""

    def __new__(cls):
        return super().__new__(cls, "=")


def read(name: str, data: bytes) -> list[list[str]]:
    """The file's rows, header first, or FileRefused."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    lower = name.lower()
    if lower.endswith(".csv"):
        source = _csv_rows(data)
    elif lower.endswith(".xlsx"):
        source = _xlsx_rows(data)
    else:
        raise FileRefused("The file must be a CSV or an Excel (XLSX) file")
    rows = []
    for row in source:
        if len(rows) > MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} activities. "
                f"Split it into files of {MAX_ROWS:,} or fewer"
            )
        rows.append(row)
    if not rows:
        raise FileRefused("The file is empty")
    return rows


def _clean(value: str) -> str:
    """The export protects text starting with a formula character by a quote: take it off."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(DANGEROUS):
        return value[1:]
    return value


def _parse_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def parse(name: str, data: bytes, organisation: Organisation) -> Parsed:
    """Every row checked against the register's rules; problems by row and column."""
    rows = read(name, data)
    header = [str(cell).strip() for cell in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if header != HEADER:
        missing = [h for h in HEADER if h not in header]
        extra = [h for h in header if h not in HEADER]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(f"“{h}”" for h in missing))
        if extra:
            detail.append("not expected " + ", ".join(f"“{h}”" for h in extra))
        raise FileRefused(
            "The first row must be the columns of an exported register, in the same order"
            + (f" ({'; '.join(detail)})" if detail else "")
        )
    topics = {t.name.lower(): t for t in Topic.objects.all()}
    communities = {c.name.lower(): c for c in Community.objects.all()}
    places = {o.name.lower(): o for o in system_places(organisation)}
    partners = {o.name.lower(): o for o in system_partners(organisation)}
    methods = {label.lower(): value for value, label in Activity.Method.choices}
    influences = {label.lower(): value for value, label in Activity.Influence.choices}
    statuses = {label.lower(): value for value, label in Activity.Status.choices}
    ours = set(Activity.objects.filter(organisation=organisation).values_list("pk", flat=True))
    parsed = Parsed()
    seen_references: set[int] = set()
    for number, raw in enumerate(rows[1:], start=2):
        if not any(str(cell).strip() for cell in raw):
            continue
        cells = {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(HEADER)}
        problems: list[Problem] = []

        def problem(column: str, message: str, number: int = number, problems: list = problems) -> None:
            problems.append(Problem(number, column, message))

        for column, value in cells.items():
            if isinstance(value, FormulaCell) or (
                isinstance(value, str) and value.startswith(DANGEROUS) and value.strip()
            ):
                problem(column, "Remove the formula: the import takes values only")
        if problems:
            parsed.problems += problems
            continue
        cells = {k: _clean(str(v)).strip() for k, v in cells.items()}
        if cells["Lead organisation code"] != organisation.code:
            problem(
                "Lead organisation code",
                f"This row is in another organisation's name: you can only import {organisation.name}'s "
                f"activities (code {organisation.code})",
            )
        reference = None
        if cells["Reference"]:
            try:
                reference = int(cells["Reference"])
            except ValueError:
                reference = None
            if reference not in ours:
                problem(
                    "Reference", "No activity of yours has this reference. Leave it empty to add a new one"
                )
                reference = None
            elif reference in seen_references:
                problem("Reference", "This reference is on an earlier row too")
            else:
                seen_references.add(reference)

        def terms(column: str, lookup: dict, message: str, cells: dict = cells) -> list[int]:
            found = []
            for part in filter(None, (p.strip() for p in cells[column].split(";"))):
                if part.lower() not in lookup:
                    problem(column, message.format(part))
                else:
                    found.append(lookup[part.lower()].pk)
            return found

        def choice(column: str, lookup: dict, message: str, cells: dict = cells) -> str:
            value = lookup.get(cells[column].lower(), "")
            if not value:
                problem(column, message)
            return value

        def date(column: str, required: bool, cells: dict = cells) -> str | None:
            if not cells[column]:
                if required:
                    problem(column, "Enter a date, like 2027-03-14")
                return None
            try:
                return _parse_date(cells[column]).isoformat()
            except ValueError:
                problem(column, "Enter a real date, like 2027-03-14")
                return None

        row = {
            "reference": reference,
            "title": cells["Title"],
            "purpose": cells["Question or purpose"],
            "topic_ids": terms("Topics", topics, "“{}” is not on the list of topics"),
            "community_ids": terms("Communities", communities, "“{}” is not on the list of communities"),
            "place_ids": terms("Places", places, "“{}” is not a local authority area of your system"),
            "partner_ids": terms("Partners", partners, "“{}” is not an organisation of your system"),
            "method": choice("Method", methods, "Choose a method from the list, like “Survey”"),
            "influence": choice(
                "Level of influence", influences, "Choose inform, consult, involve, collaborate or empower"
            ),
            "planned_start": date("Planned start", True),
            "planned_end": date("Planned end", True),
            "actual_start": date("Actual start", False),
            "actual_end": date("Actual end", False),
            "status": choice("Status", statuses, "Choose planned, running or closed"),
            "participants": None,
            "participant_profile": cells["Who took part"],
            "what_heard": cells["What was heard"],
            "what_changed": cells["What changed"],
            "participants_told": {"yes": True, "no": False, "": None}.get(
                cells["Participants told"].lower(), "bad"
            ),
            "told_on": date("Date participants told", False),
            "internal_notes": cells["Internal notes"],
            "contact_name": cells["Contact name"],
            "contact_email": cells["Contact email"],
        }
        if cells["Number who took part"]:
            try:
                row["participants"] = int(cells["Number who took part"])
            except ValueError:
                problem("Number who took part", "Enter a whole number, like 40")
        if row["participants_told"] == "bad":
            problem("Participants told", "Enter Yes, No, or leave it empty")
            row["participants_told"] = None
        if not problems:
            current = Activity.objects.get(pk=reference) if reference else None
            for key, message in services.validate(organisation, to_data(row), current=current).items():
                problem(COLUMNS.get(key, "Title"), message)
        if problems:
            parsed.problems += problems
        else:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        raise FileRefused("The file has no activities in it")
    return parsed


COLUMNS = {
    "title": "Title",
    "purpose": "Question or purpose",
    "topics": "Topics",
    "communities": "Communities",
    "places": "Places",
    "partners": "Partners",
    "method": "Method",
    "influence": "Level of influence",
    "planned_end": "Planned end",
    "actual_end": "Actual end",
    "status": "Status",
    "participants": "Number who took part",
    "participant_profile": "Who took part",
    "what_heard": "What was heard",
    "what_changed": "What changed",
    "told_on": "Date participants told",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
}


def to_data(row: dict) -> services.ActivityData:
    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return services.ActivityData(
        title=row["title"],
        purpose=row["purpose"],
        topic_ids=set(row["topic_ids"]),
        community_ids=set(row["community_ids"]),
        place_ids=set(row["place_ids"]),
        partner_ids=set(row["partner_ids"]),
        method=row["method"],
        influence=row["influence"],
        planned_start=day(row["planned_start"]),
        planned_end=day(row["planned_end"]),
        actual_start=day(row["actual_start"]),
        actual_end=day(row["actual_end"]),
        status=row["status"],
        participants=row["participants"],
        participant_profile=row["participant_profile"],
        what_heard=row["what_heard"],
        what_changed=row["what_changed"],
        participants_told=row["participants_told"],
        told_on=day(row["told_on"]),
        internal_notes=row["internal_notes"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
    )
