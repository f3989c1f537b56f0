"""A cycle's calibration table and its CSV and XLSX exports (formula injection neutralised)."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from engagement_portal.lib.spreadsheets import neutralise
from organisations.models import Organisation
from reviews import services
from reviews.exports import HEADER
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review, score_all

pytestmark = pytest.mark.django_db

SECRET = "CQC-only note never exported"


def _scored(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 2)
    services.notes_save(assessment=assessment, by=cast.assessor, expected_version=0, notes=SECRET)
    return assessment


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Safe", "Safe"),
        (3, 3),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_export_one_row_per_organisation_and_criterion(client, cast):
    assessment = _scored(cast)
    Organisation.objects.filter(pk=cast.org_a.pk).update(name='=HYPERLINK("http://evil","x")')
    client.force_login(cast.assessor)
    response = client.get(reverse("review_export_csv", kwargs={"cycle": assessment.cycle.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    # UTF-8 with a byte-order mark, so that Excel reads the dash in "3 - Good standard" as written.
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert SECRET not in text
    assert text.split("\r\n")[0].startswith("Organisation code,Organisation,")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    count = assessment.responses.count()
    assert len(rows) == count + 1
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["Organisation"].startswith("'=")
    # Each score in words, and beside it as a number.
    assert (first["Self-assessed score"], first["Self-assessed score (1-4)"]) == ("3 – Good standard", "3")
    assert (first["Assessor's score"], first["Assessor's score (1-4)"]) == ("2 – Some shortfalls", "2")
    assert (first["Assessor's principle score"], first["Assessor's principle score (1-4)"]) == ("2 of 4", "2")
    assert (first["Self-assessed principle score"], first["Self-assessed principle score (1-4)"]) == (
        "3 of 4",
        "3",
    )
    assert (first["Self-assessed rating"], first["Self-assessed rating (%)"]) == ("Good", "75.0")
    assert (first["Assessor's rating"], first["Assessor's rating (%)"]) == ("Requires improvement", "50.0")
    assert (first["Principle"], first["Principle title"], first["Criterion"]) == (
        "1",
        "Strong leadership",
        "1.1",
    )


def test_xlsx_export_reads_back_with_formulas_neutralised(client, cast):
    assessment = _scored(cast)
    Organisation.objects.filter(pk=cast.org_a.pk).update(name="@SUM(1+1)")
    client.force_login(cast.assessor)
    response = client.get(reverse("review_export_xlsx", kwargs={"cycle": assessment.cycle.slug}))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert len(values) == assessment.responses.count() + 1
    assert values[1][1] == "'@SUM(1+1)"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")))
    assert all(SECRET not in str(v) for row in values for v in row)
    # Opens as a spreadsheet should: a frozen, bold header row, a filter on every column,
    # columns as wide as their contents, and numbers stored as numbers.
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{len(values)}"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOPQRSTU"}
    assert all(8 <= width <= 60 for width in widths.values()), widths
    assert widths["B"] >= len("'@SUM(1+1)") and widths["H"] >= len("Strong leadership")
    named = dict(zip(HEADER, values[1], strict=True))
    for column in (
        "Principle",
        "Self-assessed score (1-4)",
        "Assessor's score (1-4)",
        "Self-assessed principle score (1-4)",
        "Assessor's principle score (1-4)",
    ):
        assert isinstance(named[column], int), column
    assert named["Assessor's score (1-4)"] == 2 and named["Self-assessed score"] == "3 – Good standard"
    assert named["Self-assessed rating (%)"] == 75.0 and named["Assessor's rating (%)"] == 50.0
    cells = dict(zip(HEADER, sheet[2], strict=True))
    assert cells["Assessor's score (1-4)"].data_type == "n"
    assert cells["Assessor's rating (%)"].number_format == "0.0"


def test_exports_and_calibration_are_for_assessors_only(client, cast):
    assessment = _scored(cast)
    slug = assessment.cycle.slug
    for person in (cast.lead_a, cast.viewer_a, cast.lead_b):
        client.force_login(person)
        for name in ("review_export_csv", "review_export_xlsx", "review_calibration"):
            assert client.get(reverse(name, kwargs={"cycle": slug})).status_code == 403
    client.force_login(cast.assessor)
    assert client.get(reverse("review_calibration", kwargs={"cycle": "no-such"})).status_code == 404


def test_calibration_table_and_distribution(client, cast):
    assessment = _scored(cast)
    services.override_save(
        assessment=assessment, principle_number=1, calculated=2, by=cast.assessor, override=3, rationale="Why"
    )
    client.force_login(cast.assessor)
    page = client.get(reverse("review_calibration", kwargs={"cycle": assessment.cycle.slug})).content.decode()
    assert cast.org_a.name in page
    assert "Distribution of assessor principle scores" in page
    # Principle 1 overridden to 3; the other seven are 2: counts per score as table cells.
    distribution = page[page.index('id="distribution"') :]
    counts = re.findall(r'data-label="Score (\d)">(\d+)</td>', distribution)
    # Eight principles, four score columns each: one organisation, so one "1" per principle.
    assert len(counts) == 32
    assert ("3", "1") in counts and ("2", "1") in counts
    assert sum(int(n) for _, n in counts) == 8


def test_calibration_table_is_cached_until_what_it_shows_changes(client, cast):
    """The rendered tables are cached under a fingerprint of their figures: the same page again
    is served from the cache, and an override, a moderation or a new score shows at once."""
    assessment = _scored(cast)
    client.force_login(cast.assessor)
    url = reverse("review_calibration", kwargs={"cycle": assessment.cycle.slug})

    def counts() -> list[tuple[str, str]]:
        page = client.get(url).content.decode()
        return re.findall(r'data-label="Score (\d)">(\d+)</td>', page[page.index('id="distribution"') :])

    assert ("2", "1") in counts() and ("3", "1") not in counts()
    services.override_save(
        assessment=assessment, principle_number=1, calculated=2, by=cast.assessor, override=3, rationale="Why"
    )
    assert ("3", "1") in counts()
    services.override_save(
        assessment=assessment, principle_number=1, calculated=2, by=cast.assessor, override=None, rationale=""
    )
    assert ("3", "1") not in counts()
