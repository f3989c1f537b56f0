"""The rubric pages in a browser: reading the current rubric, and a rubric admin's draft from
first edit to publication, its history and its comparison with the version it came from."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from principles import services
from principles.models import RubricVersion
from tests.e2e.portal import NARROW, WIDE

pytestmark = pytest.mark.e2e

LEVEL_3_OF_1_1 = (
    "Board-level or executive leads are named in the ICB/LA and key partners; engagement is reported "
    "to boards on a regular cycle with clear accountability."
)


def nav(portal):
    return portal.page.get_by_role("navigation", name="Menu")


def heading(portal):
    return portal.page.get_by_role("heading", level=1)


def level_boxes(portal) -> list[dict]:
    """The bounding boxes of the first criterion's four level cards, at the current width."""
    cards = portal.page.locator(".app-levels").first.locator(".app-levels__level")
    expect(cards).to_have_count(4)
    return [cards.nth(i).bounding_box() for i in range(4)]


def test_a_viewer_reads_the_rubric_and_a_principles_four_levels_side_by_side_or_stacked(portal):
    portal.sign_in("viewer_a")
    portal.follow(nav(portal).get_by_role("link", name="Rubric"))
    page = portal.page
    expect(heading(portal)).to_have_text("Public engagement rubric 2026")
    expect(page.get_by_role("main")).to_contain_text("Outstanding: 88% or more")
    # Reading only: nothing offers to change the rubric.
    expect(page.get_by_role("link", name=re.compile(r"^(Change|Make a new draft)"))).to_have_count(0)

    portal.follow(page.get_by_role("link", name="1. Strong leadership"))
    expect(heading(portal)).to_have_text("1. Strong leadership")
    first = page.locator("#criterion-1\\.1")
    for label in ("Significant shortfalls", "Some shortfalls", "Good standard", "Exceptional standard"):
        expect(first.get_by_role("heading", name=re.compile(label))).to_be_visible()
    expect(first).to_contain_text(LEVEL_3_OF_1_1)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"^(Change|Remove)"))).to_have_count(0)
    expect(main.get_by_role("button", name=re.compile(r"^Move"))).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile(r"^Add "))).to_have_count(0)

    # Side by side on a wide screen: one row, left to right.
    boxes = level_boxes(portal)
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    assert all(a["x"] + a["width"] <= b["x"] for a, b in pairwise(boxes)), boxes
    # Stacked at 320px: each card under the one before, full width.
    portal.use_width(NARROW)
    boxes = level_boxes(portal)
    assert all(a["y"] + a["height"] <= b["y"] for a, b in pairwise(boxes)), boxes
    assert len({round(box["x"]) for box in boxes}) == 1, boxes
    portal.use_width(WIDE)


def test_a_rubric_admin_drafts_edits_publishes_and_compares_a_new_version(portal):
    portal.sign_in("rubric_admin")
    page = portal.page
    portal.goto("/rubric/versions/")
    portal.follow(page.get_by_role("button", name="Make a new draft"))
    page.get_by_label("Label").fill("2027")
    portal.submit("Make the draft")
    # The draft's title is asked for, suggested from the label, not kept from version 2026.
    expect(page.locator("#title-suggested")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Public engagement rubric 2027")
    portal.submit("Make the draft")
    expect(heading(portal)).to_have_text("Public engagement rubric 2027")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Draft 2027")

    portal.follow(page.get_by_role("link", name="1. Strong leadership"))
    portal.follow(page.get_by_role("link", name="Change criterion 1.1"))
    expect(heading(portal)).to_have_text("Change criterion 1.1")

    # An empty descriptor is refused, and what was typed elsewhere is kept.
    criterion = page.get_by_label("Criterion", exact=True)
    criterion.fill("Named senior ownership of engagement, typed just now")
    page.get_by_label("3 – Good standard").fill("")
    portal.submit("Save criterion")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the level 3 descriptor")
    expect(criterion).to_have_value("Named senior ownership of engagement, typed just now")

    page.get_by_label("3 – Good standard").fill(LEVEL_3_OF_1_1.replace("regular cycle", "quarterly cycle"))
    portal.submit("Save criterion")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Criterion 1.1 saved.")
    expect(page.locator("#criterion-1\\.1")).to_contain_text("reported to boards on a quarterly cycle")

    portal.follow(page.get_by_role("link", name="Version 2027"))
    portal.follow(page.get_by_role("button", name="Publish this version"))
    expect(heading(portal)).to_have_text("Publish draft 2027")
    portal.submit("Publish version")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 2027 is published.")
    assert RubricVersion.objects.get(label="2027").status == RubricVersion.Status.PUBLISHED

    portal.follow(page.get_by_role("link", name="See the history of changes"))
    history = page.get_by_role("table")
    expect(history).to_contain_text("Criterion 1.1 level 3: text")
    expect(history).to_contain_text("Criterion 1.1: text")
    expect(history.locator("ins.app-diff__inserted").first).to_be_visible()

    portal.goto("/rubric/compare/?from=2026&to=2027")
    expect(page.get_by_role("main")).to_contain_text("Changes from version 2026 to version 2027")
    changes = page.locator(".app-change")
    expect(changes.locator("ins.app-diff__inserted", has_text="quarterly")).to_have_count(1)
    expect(changes.locator("del.app-diff__deleted", has_text="regular")).to_have_count(1)


def test_a_rubric_admin_changes_the_scoring_rule_and_suggested_evidence_of_a_draft(portal, cast):
    services.rubric_new_draft(source=services.current_version(), label="2027", by=cast.rubric_admin)
    portal.sign_in("rubric_admin")
    page = portal.page

    portal.goto("/rubric/versions/2027/")
    portal.follow(page.get_by_role("link", name="Change the scoring rule's thresholds"))
    page.get_by_label("Good").fill("90")
    portal.submit("Save scoring rule")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The minimum for Good must be lower than the minimum for Outstanding")
    expect(page.get_by_label("Good")).to_have_value("90")
    page.get_by_label("Good").fill("60")
    portal.submit("Save scoring rule")
    expect(page.get_by_role("main")).to_contain_text("Good: 60% or more, but less than 88%")

    portal.follow(page.get_by_role("link", name="Change evidence category OB, Observation"))
    page.get_by_label("Name").fill("Observation by an assessor")
    portal.submit("Save category")
    expect(page.locator("#evidence-categories + p + dl")).to_contain_text("Observation by an assessor")

    portal.goto("/rubric/versions/2027/principles/2/")
    portal.follow(page.get_by_role("button", name="Add suggested evidence"))
    page.get_by_label("Suggested evidence").fill("Minutes showing residents set the purpose")
    portal.submit("Save suggested evidence")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select at least one evidence category")
    summary.get_by_role("link").click()  # the link lands on the first checkbox
    expect(page.get_by_label("People's experience (PE)")).to_be_focused()
    page.get_by_label("People's experience (PE)").check()
    page.get_by_label("Outcomes (OC)").check()
    portal.submit("Save suggested evidence")
    evidence = page.locator(".govuk-summary-list").last
    expect(evidence).to_contain_text("Minutes showing residents set the purpose")
    expect(evidence).to_contain_text("People's experience, Outcomes")

    portal.follow(evidence.get_by_role("link", name="Remove suggested evidence item 1"))
    expect(heading(portal)).to_have_text("Remove this suggested evidence?")
    portal.submit("Remove suggested evidence")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Suggested evidence removed")
