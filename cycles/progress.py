"""National progress of a cycle: every organisation in scope with where its self-assessment is,
how long since it last moved, and its assessor. Read in a fixed number of queries."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass

from django.db.models import Max
from openpyxl import Workbook

from assessments.models import Assessment, AssessmentCycle
from engagement_portal.lib.spreadsheets import neutralise
from organisations.models import Organisation

NOT_STARTED = "not_started"
DRAFT_OUTCOME = "draft_outcome"
# In the order an assessment moves through them.
STATUSES = [
    (NOT_STARTED, "Not started"),
    (Assessment.Status.DRAFT.value, "In progress"),
    (Assessment.Status.SUBMITTED.value, "Submitted"),
    (Assessment.Status.IN_REVIEW.value, "In review"),
    (Assessment.Status.RETURNED.value, "Returned with questions"),
    (DRAFT_OUTCOME, "Draft outcome shared"),
    (Assessment.Status.ASSESSED.value, "Assessed"),
]
LABELS = dict(STATUSES)
HEADER = [
    "Organisation code",
    "Organisation",
    "Type",
    "Region",
    "Status",
    "Days since last change",
    "Assessor",
]


@dataclass
class Row:
    organisation: Organisation
    status: str
    last_change: datetime.datetime | None
    days_since: int | None
    assessor: str

    @property
    def status_label(self) -> str:
        return LABELS[self.status]

    def cells(self) -> list:
        return [
            self.organisation.code,
            self.organisation.name,
            self.organisation.get_type_display(),
            self.organisation.get_region_display(),
            self.status_label,
            "" if self.days_since is None else self.days_since,
            self.assessor,
        ]


@dataclass
class Progress:
    rows: list[Row]
    counts: list[tuple[str, str, int]]  # (status, label, how many), before the status filter
    total: int

    @property
    def fingerprint(self) -> str:
        """A hash of everything the page's table shows, row by row (each organisation's name,
        type and region, status, days since its last change and assessor): the page keeps the
        rendered table under it, so any change to what a row shows is a different table."""
        shown = [
            (o.name, o.type, o.region, r.status, r.days_since, r.assessor)
            for r in self.rows
            for o in (r.organisation,)
        ]
        return hashlib.sha256(repr(shown).encode()).hexdigest()


def build(
    cycle: AssessmentCycle, *, today: datetime.date, region: str = "", type: str = "", status: str = ""
) -> Progress:
    organisations = cycle.organisations_in_scope().order_by("name")
    if region:
        organisations = organisations.filter(region=region)
    if type:
        organisations = organisations.filter(type=type)
    found = {
        row["organisation_id"]: row
        for row in Assessment.objects.filter(cycle=cycle)
        .values(
            "organisation_id",
            "status",
            "review__assigned_to__username",
            "review__assigned_to__first_name",
            "review__assigned_to__last_name",
            "review__outcome__shared_at",
            "review__outcome__finalised_at",
        )
        .annotate(last_change=Max("transitions__at"))
    }
    rows = []
    for organisation in organisations:
        row = found.get(organisation.pk)
        if row is None:
            rows.append(Row(organisation, NOT_STARTED, None, None, ""))
            continue
        state = row["status"]
        last = row["last_change"]
        if (
            state == Assessment.Status.IN_REVIEW
            and row["review__outcome__shared_at"]
            and not row["review__outcome__finalised_at"]
        ):
            state = DRAFT_OUTCOME
            last = max(filter(None, [last, row["review__outcome__shared_at"]]))
        name = " ".join(
            filter(None, [row["review__assigned_to__first_name"], row["review__assigned_to__last_name"]])
        )
        assessor = name or row["review__assigned_to__username"] or ""
        days = (today - last.date()).days if last else None
        rows.append(Row(organisation, state, last, days, assessor))
    counts = [(key, label, sum(1 for r in rows if r.status == key)) for key, label in STATUSES]
    if status:
        rows = [r for r in rows if r.status == status]
    return Progress(rows=rows, counts=counts, total=len(rows))


def as_csv(progress: Progress) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in progress.rows:
        writer.writerow([neutralise(cell) for cell in row.cells()])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(progress: Progress, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(HEADER)
    for row in progress.rows:
        sheet.append([neutralise(cell) for cell in row.cells()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
