"""Engagement activities in a browser (issue 17): a contributor plans an activity, sees the
overlap with a partner's, joins them, closes it with what changed; the lead publishes it; the
public "You said, we did" page shows it to anyone. axe checks every page at 1280 and 320 px."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from activities.models import Activity, Join, Topic
from tests.activities.helpers import community, make, topic

pytestmark = pytest.mark.e2e


@pytest.fixture
def lists(cast):
    """The controlled lists, as migration 0002 seeds them (the live server's flush empties them)."""
    if not Topic.objects.exists():
        importlib.import_module("activities.migrations.0002_controlled_lists").seed(apps, None)


def test_plan_see_the_overlap_join_close_publish(portal, cast, lists):
    from organisations.models import System

    System.objects.create(ics=cast.org_a).local_authorities.add(cast.org_b)
    partner = make(
        cast.org_b,
        cast.lead_b,
        title="Carers' crisis support survey",
        contact_name="Robin Lee",
        contact_email="robin.lee@example.org",
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2026, 10, 20),
    )
    page = portal.page
    portal.sign_in("contributor_a")
    portal.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Engagement"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement activities")
    portal.follow(page.get_by_role("button", name="Record an activity"))

    # A first try with the end before the start: the error, and nothing lost.
    page.get_by_label("Title").fill("Crisis support listening events")
    page.get_by_label("Question or purpose").fill("What would make crisis support easier to reach?")
    page.get_by_label("Mental health").check()
    page.get_by_label("Unpaid carers").check()
    page.get_by_label("Method").select_option("focus_group")
    page.get_by_label("Consult").check()
    for legend, (day, month, year) in (("Planned start", (1, 11, 2026)), ("Planned end", (30, 10, 2026))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day))
        group.get_by_label("Month").fill(str(month))
        group.get_by_label("Year").fill(str(year))
    page.get_by_label("Contact name").fill("Alex Jones")
    page.get_by_label("Contact email").fill("alex.jones@example.org")
    portal.submit("Save activity")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The planned end must be on or after the planned start"
    )
    expect(page.get_by_label("Title")).to_have_value("Crisis support listening events")
    page.get_by_role("group", name="Planned end").get_by_label("Day").fill("30")
    page.get_by_role("group", name="Planned end").get_by_label("Month").fill("11")
    portal.submit("Save activity")

    # Saved, with the overlap: its organisation, its contact, and what is shared.
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisis support listening events")
    card = page.locator(".govuk-summary-card", has_text="Carers' crisis support survey")
    expect(card).to_contain_text("Robin Lee")
    expect(card).to_contain_text(cast.org_b.name)
    expect(card).to_contain_text("Topics: Mental health")
    expect(card).to_contain_text("Communities: Unpaid carers")
    portal.follow(card.get_by_role("button", name="Join with this activity"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now joined with")
    mine = Activity.objects.get(title="Crisis support listening events")
    assert Join.objects.filter(first=min(mine, partner, key=lambda a: a.pk)).exists()

    # Closing asks what changed and whether participants were told.
    portal.follow(page.get_by_role("button", name="Close this activity"))
    page.get_by_label("What changed as a result?").fill("The crisis line now answers until midnight.")
    page.get_by_label("Yes").check()
    told = page.get_by_role("group", name="Date they were told (if you have)")
    told.get_by_label("Day").fill("1")
    told.get_by_label("Month").fill("12")
    told.get_by_label("Year").fill("2026")
    portal.submit("Close the activity")
    expect(page.get_by_text("Closed", exact=True).first).to_be_visible()

    # The lead publishes it; anyone reads it without signing in.
    portal.page.context.clear_cookies()
    portal.sign_in("lead_a")
    portal.goto(f"/organisations/{cast.org_a.code}/activities/{mine.pk}/")
    portal.follow(page.get_by_role("button", name="Publish on “You said, we did”"))
    page.get_by_label("What you said").fill("Waiting on hold at night was the hardest part.")
    portal.submit("Publish")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is published")
    portal.page.context.clear_cookies()
    portal.goto(f"/you-said-we-did/{cast.org_a.code}/")
    article = page.get_by_role("article", name="Crisis support listening events")
    expect(article).to_contain_text("Waiting on hold at night was the hardest part.")
    expect(article).to_contain_text("The crisis line now answers until midnight.")
    expect(page.get_by_role("main")).not_to_contain_text("alex.jones@example.org")


def test_the_system_register_and_timeline(portal, cast, lists):
    make(
        cast.org_a,
        cast.lead_a,
        title="Maternity voices",
        topic_ids={topic("Maternity and neonatal care").pk},
        community_ids={community("Women and pregnant people").pk},
    )
    portal.sign_in("viewer_a")
    portal.goto(f"/organisations/{cast.org_a.code}/activities/system/")
    expect(portal.page.get_by_role("main")).to_contain_text("Maternity voices")
    portal.follow(portal.page.get_by_role("link", name="Month by month"))
    portal.goto(f"/organisations/{cast.org_a.code}/activities/system/timeline/?from=2027-01")
    expect(portal.page.get_by_role("heading", name="March 2027")).to_be_visible()
    portal.follow(portal.page.get_by_role("link", name="What changed"))
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("What changed as a result of engagement")
