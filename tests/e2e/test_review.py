"""CQC's review in a browser: one assessment from submitted, through a question, a
resubmission, a draft outcome, a factual-accuracy comment and moderation, to finalised,
switching between the organisation's people and CQC's. axe runs on every page (portal)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.forms import DECLARATION
from assessments.models import Assessment
from engagement_portal.dates import govuk_date
from reviews import services
from tests.assessments.helpers import submitted
from tests.assessments.review_helpers import codes, second_assessor
from tests.e2e.portal import NARROW

pytestmark = pytest.mark.e2e

SECRET = "CQC-only: compare with last year's panel"


def path(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def switch(portal, username: str) -> None:
    portal.submit("Sign out")
    portal.sign_in(username)


def test_an_assessment_from_submitted_to_assessed(portal, cast):
    assessment = submitted(cast)
    second_assessor()
    page = portal.page

    # CQC: the queue, start the review, ask a question, return.
    portal.sign_in("assessor")
    portal.goto(reverse("review_queue"))
    portal.follow(page.get_by_role("link", name=cast.org_a.name))
    portal.submit("Start review")
    expect(page.locator("#review-status")).to_have_text("In review")
    portal.follow(page.get_by_role("link", name=re.compile(r"^1\.1 ")))
    page.get_by_label("Ask the organisation a question about 1.1").fill("Which board minutes show this?")
    portal.submit("Save question")
    portal.goto(path("review_return", assessment))
    # The reply-by date is suggested (10 working days); the assessor may change it.
    reply_by = services.add_working_days(timezone.localdate(), 10)
    expect(page.get_by_label("Day")).to_have_value(str(reply_by.day))
    portal.submit("Return to the organisation")
    expect(page.locator("#review-status")).to_have_text("Returned with questions")
    expect(page.locator("#review-history")).to_contain_text("Question asked: Criterion 1.1")

    # The organisation answers beside the criteria and resubmits.
    switch(portal, "lead_a")
    portal.goto(path("assessment_overview", assessment))
    expect(page.get_by_text("Which board minutes show this?")).to_be_visible()
    expect(page.locator("#reply-by")).to_have_text(f"Please reply by {govuk_date(reply_by)}.")
    portal.follow(page.get_by_role("link", name="Answer CQC's questions", exact=True))
    page.get_by_label("Your answer to the question on criterion 1.1").fill("The minutes of 12 March, item 4.")
    portal.submit("Save answer to the question on criterion 1.1")
    portal.goto(path("assessment_check", assessment))
    # Check your answers lists the question with its answer; a note with it is optional.
    expect(page.locator("#cqc-questions")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("The minutes of 12 March, item 4.")
    page.get_by_label("Anything else to tell CQC about this resubmission (optional)").fill(
        "We answered in the thread on 1.1."
    )
    page.get_by_label(DECLARATION).check()
    portal.submit("Resubmit to CQC")

    # CQC sees what changed, scores (most through the service, one through the page), shares.
    switch(portal, "assessor")
    portal.goto(reverse("review_queue"))
    expect(page.locator("#review-queue")).to_contain_text("Resubmission 2")
    portal.goto(path("review_workspace", assessment))
    portal.follow(page.get_by_role("link", name="See what changed since submission 1"))
    expect(page.get_by_text("We answered in the thread on 1.1.")).to_be_visible()
    portal.goto(path("review_workspace", assessment))
    portal.submit("Start review")
    assessment.refresh_from_db()
    for code in codes(assessment):
        if code not in {"1.1", "1.2"}:
            services.score_save(
                assessment=assessment, criterion_code=code, by=cast.assessor, expected_version=0,
                score=3, not_evidenced=False, rationale="Supported by the minutes.",
            )  # fmt: skip
    services.notes_save(assessment=assessment, by=cast.assessor, expected_version=0, notes=SECRET)
    # Save and go to the next criterion: 1.1, then 1.2, without going back to the workspace.
    portal.goto(path("review_criterion", assessment, criterion="1.1"))
    page.get_by_label("2 – Some shortfalls").check()
    page.get_by_label("Rationale").fill("The minutes show a plan, not yet the practice.")
    portal.submit("Save and go to the next criterion")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.2")
    expect(page.get_by_text("Score for 1.1 saved.")).to_be_visible()
    page.get_by_label("3 – Good standard").check()
    page.get_by_label("Rationale").fill("Named leads in the minutes.")
    portal.submit("Save score")
    expect(page.get_by_text("Differs by 1 level").first).to_be_visible()
    portal.follow(page.get_by_role("link", name="Write, share and finalise the outcome"))
    for n in range(1, 9):
        page.locator(f"#summary-{n}").fill(f"Principle {n}: engagement is well led.")
    deadline = timezone.localdate()
    page.get_by_label("Day").fill(str(deadline.day))
    page.get_by_label("Month").fill(str(deadline.month))
    page.get_by_label("Year").fill(str(deadline.year))
    portal.submit("Share the draft outcome")

    # The organisation comments on the draft.
    switch(portal, "lead_a")
    portal.goto(path("assessment_overview", assessment))
    portal.follow(page.get_by_role("link", name="See the draft outcome"))
    expect(page.get_by_text(SECRET)).to_have_count(0)
    page.get_by_label("Your factual-accuracy comment").fill("The panel met three times, not twice.")
    portal.submit("Send comment to CQC")

    # A second assessor moderates principle 1.
    switch(portal, "assessor_two")
    portal.goto(path("review_workspace", assessment))
    portal.follow(page.get_by_role("link", name="Moderate principle 1"))
    expect(page.locator("#moderated-scores caption")).to_contain_text("'s scores")
    page.get_by_label(re.compile(r"^Yes, I agree with")).check()
    portal.submit("Save moderation")
    expect(page.locator("#moderation-1")).to_contain_text("Agreed by Sam Second")

    # The assessor responds and finalises.
    switch(portal, "assessor")
    portal.goto(path("review_outcome", assessment))
    page.get_by_label(re.compile(r"^Response")).fill("Corrected: three meetings.")
    portal.submit("Save response")
    # Finalising is confirmed on a page of its own, which says it cannot be undone; comments
    # are due today, so finalising now needs a reason.
    portal.follow(page.get_by_role("button", name="Finalise the outcome"))
    expect(page.get_by_text("You cannot undo this.")).to_be_visible()
    portal.submit("Yes, finalise the outcome")
    expect(page.locator("#reason-error")).to_contain_text("give your reason")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW
    page.get_by_label("Why are you finalising before the factual-accuracy deadline?").fill(
        "The lead confirmed they have no more comments."
    )
    portal.submit("Yes, finalise the outcome")
    expect(page.locator("#outcome-state")).to_contain_text("Finalised")
    portal.goto(path("review_workspace", assessment))
    expect(page.locator("#outcome-status")).to_contain_text("Final")
    expect(page.locator("#review-history")).to_contain_text(
        "because: The lead confirmed they have no more comments, by "
    )

    # The organisation's viewer sees the final outcome, never CQC's notes.
    switch(portal, "viewer_a")
    portal.goto(path("assessment_outcome", assessment))
    expect(page.get_by_role("heading", name="CQC's outcome", exact=True)).to_be_visible()
    expect(page.get_by_text("Corrected: three meetings.")).to_be_visible()
    expect(page.get_by_text(SECRET)).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSESSED

    # Calibration for the cycle.
    switch(portal, "assessor")
    portal.goto(path("review_assign", assessment))
    expect(page.locator("#current-assessor")).to_contain_text("assigned to")
    portal.goto(reverse("review_calibration", kwargs={"cycle": assessment.cycle.slug}))
    expect(page.locator("#distribution")).to_be_visible()
    # At 320px the tables' captions read as lines, not one word per line.
    portal.use_width(NARROW)
    for caption in (page.locator("#calibration caption"), page.locator("#distribution caption")):
        box = caption.bounding_box()
        assert box["width"] > 250 and box["height"] < 100, box
