"""Improvement plans in a browser (issue 18): a lead records an action after submitting, with a
mistake first (the error, and nothing lost), a contributor updates its progress, the lead
changes its status. axe checks every page at 1280 and 320 px."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from improvement.models import Action
from tests.improvement.helpers import submitted_earlier

pytestmark = pytest.mark.e2e


def _fill_due(page, day: datetime.date) -> None:
    group = page.get_by_role("group", name="Due date")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_lead_records_an_action_and_a_contributor_updates_it(portal, cast):
    submitted_earlier(cast)
    page = portal.page
    portal.sign_in("lead_a")
    portal.goto(f"/organisations/{cast.org_a.code}/")
    portal.follow(page.get_by_role("link", name="Improvement plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    portal.follow(page.get_by_role("button", name="Add an action"))

    # A due date in the past: the error beside the field, and what was typed kept.
    page.get_by_label("What will be done").fill("Co-produce the engagement strategy with Healthwatch")
    page.get_by_label("Owner").select_option(value=str(cast.contributor_a.pk))
    _fill_due(page, timezone.localdate() - datetime.timedelta(days=3))
    page.get_by_label("1.1").check()
    page.get_by_label("7.2").check()
    portal.submit("Save action")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("What will be done")).to_have_value(
        "Co-produce the engagement strategy with Healthwatch"
    )
    _fill_due(page, timezone.localdate() + datetime.timedelta(days=90))
    portal.submit("Save action")
    expect(page.get_by_text("Improvement action added.")).to_be_visible()
    action = Action.objects.get()
    assert action.criterion_codes == ["1.1", "7.2"]

    page.context.clear_cookies()
    portal.sign_in("contributor_a")
    portal.goto(f"/organisations/{cast.org_a.code}/improvement/")
    portal.follow(page.get_by_role("link", name="Update progress"))
    page.get_by_label("How is it going?").fill("First workshop held with Healthwatch volunteers.")
    page.get_by_label("In progress").check()
    portal.submit("Save progress update")
    expect(page.get_by_text("Progress update saved.")).to_be_visible()

    page.context.clear_cookies()
    portal.sign_in("lead_a")
    portal.goto(f"/organisations/{cast.org_a.code}/improvement/")
    portal.follow(page.get_by_role("link", name="Change status"))
    page.get_by_label("Done").check()
    portal.submit("Save status")
    expect(page.get_by_text("Status saved: done.")).to_be_visible()
    action.refresh_from_db()
    assert action.status == "done"
