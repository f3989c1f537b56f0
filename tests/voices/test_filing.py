"""A closed, reviewed survey's results filed as evidence; exports with suppression applied."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from engagement_portal.lib.hashing import json_sha256
from evidence.models import EvidenceFile, EvidenceItem
from voices import answering, filing, services
from voices.models import FreeTextAnswer, SurveyFiling

from .helpers import add_responses, open_survey

pytestmark = pytest.mark.django_db


def url(name, survey, **extra):
    return reverse(name, kwargs={"code": survey.organisation.code, "survey_id": survey.pk, **extra})


def closed_survey(cast, *, free_text="It was fine.", review=True):
    survey = open_survey(cast)
    q = next(s.key for s in answering.steps_for(survey) if s.kind == "single")
    rows = (
        [{q: "agree"}] * 30
        + [{q: '=HYPERLINK("x")' if False else "disagree"}] * 3
        + [{q: "strongly_agree"}] * 12
    )
    add_responses(survey, rows, free_text=free_text)
    survey = services.survey_close(survey=survey, by=cast.lead_a)
    if review:
        for answer in FreeTextAnswer.objects.filter(survey=survey):
            services.free_text_review(answer=answer, review="include", redacted_text="", by=cast.lead_a)
    return survey, q


def test_filing_needs_the_survey_closed_and_its_free_text_reviewed(cast):
    survey = open_survey(cast)
    with pytest.raises(services.SurveyRefused, match="Close the survey"):
        filing.file_results(survey=survey, by=cast.lead_a)
    survey, _ = closed_survey(cast, review=False)
    with pytest.raises(services.SurveyRefused, match="Review every free-text answer"):
        filing.file_results(survey=survey, by=cast.lead_a)


def test_a_lead_files_the_results_as_evidence_with_a_frozen_snapshot(cast, client):
    survey, q = closed_survey(cast)
    client.force_login(cast.lead_a)
    response = client.post(url("survey_file", survey))
    record = SurveyFiling.objects.get(survey=survey)
    item = record.evidence_file.item
    assert response["Location"] == reverse(
        "evidence_item", kwargs={"code": cast.org_a.code, "item_id": item.pk}
    )
    assert (item.category, item.kind) == ("PE", EvidenceItem.Kind.SURVEY_RESULTS)
    assert record.sha256 == json_sha256(record.snapshot) and record.sha256 in item.description
    table = next(t for t in record.snapshot["questions"] if t["key"] == q)
    people = {c["answer"]: c["people"] for c in table["cells"]}
    assert people["Agree"] == 30 and people["Disagree"] is None and people["Strongly agree"] is None
    assert record.snapshot["free_text"][0]["answers"][0] == "It was fine."
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(services.SurveyRefused, match="already been filed"):
        filing.file_results(survey=survey, by=cast.lead_a)
    # The PDF is tagged and says what the snapshot says.
    stored = record.evidence_file
    from django.core.files.storage import storages

    with (
        storages["evidence"].open(stored.storage_key) as handle,
        tempfile.NamedTemporaryFile(suffix=".pdf") as pdf,
    ):
        pdf.write(handle.read())
        pdf.flush()
        text = subprocess.run(  # noqa: S603 - a fixed program on a file the test wrote
            ["/usr/bin/pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "Survey results filed as evidence" in text and record.sha256[:20] in text.replace("\n", "")


def test_exports_hide_what_the_page_hides(cast, client):
    survey, q = closed_survey(cast)
    text = next(s.text for s in answering.steps_for(survey) if s.key == q)
    client.force_login(cast.viewer_a)
    content = client.get(url("survey_export", survey, fmt="csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    first = next(row for row in rows[1:] if row[1] == text and row[3] == "Disagree")
    assert first[4] == "" and first[7].startswith("not shown")
    agree = next(row for row in rows[1:] if row[1] == text and row[3] == "Agree")
    assert agree[4] == "30"
    workbook = load_workbook(io.BytesIO(client.get(url("survey_export", survey, fmt="xlsx")).content))
    values = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert any(row[1] == text and row[3] == "Agree" and row[4] == 30 for row in values)
    assert any(row[1] == text and row[3] == "Disagree" and row[4] is None for row in values)
    assert client.get(url("survey_export", survey, fmt="pdf")).status_code == 404


def test_raw_free_text_is_for_leads_and_only_after_review(cast, client):
    survey, _ = closed_survey(cast, free_text="=1+1 said Jane", review=False)
    client.force_login(cast.lead_a)
    assert client.get(url("survey_free_text_export", survey)).status_code == 409
    for answer in FreeTextAnswer.objects.filter(survey=survey):
        services.free_text_review(answer=answer, review="exclude", redacted_text="", by=cast.lead_a)
    content = client.get(url("survey_free_text_export", survey)).content.decode("utf-8-sig")
    assert "'=1+1 said Jane" in content
    client.force_login(cast.viewer_a)
    assert client.get(url("survey_free_text_export", survey)).status_code == 403


def test_filed_results_cited_on_a_criterion_are_in_the_reports_evidence_index(cast):
    """Filed results are evidence like any other: cited on 2.4, the self-assessment report
    lists them in its evidence index under the survey's title."""
    from assessments import report
    from tests.assessments.helpers import cite, start

    survey, _ = closed_survey(cast)
    record = filing.file_results(survey=survey, by=cast.lead_a)
    # As the virus scan marks it (its task does not run in these tests).
    EvidenceFile.objects.filter(pk=record.evidence_file_id).update(scan_status=EvidenceFile.ScanStatus.CLEAN)
    record.evidence_file.refresh_from_db()
    assessment = start(cast)
    cite(assessment, "2.4", record.evidence_file, cast.lead_a, location="Question 1")
    html = report.report_html(report.report_for_draft(assessment, by=cast.lead_a))
    assert html.count(f"Survey results: {survey.title}") >= 2  # cited on 2.4, and in the index
