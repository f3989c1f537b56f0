"""The sufficiency rule (rubric draft section 6.4) on every page that shows a score.

A principle needs at least 75% of its criteria scored and evidence from at least 2 categories.
One that falls short has no score ("Not enough evidence to score", with the reasons), does not
count towards the overall rating, and the overall rating is indicative while any principle lacks
a score: on the overview, check your answers, the submission, the PDF report, the review
workspace, calibration, the exports and the outcome. A submission's scores are worked out again
from its frozen snapshot by the same rule, never read from what the snapshot stored.

The assessment used throughout: every criterion scored 3 and cited from two categories, except
that criteria 2.1 and 2.2 are scored 1 and 2.3 and 2.4 are "not evidenced". Principle 2 has 2 of
its 4 criteria scored, so no score; the rating is the other seven principles' 21 of 28 = 75.0%,
Good, indicative. Counting principle 2's 2 of 8 (a 1) as the old pages did gave 22 of 32 = 68.8%.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import report, services
from assessments.models import Assessment, CriterionResponse, Submission
from engagement_portal.lib.hashing import json_sha256
from principles.scoring import NOT_ENOUGH_EVIDENCE
from reviews import services as review_services
from reviews.exports import HEADER
from tests.assessments import helpers
from tests.assessments.review_helpers import codes, in_review, workspace
from tests.assessments.test_report import pdf_of
from tests.assessments.test_report import text_of as pdf_text

pytestmark = pytest.mark.django_db

REASON = "Only 2 of 4 criteria are scored; at least 3 are needed."
NOTE = (
    "Indicative: principle 2 has no score (not enough evidence), so the rating is worked out from the other 7"
)


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([.,;:])", r"\1", text)


def flat(text: str) -> str:
    return " ".join(text.split())


def url(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def short_of_evidence(cast) -> Assessment:
    assessment = helpers.start(cast)
    helpers.answer_all(assessment, 3)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code__in=["2.1", "2.2"]).update(
        score=1
    )
    CriterionResponse.objects.filter(assessment=assessment, criterion__code__in=["2.3", "2.4"]).update(
        score=None, not_evidenced=True
    )
    helpers.cite_everywhere(assessment, cast.lead_a)
    return assessment


def submitted_short(cast) -> Assessment:
    assessment = short_of_evidence(cast)
    helpers.submit(assessment, cast.lead_a)
    assessment.refresh_from_db()
    return assessment


def scored_by_assessor(assessment, assessor) -> None:
    """The assessor agrees: 3 everywhere, principle 2 as the organisation answered it."""
    answers = {"2.1": 1, "2.2": 1, "2.3": None, "2.4": None}
    for code in codes(assessment):
        score = answers.get(code, 3)
        review_services.score_save(
            assessment=assessment,
            criterion_code=code,
            by=assessor,
            expected_version=0,
            score=score,
            not_evidenced=score is None,
            rationale=f"Assessor's view of {code}.",
        )


def test_the_overview_gives_principle_2_no_score_and_leaves_it_out_of_the_rating(client, cast):
    assessment = short_of_evidence(cast)
    client.force_login(cast.viewer_a)
    page = text_of(client.get(url("assessment_overview", assessment)))
    assert f"2. Clear purpose {REASON} {NOT_ENOUGH_EVIDENCE}" in page
    assert "1. Strong leadership 3 of 4" in page
    assert "Overall rating Good (75.0%), indicative" in page
    assert NOTE in page
    assert "68.8%" not in page


def test_check_your_answers_gives_principle_2_no_score(client, cast):
    assessment = short_of_evidence(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(url("assessment_check", assessment)))
    assert f"Self-assessed score: {NOT_ENOUGH_EVIDENCE}. {REASON}" in page
    assert "Self-assessed rating Good (75.0%), indicative." in page
    assert NOTE in page


def test_the_submission_and_its_snapshot_give_principle_2_no_score(client, cast):
    assessment = submitted_short(cast)
    snapshot = assessment.submissions.get().snapshot
    stored = {p["number"]: p["self_assessed"] for p in snapshot["principles"]}
    assert stored[2]["score"] is None and stored[2]["percentage"] is None
    assert snapshot["self_assessed"]["indicative"] and snapshot["self_assessed"]["percentage"] == "75.0%"

    client.force_login(cast.lead_a)
    page = text_of(client.get(url("submission_detail", assessment, number=1)))
    assert "Self-assessed rating Good (75.0%), indicative" in page
    assert f"Self-assessed score: {NOT_ENOUGH_EVIDENCE}. {REASON}" in page
    assert NOTE in page


def test_the_pdf_report_gives_principle_2_no_score(client, cast):
    assessment = submitted_short(cast)
    client.force_login(cast.lead_a)
    text = flat(pdf_text(pdf_of(client.get(url("submission_report", assessment, number=1)))))
    assert "Self-assessed overall rating: Good (75.0%), indicative" in text
    assert NOTE in text
    assert f"Self-assessed score: {NOT_ENOUGH_EVIDENCE.lower()}" in text
    assert REASON in text
    assert "68.8%" not in text


def test_the_review_workspace_gives_principle_2_no_score_on_both_sides(client, cast):
    assessment = in_review(submitted_short(cast), cast.assessor)
    scored_by_assessor(assessment, cast.assessor)
    ws = workspace(assessment)
    p2 = ws.principle(2)
    assert p2.self_score is None and p2.not_enough_evidence and p2.final is None
    assert ws.overall.rating == "Good" and ws.overall.indicative and ws.overall_percentage == "75.0%"

    client.force_login(cast.assessor)
    page = text_of(client.get(url("review_workspace", assessment)))
    assert "Self-assessed rating Good (75.0%), indicative" in page
    assert "Assessor's rating Good (75.0%), indicative" in page
    assert f"Self-assessed score {NOT_ENOUGH_EVIDENCE} Calculated score {NOT_ENOUGH_EVIDENCE}" in page
    assert f"Principle score {NOT_ENOUGH_EVIDENCE}" in page

    principle = text_of(client.get(url("review_principle", assessment, number=2)))
    assert f"Calculated from your scores {NOT_ENOUGH_EVIDENCE} {REASON}" in principle
    assert "no score to override" in principle
    refused = client.post(
        url("review_principle", assessment, number=2), {"override": "2", "rationale": "Why"}
    )
    assert refused.status_code == 400


def test_calibration_and_the_exports_give_principle_2_no_score(client, cast):
    assessment = in_review(submitted_short(cast), cast.assessor)
    scored_by_assessor(assessment, cast.assessor)
    client.force_login(cast.assessor)
    slug = assessment.cycle.slug

    page = client.get(reverse("review_calibration", kwargs={"cycle": slug})).content.decode()
    cells = re.findall(r'data-label="Principle (\d), self / assessor">([^<]*)</td>', page)
    assert ("2", "no score / no score") in cells and ("1", "3 / 3") in cells
    distribution = page[page.index('id="distribution"') :]
    assert re.search(r'data-label="Not enough evidence to score">1</td>', distribution)

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("review_export_csv", kwargs={"cycle": slug})).content.decode("utf-8-sig")
            )
        )
    )
    header = rows[0]
    by_code = {row[header.index("Criterion")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_code["2.1"]["Self-assessed principle score"] == NOT_ENOUGH_EVIDENCE
    assert by_code["2.1"]["Assessor's principle score"] == NOT_ENOUGH_EVIDENCE
    assert by_code["2.1"]["Self-assessed principle score (1-4)"] == ""
    assert by_code["1.1"]["Self-assessed principle score"] == "3 of 4"
    assert by_code["1.1"]["Self-assessed principle score (1-4)"] == "3"
    assert by_code["1.1"]["Self-assessed rating (%)"] == "75.0"
    assert by_code["1.1"]["Self-assessed rating"] == "Good (indicative)"
    assert by_code["1.1"]["Assessor's rating"] == "Good (indicative)"
    assert set(HEADER) <= set(header)

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("review_export_xlsx", kwargs={"cycle": slug})).content)
    ).active
    values = list(sheet.iter_rows(values_only=True))
    named = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    p2 = next(row for row in named if row["Criterion"] == "2.1")
    assert p2["Self-assessed principle score"] == NOT_ENOUGH_EVIDENCE


def test_the_outcome_marks_the_rating_indicative(client, cast):
    assessment = in_review(submitted_short(cast), cast.assessor)
    scored_by_assessor(assessment, cast.assessor)
    summaries = {str(n): f"Summary {n}" for n in range(1, 9)}
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries=summaries,
        fa_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(cast.lead_a)
    page = text_of(client.get(url("assessment_outcome", assessment)))
    assert "Rating Good (75.0%), indicative" in page
    assert f"CQC's score: {NOT_ENOUGH_EVIDENCE}. Your self-assessed score: {NOT_ENOUGH_EVIDENCE}." in page
    assert "CQC's score: 3 of 4. Your self-assessed score: 3 of 4." in page


def test_scores_of_a_submission_made_before_the_rule_are_worked_out_again_from_its_snapshot(client, cast):
    """A snapshot frozen by the old code stored principle 2's score (1) and a full rating of
    68.8%; every page works the scores out again from its criteria instead."""
    assessment = short_of_evidence(cast)
    assessment = Assessment.objects.select_related("organisation", "cycle", "rubric_version").get(
        pk=assessment.pk
    )
    now = timezone.now().replace(microsecond=0)
    snapshot = services.build_snapshot(assessment=assessment, number=1, by=cast.lead_a, at=now)
    snapshot["self_assessed"].update(
        rating="Good", percentage="68.8%", points=22, max_points=32, indicative=False
    )
    snapshot["principles"][1]["self_assessed"].update(score=1, percentage="25.0%", points=2, max_points=8)
    Submission.objects.create(
        assessment=assessment, number=1, snapshot=snapshot, sha256=json_sha256(snapshot),
        submitted_by=cast.lead_a, submitted_at=now,
    )  # fmt: skip
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    submission = assessment.submissions.get()

    client.force_login(cast.lead_a)
    page = text_of(client.get(url("submission_detail", assessment, number=1)))
    assert "Self-assessed rating Good (75.0%), indicative" in page
    assert f"Self-assessed score: {NOT_ENOUGH_EVIDENCE}." in page

    data = report.report_for_submission(submission)
    assert (data.rating, data.percentage, data.indicative) == ("Good", "75.0%", True)
    assert data.principles[1].score is None and data.principles[1].shortfalls == [REASON]

    assessment.refresh_from_db()
    assessment = in_review(assessment, cast.assessor)
    ws = workspace(assessment)
    assert ws.principle(2).self_score is None
    assert ws.self_scores.overall.indicative and ws.self_scores.percentage == "75.0%"
