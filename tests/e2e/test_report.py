"""The PDF report in a browser: downloaded from the overview and from a submission's page.

A download does not load a page, so the accessibility checks of the pages around it are
unaffected; the file itself is checked by tests/assessments/test_report.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.assessments.helpers import answer_all, earlier_cycle, start, submitted

pytestmark = pytest.mark.e2e


def path(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def download(portal, button: str, tmp_path):
    with portal.page.expect_download() as info:
        portal.page.get_by_role("button", name=button).click()
    file = info.value
    target = tmp_path / file.suggested_filename
    file.save_as(target)
    return file.suggested_filename, target.read_bytes()


def test_a_lead_downloads_a_draft_report_from_the_overview(portal, cast, tmp_path):
    assessment = start(cast)
    answer_all(assessment, narrative="Named leads in every partner organisation.")
    portal.sign_in("lead_a")
    portal.goto(path("assessment_overview", assessment))

    name, pdf = download(portal, "Download a draft report (PDF)", tmp_path)

    assert name.startswith("alderley-integrated-care-system-2026-27-self-assessment-draft-")
    assert name.endswith(".pdf")
    assert pdf.startswith(b"%PDF")
    assert portal.page.url.endswith(path("assessment_overview", assessment))


def test_an_assessor_downloads_a_submission_from_its_page(portal, cast, tmp_path):
    assessment = submitted(cast, earlier_cycle())
    portal.sign_in("assessor")
    portal.goto(path("submission_detail", assessment, number=1))

    name, pdf = download(portal, "Download submission 1 as a PDF", tmp_path)

    assert name == "alderley-integrated-care-system-2025-26-self-assessment-submission-1.pdf"
    assert pdf.startswith(b"%PDF")
