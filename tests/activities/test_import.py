"""Importing and exporting an organisation's register (issue 17, part 7): a preview, problems by
row and column, nothing imported unless every row passes, and an exact round trip."""

from __future__ import annotations

import csv
import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from activities import services, spreadsheets
from activities.models import Activity, RegisterImport
from audit.models import AuditEvent
from tests.activities.helpers import community, make, topic

pytestmark = pytest.mark.django_db


def _url(name, cast, **kwargs):
    return reverse(name, kwargs={"code": cast.org_a.code, **kwargs})


def _register(cast):
    make(cast.org_a, cast.lead_a, title="=SUM(A1)", internal_notes="Notes\nover two lines, with “quotes”")
    make(
        cast.org_a,
        cast.lead_a,
        title="Maternity voices",
        topic_ids={topic("Maternity and neonatal care").pk, topic().pk},
        community_ids={community("Women and pregnant people").pk},
        participants=45,
        participant_profile="-minus at the start",
        status="running",
        actual_start=datetime.date(2027, 3, 2),
    )
    closed = make(
        cast.org_a,
        cast.lead_a,
        title="Closed one",
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2026, 1, 31),
    )
    services.activity_close(
        activity=closed,
        by=cast.lead_a,
        closing=services.Closing("More clinics", True, datetime.date(2026, 3, 1), datetime.date(2026, 2, 1)),
    )


def _import(client, cast, name, content):
    return client.post(_url("activity_import", cast), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_round_trip_is_exact(client, cast, fmt):
    _register(cast)
    client.force_login(cast.contributor_a)
    first = client.get(_url("activity_register_export", cast, fmt=fmt)).content
    response = _import(client, cast, f"register.{fmt}", first)
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(response["Location"])
    assert "Importing will add 0 new activities and change 3." in preview.content.decode()
    assert client.post(response["Location"]).status_code == 302
    assert AuditEvent.objects.filter(action="activity.imported").count() == 1
    second = client.get(_url("activity_register_export", cast, fmt=fmt)).content
    if fmt == "csv":
        assert second == first
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(first)).active.iter_rows(values_only=True)]
        again = [list(r) for r in load_workbook(io.BytesIO(second)).active.iter_rows(values_only=True)]
        assert again == rows and len(rows) == 4


def test_rows_without_a_reference_are_added(client, cast):
    _register(cast)
    client.force_login(cast.lead_a)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(_url("activity_register_export", cast, fmt="csv")).content.decode("utf-8-sig")
            )
        )
    )
    for row in rows[1:]:
        row[0] = ""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = _import(client, cast, "new.csv", buffer.getvalue().encode())
    client.post(response["Location"])
    assert Activity.objects.filter(organisation=cast.org_a).count() == 6
    assert Activity.objects.filter(title="=SUM(A1)").count() == 2  # the neutralising quote is taken off


def _csv_with(cast, **changes) -> bytes:
    row = {h: "" for h in spreadsheets.HEADER}
    row.update(
        {
            "Lead organisation code": cast.org_a.code,
            "Title": "Imported",
            "Question or purpose": "Why",
            "Topics": "Mental health",
            "Communities": "Unpaid carers",
            "Method": "Survey",
            "Level of influence": "Consult",
            "Planned start": "2027-01-01",
            "Planned end": "2027-01-31",
            "Status": "Planned",
            "Contact name": "Sam",
            "Contact email": "sam@example.org",
        }
    )
    row.update(changes)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheets.HEADER)
    writer.writerow([row[h] for h in spreadsheets.HEADER])
    writer.writerow([row[h] if h != "Title" else "Second" for h in spreadsheets.HEADER])
    return buffer.getvalue().encode()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"Title": '=HYPERLINK("x")'}, "Title", "Remove the formula"),
        ({"Topics": "Mental health; Knitting"}, "Topics", "“Knitting” is not on the list of topics"),
        (
            {"Planned end": "2026-12-01"},
            "Planned end",
            "The planned end must be on or after the planned start",
        ),
        ({"Planned start": "31/01/2027"}, "Planned start", "Enter a real date"),
        ({"Lead organisation code": "E99900001"}, "Lead organisation code", "in another organisation's name"),
        ({"Places": "Brackenfield County Council"}, "Places", "is not a local authority area of your system"),
        ({"Reference": "999999"}, "Reference", "No activity of yours has this reference"),
        ({"Status": "Finished"}, "Status", "Choose planned, running or closed"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_imported(
    client, cast, changes, column, message
):
    client.force_login(cast.lead_a)
    response = _import(client, cast, "bad.csv", _csv_with(cast, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was imported" in page
    assert f'<td class="govuk-table__cell">2</td><td class="govuk-table__cell">{column}</td>' in page
    assert message in html.unescape(page)
    assert not Activity.objects.exists() and not RegisterImport.objects.exists()


def test_an_xlsx_formula_cell_is_refused(client, cast):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(spreadsheets.HEADER)
    values = list(csv.reader(io.StringIO(_csv_with(cast).decode())))[1]
    sheet.append(values)
    sheet["C2"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(cast.lead_a)
    page = _import(client, cast, "formula.xlsx", buffer.getvalue()).content.decode()
    assert "Remove the formula" in page and not Activity.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("wrong.csv", b"Name,Date\nx,y\n", "The first row must be the columns of an exported register"),
        ("empty.csv", b"", "The file is empty"),
        ("notes.txt", b"hello", "The file must be a CSV or an Excel (XLSX) file"),
        ("fake.xlsx", b"not a zip", "The file must be a CSV saved as UTF-8, or an Excel (XLSX) file"),
        ("latin.csv", "Réf".encode("latin-1"), "The file must be a CSV saved as UTF-8"),
    ],
)
def test_a_wrong_file_is_refused_whole(client, cast, name, content, message):
    client.force_login(cast.lead_a)
    response = _import(client, cast, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists() and not RegisterImport.objects.exists()


def _rows(cast, count: int) -> bytes:
    header = ",".join(spreadsheets.HEADER) + "\n"
    row = (
        f",{cast.org_a.code},T,P,Mental health,Unpaid carers,,,Survey,Consult,"
        "2027-01-01,2027-01-02,,,Planned,,,,,,,,S,s@example.org\n"
    )
    return (header + row * count).encode()


@pytest.mark.parametrize(
    ("count", "message"),
    [(2001, "The file has more than 2,000 activities"), (100_000, "The file must be smaller than 5 MB")],
)
def test_too_many_rows_are_refused(client, cast, count, message):
    client.force_login(cast.lead_a)
    page = _import(client, cast, "huge.csv", _rows(cast, count)).content.decode()
    assert message in page
    assert not Activity.objects.exists() and not RegisterImport.objects.exists()


def test_the_most_rows_are_accepted(cast):
    parsed = spreadsheets.parse("full.csv", _rows(cast, 2000), cast.org_a)
    assert len(parsed.rows) == 2000 and not parsed.problems


def test_a_preview_is_its_importers_only_and_imports_once(client, cast):
    client.force_login(cast.lead_a)
    response = _import(client, cast, "one.csv", _csv_with(cast))
    preview = response["Location"]
    client.force_login(cast.contributor_a)
    assert client.get(preview).status_code == 404
    client.force_login(cast.lead_a)
    assert client.post(preview).status_code == 302
    assert Activity.objects.count() == 2
    assert client.post(preview).status_code == 404
    assert Activity.objects.count() == 2
