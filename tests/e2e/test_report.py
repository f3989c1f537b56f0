"""The PDF report in a browser: downloaded from the overview, from a submission's page and from
CQC's review workspace.

A download does not load a page, so the accessibility checks of the pages around it are
unaffected; the file itself is checked by tests/assessments/test_report.py."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from reviews import services
from tests.assessments.helpers import answer_all, earlier_cycle, start, submitted
from tests.assessments.review_helpers import in_review, score_all

pytestmark = pytest.mark.e2e


def path(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def test_a_lead_downloads_a_draft_report_from_the_overview(portal, cast, tmp_path):
    assessment = start(cast)
    answer_all(assessment, narrative="Named leads in every partner organisation.")
    portal.sign_in("lead_a")
    portal.goto(path("assessment_overview", assessment))

    name, pdf = portal.download("Download a draft report (PDF)", tmp_path)

    assert name.startswith("alderley-integrated-care-system-2026-27-self-assessment-draft-")
    assert name.endswith(".pdf")
    assert pdf.startswith(b"%PDF")
    assert portal.page.url.endswith(path("assessment_overview", assessment))


def test_an_assessor_downloads_a_submission_from_its_page(portal, cast, tmp_path):
    assessment = submitted(cast, earlier_cycle())
    portal.sign_in("assessor")
    portal.goto(path("submission_detail", assessment, number=1))

    name, pdf = portal.download("Download submission 1 as a PDF", tmp_path)

    assert name == "alderley-integrated-care-system-2025-26-self-assessment-submission-1.pdf"
    assert pdf.startswith(b"%PDF")


def test_a_report_being_prepared_has_a_page_that_offers_it_when_ready(portal, cast, settings, tmp_path):
    """As in production, where a worker renders the report: the download leads to a page that
    says it is being prepared, and offers the file once it is ready."""
    from assessments import report
    from assessments.models import RenderedReport

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assessment = submitted(cast, earlier_cycle())
    portal.sign_in("viewer_a")
    portal.goto(path("submission_detail", assessment, number=1))

    portal.follow(portal.page.get_by_role("button", name="Download submission 1 as a PDF"))
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Your report is being prepared")
    report.store_submission_report(RenderedReport.objects.get().pk)  # what the worker does
    portal.follow(portal.page.get_by_role("button", name="Check again"))
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Your report is ready")

    with portal.page.expect_download() as info:
        portal.page.get_by_role("link", name="Download the report of submission 1").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_an_assessor_downloads_the_assessed_report_from_the_review_workspace(portal, cast, tmp_path):
    assessment = in_review(submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 2)
    services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"CQC's summary of principle {n}." for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="No more comments.")
    portal.sign_in("assessor")
    portal.goto(path("review_workspace", assessment))

    name, pdf = portal.download("Download the assessed report (PDF)", tmp_path)

    assert name == "alderley-integrated-care-system-2026-27-self-assessment-submission-1.pdf"
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Assessed by CQC" in text and "CQC's summary of principle 8." in text
    assert portal.page.url.endswith(path("review_workspace", assessment))


def test_too_many_drafts_lead_to_a_page_that_says_when_to_try_again(portal, cast, settings, tmp_path):
    settings.DRAFT_REPORT_LIMIT = 1
    assessment = start(cast)
    portal.sign_in("contributor_a")
    portal.goto(path("assessment_overview", assessment))
    portal.download("Download a draft report (PDF)", tmp_path)

    portal.follow(portal.page.get_by_role("button", name="Download a draft report (PDF)"))

    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Try again in 10 minutes")
    portal.follow(portal.page.get_by_role("link", name="Go back to the overview"))
    assert portal.page.url.endswith(path("assessment_overview", assessment))
