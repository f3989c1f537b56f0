"""Self-assessment in a browser: a lead starts the assessment, answers every criterion, cites
evidence, checks the answers and submits; a contributor cannot submit and meets a conflict; other
organisations' people get 404 everywhere; a new rubric version changes nothing submitted."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import services
from assessments.models import Assessment, Submission
from evidence.models import Citation
from principles import services as rubric_services
from principles.models import Criterion
from tests.assessments.helpers import (
    answer_all,
    cite,
    cite_everywhere,
    evidence_file,
    open_cycle,
    response,
    start,
    submitted,
)

pytestmark = pytest.mark.e2e


def nav(portal):
    return portal.page.get_by_role("navigation", name="Menu")


def heading(portal):
    return portal.page.get_by_role("heading", level=1)


def path(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def test_a_lead_answers_every_criterion_cites_evidence_checks_and_submits(portal, cast):
    open_cycle()
    evidence_file(cast.org_a, cast.lead_a, title="Partnership board minutes, March 2026", category="PR")
    evidence_file(
        cast.org_a, cast.lead_a, title="Residents' panel survey 2025", category="PE", name="survey.csv"
    )
    page = portal.page

    portal.sign_in("lead_a")
    portal.follow(nav(portal).get_by_role("link", name="Assessments"))
    expect(heading(portal)).to_have_text("Self-assessments")
    portal.follow(page.get_by_role("button", name="Start the 2026/27 self-assessment"))
    expect(heading(portal)).to_have_text("Start the 2026/27 self-assessment")
    portal.submit("Start the self-assessment")
    expect(heading(portal)).to_have_text("2026/27 self-assessment")
    tasks = page.locator(".govuk-task-list")
    expect(tasks.locator(".govuk-task-list__item")).to_have_count(8)
    expect(tasks.locator(".govuk-task-list__item").first).to_contain_text("Not started")

    # Criterion 1.1 in full: a level, a narrative, and two citations from different categories.
    portal.follow(page.get_by_role("link", name="1. Strong leadership"))
    expect(heading(portal)).to_contain_text("1.1 Named senior ownership")
    page.get_by_role("radio", name="3 – Good standard").check()
    page.get_by_label("Your evidence and reasoning").fill(
        "The ICB's chief executive and each council's director of public health are named leads; "
        "the partnership board receives an engagement report every quarter."
    )
    portal.submit("Save and cite evidence")
    expect(heading(portal)).to_have_text("Cite evidence from your library")
    # A mistake first, so the page's error state is checked too: nothing chosen.
    portal.submit("Cite this evidence")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose evidence from your organisation's library"
    )
    page.get_by_role("radio", name="Partnership board minutes, March 2026").check()
    page.get_by_label("Where in the document").fill("Item 6, pages 4 to 5")
    page.get_by_label("What it shows").fill("The board's quarterly engagement report and the named leads.")
    portal.submit("Cite this evidence")
    expect(heading(portal)).to_contain_text("1.1 Named senior ownership")
    expect(page.get_by_label("Your evidence and reasoning")).to_have_value(
        re.compile("^The ICB's chief executive")
    )
    portal.submit("Save and cite evidence")
    page.get_by_label("Search your library by title").fill("survey")
    portal.submit("Search")
    expect(page.get_by_role("radio")).to_have_count(1)
    page.get_by_role("radio", name="Residents' panel survey 2025").check()
    page.get_by_label("Where in the document").fill("Question 12")
    page.get_by_label("What it shows").fill("Residents on the panel say leaders answer their challenge.")
    portal.submit("Cite this evidence")
    expect(page.locator(".govuk-summary-card")).to_have_count(2)
    expect(page.get_by_role("main")).to_contain_text("revision 1, uploaded")

    # Every other criterion, one page each: "Save and continue" walks through all 33.
    portal.submit("Save and continue")
    answered = 1
    while "/criteria/" in page.url:
        level = (
            "Not evidenced"
            if answered % 11 == 0
            else ("3 – Good standard" if answered % 2 else "2 – Some shortfalls")
        )
        page.get_by_role("radio", name=level).check()
        page.get_by_label("Your evidence and reasoning").fill(
            f"What our system does, criterion {answered + 1}."
        )
        portal.submit("Save and continue")
        answered += 1
    assert answered == 33

    # Check your answers: nothing unanswered, but warnings to acknowledge.
    expect(heading(portal)).to_have_text("Check your answers before submitting")
    expect(page.get_by_role("main")).not_to_contain_text("not answered yet")
    expect(page.get_by_role("heading", name="Warnings")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Principle 2 cites no evidence.")
    # Principle 2 cites no evidence, so the scoring rule leaves it without a score.
    expect(page.locator("#principle-2-score")).to_contain_text("Not enough evidence to score")
    expect(page.locator("#overall-note")).to_contain_text("principles 2, 3")
    portal.submit("Submit to CQC")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have read the warnings")
    page.get_by_label("I have read the warnings and want to submit anyway").check()
    page.get_by_label(re.compile("I confirm this self-assessment is accurate")).check()
    portal.submit("Submit to CQC")

    submission = Submission.objects.get()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Self-assessment submitted")
    expect(page.locator("#submission-hash")).to_have_text(submission.sha256)
    assert Assessment.objects.get().status == "submitted"
    assert Citation.objects.count() == 2
    assert submission.snapshot["principles"][0]["criteria"][0]["citations"][1]["location"] == "Question 12"

    expect(page.locator("#what-happens-next")).to_contain_text("A CQC assessor reviews it")
    portal.follow(page.get_by_role("link", name=re.compile("^View submission 1")))
    expect(heading(portal)).to_have_text("Submission 1")

    # The answers are read-only now.
    portal.follow(page.get_by_role("link", name="Back to submissions"))
    portal.follow(page.get_by_role("link", name="Overview", exact=True))
    expect(page.get_by_role("main")).to_contain_text(
        "submitted to CQC, so its answers and evidence can no longer change"
    )
    portal.follow(page.get_by_role("link", name="1. Strong leadership"))
    expect(page.get_by_label("Your evidence and reasoning")).to_have_count(0)
    portal.follow(page.get_by_role("link", name="Back to the overview"))
    portal.follow(page.get_by_role("link", name="History"))
    expect(page.get_by_role("main")).to_contain_text("Submitted to CQC")


def test_a_contributor_answers_meets_a_conflict_without_losing_words_and_cannot_submit(portal, cast):
    assessment = start(cast)
    answer_all(assessment)
    page = portal.page
    portal.sign_in("contributor_a")
    portal.goto(path("assessment_criterion", assessment, criterion="2.1"))
    # While the contributor is typing, the lead saves the same answer.
    current = response(assessment, "2.1")
    services.response_save(
        response=current,
        by=cast.lead_a,
        expected_version=current.version,
        score=2,
        not_evidenced=False,
        narrative="The lead's words.",
    )
    page.get_by_role("radio", name="4 – Exceptional standard").check()
    page.get_by_label("Your evidence and reasoning").fill("The contributor's words.")
    portal.submit("Save and return to overview")
    expect(page.get_by_role("main")).to_contain_text("Your answer was not saved")
    expect(page.locator("#their-narrative")).to_have_text("The lead's words.")
    expect(page.locator("#your-narrative")).to_have_text("The contributor's words.")
    expect(page.get_by_label("Your evidence and reasoning")).to_have_value("The contributor's words.")
    page.get_by_label("Your evidence and reasoning").fill("The lead's words. The contributor's words.")
    portal.submit("Save and return to overview")
    expect(heading(portal)).to_have_text("2026/27 self-assessment")
    assert response(assessment, "2.1").narrative == "The lead's words. The contributor's words."

    portal.follow(page.get_by_role("button", name="Check your answers"))
    expect(page.get_by_role("main")).to_contain_text("Only your organisation's leads can submit")
    expect(page.get_by_role("button", name="Submit to CQC")).to_have_count(0)
    assert not Submission.objects.exists()


def test_people_of_other_organisations_get_404_on_every_page(portal, cast):
    assessment = start(cast)
    citation = cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a), cast.lead_a)
    done = submitted(cast, open_cycle("2027/28", "2027-28"))
    pages = [
        reverse("assessment_list", kwargs={"code": cast.org_a.code}),
        reverse("assessment_start", kwargs={"code": cast.org_a.code, "cycle": "2026-27"}),
        path("assessment_overview", assessment),
        path("assessment_criterion", assessment, criterion="1.1"),
        path("citation_add", assessment, criterion="1.1"),
        path("citation_remove", assessment, criterion="1.1", citation_id=citation.pk),
        path("assessment_check", assessment),
        path("assessment_history", assessment),
        path("submission_list", done),
        path("submission_detail", done, number=1),
    ]
    for person in ("lead_b", "outsider"):
        portal.sign_in(person)
        for target in pages:
            assert portal.goto(target).status == 404, (person, target)
            expect(heading(portal)).to_have_text("Page not found")
        portal.page.context.clear_cookies()


def test_a_new_rubric_version_leaves_the_submitted_assessment_unchanged(portal, cast):
    assessment = start(cast)
    answer_all(assessment, 3, narrative="Named leads in every partner organisation.")
    cite_everywhere(assessment, cast.lead_a)
    services.assessment_submit(
        assessment=assessment, by=cast.lead_a, declaration=True, acknowledged_warnings=True
    )
    submission = Submission.objects.get()
    page = portal.page
    portal.sign_in("lead_a")
    portal.goto(path("submission_detail", assessment, number=1))
    before = page.get_by_role("main").inner_text()
    assert submission.sha256 in before and "Named leads in every partner organisation." in before
    portal.goto(path("assessment_criterion", assessment, criterion="1.1"))
    criterion_before = page.get_by_role("main").inner_text()

    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    rubric_services.rubric_update_criterion(
        criterion=Criterion.objects.get(principle__version=draft, code="1.1"),
        by=cast.rubric_admin,
        levels={3: "Reworded level 3."},
        text="Reworded criterion 1.1",
    )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []

    portal.goto(path("submission_detail", assessment, number=1))
    assert page.get_by_role("main").inner_text() == before
    expect(page.locator("#snapshot-sha256")).to_have_text(submission.sha256)
    expect(page.get_by_role("main")).to_contain_text("Good (75.0%)")
    portal.goto(path("assessment_criterion", assessment, criterion="1.1"))
    assert page.get_by_role("main").inner_text() == criterion_before
    expect(heading(portal)).to_contain_text("Named senior ownership and accountability")
    submission.refresh_from_db()
    assert services.submission_check(submission).matches
