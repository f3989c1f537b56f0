"""The improvement plan in the self-assessment report (issue 18, part 3): last cycle's actions,
what happened to them and CQC's rating of that cycle, and the new ones, read back from the PDF
with poppler's pdftotext. A change to the plan means a stored report is rendered again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments import report
from improvement import services
from tests.assessments.helpers import answer_all, open_cycle, start, submit
from tests.improvement.helpers import add, assessed_with_areas
from tests.pdf.test_render import poppler_text

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _next_cycle_submitted(cast):
    assessed_with_areas(cast)
    done = add(cast, "Name a board lead for engagement", codes=("1.1",))
    services.progress_add(
        action=done, by=cast.lead_a, body="The chief executive is the board lead", status="done"
    )
    dropped = add(cast, "Run a citizens' panel", codes=("3.1",))
    services.action_status(action=dropped, by=cast.lead_a, status="dropped", reason="The council runs one")
    nxt = start(cast, open_cycle())
    answer_all(nxt)
    submission = submit(nxt, cast.lead_a)
    new = add(cast, "Publish what changed after every engagement", codes=("2.4",))
    return nxt, submission, done, new


def test_the_report_has_the_improvement_plan(cast):
    nxt, submission, _done, new = _next_cycle_submitted(cast)
    assert new.assessment == nxt
    text = _flat(poppler_text(report.render_report(report.report_for_submission(submission)).pdf))
    assert "Improvement plan" in text
    assert "Actions from the 2025/26 self-assessment (CQC's rating: " in text
    assert "Name a board lead for engagement" in text
    assert "Status: Done" in text
    assert "The chief executive is the board lead" in text
    assert "Run a citizens' panel" in text and "Dropped (The council runs one)" in text
    assert "New actions from this 2026/27 self-assessment" in text
    assert "Publish what changed after every engagement" in text
    assert "it is not part of what was submitted" in text


def test_a_stored_report_is_rendered_again_when_the_plan_changes(client, cast):
    nxt, submission, _done, new = _next_cycle_submitted(cast)
    before = report.report_key(submission)["outcome_sha256"]
    services.progress_add(action=new, by=cast.lead_a, body="First page drafted", status="in_progress")
    after = report.report_key(submission)["outcome_sha256"]
    assert before != after
    client.force_login(cast.lead_a)
    url = reverse(
        "submission_report",
        kwargs={"code": cast.org_a.code, "cycle": nxt.cycle.slug, "number": submission.number},
    )
    response = client.get(url)
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert "First page drafted" in _flat(poppler_text(pdf))


def test_no_actions_no_section(cast):
    assessment = start(cast, open_cycle())
    answer_all(assessment)
    submission = submit(assessment, cast.lead_a)
    assert report.report_for_submission(submission).sections == []
    assert report.report_key(submission)["outcome_sha256"] == ""
