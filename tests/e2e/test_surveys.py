"""Surveys in a browser: a lead creates and opens a survey; a respondent answers it on a 320-pixel
phone with the keyboard alone; the lead reviews the free text, closes the survey, files the
results as evidence and cites them, and the self-assessment report (downloaded, its text read
back) shows them. axe-core checks every page at 1280 and 320 pixels."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from tests.assessments.helpers import open_cycle, start
from voices.models import Response, Survey, SurveyFiling

from .portal import NARROW, WIDE

pytestmark = pytest.mark.e2e

ACTIVE = """() => {
  const el = document.activeElement
  const text = (el.innerText || "").toLowerCase()
  return {name: el.name || "", value: el.value || "", tag: el.tagName, text: text}
}"""


def tab_to(portal, wanted, limit: int = 60) -> dict:
    """Press Tab until the focused element is what `wanted` accepts."""
    for _ in range(limit):
        portal.page.keyboard.press("Tab")
        active = portal.page.evaluate(ACTIVE)
        if wanted(active):
            return active
    raise AssertionError("never reached the element by Tab")


def answer_with_the_keyboard(portal) -> int:
    """Every question page, then check your answers and send: Tab, Space, typing and Enter only."""
    pages = 0
    while "Check your answers" not in portal.page.title():
        pages += 1
        active = tab_to(portal, lambda a: a["name"] == "answer")
        if active["tag"] == "TEXTAREA":
            portal.page.keyboard.type("The evening meeting suited me.")
        else:
            portal.page.keyboard.press("Space")
        tab_to(portal, lambda a: a["tag"] == "BUTTON" and a["value"] == "next")
        portal.press("Enter")
        assert pages < 40
    tab_to(
        portal,
        lambda a: (
            a["tag"] == "BUTTON"
            and "send" in portal.page.evaluate("() => document.activeElement.innerText.toLowerCase()")
        ),
    )
    portal.press("Enter")
    return pages


def test_a_survey_from_creation_to_cited_evidence(portal, cast, tmp_path):
    page = portal.page
    open_cycle()
    assessment = start(cast)

    # The lead creates and opens a survey.
    portal.sign_in("lead_a")
    portal.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Surveys"))
    portal.follow(page.get_by_role("button", name="Start a new survey"))
    portal.submit("Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the survey is for")
    page.get_by_label("People who took part").check()
    portal.submit("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the survey")
    page.get_by_label("Title").fill("Your say on the walk-in centre consultation")
    page.get_by_label("Easy Read introduction (optional)").fill("We want to know what you think.")
    portal.submit("Save survey")
    portal.follow(page.get_by_role("button", name="Preview the survey"))
    expect(page.get_by_role("main")).to_contain_text("I was told what happened as a result of what I said.")
    survey = Survey.objects.get(title="Your say on the walk-in centre consultation")
    portal.goto(f"/organisations/{cast.org_a.code}/surveys/{survey.pk}/")
    portal.submit("Open the survey")
    survey.refresh_from_db()
    link = page.locator(".govuk-inset-text a")
    expect(link).to_have_text(re.compile(rf"/s/{survey.token}/$"))

    # A respondent, signed out, on a phone, with the keyboard alone.
    page.context.clear_cookies()
    portal.use_width(NARROW)
    portal.goto(f"/s/{survey.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
    tab_to(portal, lambda a: a["tag"] == "BUTTON" and a["value"] == "start")
    portal.press("Enter")
    # Continue without answering: the error summary links to the question.
    tab_to(portal, lambda a: a["tag"] == "BUTTON" and a["value"] == "next")
    portal.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    pages = answer_with_the_keyboard(portal)
    assert pages == 18
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    assert Response.objects.filter(survey=survey).count() == 1

    # Enough answers to show results, some with free text.
    from tests.voices.helpers import add_responses

    add_responses(survey, [{}] * 11, free_text="Please ask Mr Jones at the surgery.")

    # The lead reviews the free text, closes, files and cites.
    portal.use_width(WIDE)
    portal.sign_in("lead_a")
    portal.goto(f"/organisations/{cast.org_a.code}/surveys/{survey.pk}/results/")
    expect(page.get_by_role("main")).to_contain_text("12 people answered")
    portal.follow(page.get_by_role("link", name="Review free-text answers"))
    first = True
    while page.get_by_role("radio", name="Include it as it is").count():
        if first:
            page.get_by_role("radio", name="Include it with personal details removed").check()
            page.get_by_label("The answer with personal details removed").fill(
                "Please ask [removed] at the surgery."
            )
            first = False
        else:
            page.get_by_role("radio", name="Leave it out").check()
        portal.submit("Save and read the next answer")
    expect(page.get_by_role("main")).to_contain_text("Every answer has been reviewed.")
    portal.goto(f"/organisations/{cast.org_a.code}/surveys/{survey.pk}/")
    portal.submit("Close the survey")
    # Filing renders the PDF while the lead waits: a few seconds on a busy machine.
    with page.expect_navigation(wait_until="load", timeout=90_000):
        page.get_by_role("button", name="File the results as evidence").click(timeout=90_000)
    portal.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Survey results: {survey.title}")
    filing = SurveyFiling.objects.get(survey=survey)
    assert filing.snapshot["free_text"][0]["answers"] == ["Please ask [removed] at the surgery."]

    portal.goto(
        f"/organisations/{cast.org_a.code}/assessments/{assessment.cycle.slug}/criteria/2.4/evidence/add/"
    )
    page.get_by_role("radio", name=f"Survey results: {survey.title}").check()
    page.get_by_label("Where in the document").fill("“I was told what happened as a result of what I said.”")
    page.get_by_label("What it shows").fill("How many people say they were told what happened.")
    portal.submit("Cite this evidence")
    expect(page.get_by_role("main")).to_contain_text(f"Survey results: {survey.title}")

    # The report shows them: cited on 2.4, and in its evidence index.
    portal.goto(f"/organisations/{cast.org_a.code}/assessments/{assessment.cycle.slug}/")
    _name, pdf = portal.download("Download a draft report (PDF)", tmp_path)
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert text.count(f"Survey results: {survey.title}") >= 2, text[:2000]
    portal.verify()
