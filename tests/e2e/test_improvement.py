"""Improvement plans in a browser (issue 18): a lead records an action after submitting, with a
mistake first (the error, and nothing lost), a contributor updates its progress, the lead
changes its status. axe checks every page at 1280 and 320 px."""

from __future__ import annotations

import datetime
import re

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


def test_cqcs_area_for_improvement_is_carried_into_the_next_cycle(portal, cast):
    """CQC's finalised 2025/26 outcome names areas for improvement; the lead makes one an action
    and declines another; in 2026/27 the criterion's page shows the action and asks how it went;
    the answer shows there, on check your answers and on the overview."""
    from tests.assessments.helpers import open_cycle, start
    from tests.improvement.helpers import assessed_with_areas

    assessed_with_areas(cast)
    page = portal.page
    portal.sign_in("lead_a")
    portal.goto(f"/organisations/{cast.org_a.code}/improvement/")
    expect(page.get_by_role("heading", name="CQC's areas for improvement")).to_be_visible()
    portal.follow(
        page.get_by_role(
            "link", name=re.compile(r"^Make it an action\W+Evaluate engagement against its aims")
        )
    )
    expect(page.get_by_label("What will be done")).to_have_value("Evaluate engagement against its aims")
    page.get_by_label("Owner").select_option(value=str(cast.lead_a.pk))
    _fill_due(page, timezone.localdate() + datetime.timedelta(days=120))
    page.get_by_label("7.1", exact=True).check()
    portal.submit("Add to the plan")
    expect(page.get_by_text("CQC's area for improvement is now an action.")).to_be_visible()
    portal.follow(
        page.get_by_role("link", name=re.compile(r"^Decline it\W+Say at the start of each engagement"))
    )
    page.get_by_label("Why are you declining it?").fill("Our engagement charter already requires it.")
    portal.submit("Decline it")
    expect(page.get_by_text("You have declined CQC's area for improvement.")).to_be_visible()

    # The next cycle.
    nxt = start(cast, open_cycle())
    base = f"/organisations/{cast.org_a.code}/assessments/{nxt.cycle.slug}"
    portal.goto(f"{base}/criteria/7.1/")
    section = page.locator("#improvement-actions")
    expect(section.get_by_text("Evaluate engagement against its aims").first).to_be_visible()
    expect(section.get_by_text("No update this cycle")).to_be_visible()
    portal.follow(section.get_by_role("link", name=re.compile(r"^Say how it went")))
    page.get_by_label("How is it going?").fill("Every spring event evaluated against its aims.")
    page.get_by_label("Done").check()
    portal.submit("Save progress update")
    assert page.url.endswith("/criteria/7.1/")
    expect(page.get_by_text("Progress update saved.")).to_be_visible()
    expect(section.get_by_text("Updated this cycle")).to_be_visible()
    expect(section.get_by_text("Every spring event evaluated against its aims.")).to_be_visible()

    portal.goto(f"{base}/check/")
    expect(page.get_by_text("no update this cycle")).to_have_count(0)
    portal.goto(f"{base}/")
    expect(
        page.get_by_text("1 action from earlier cycles: 1 done, 0 in progress, 0 planned.")
    ).to_be_visible()


def test_overdue_on_the_home_page_and_the_assessor_sees_the_actions(portal, cast):
    """An overdue action is on its lead's home page; the assessor reviewing the next cycle's
    submission sees last cycle's actions beside the criterion."""
    from tests.assessments.helpers import answer_all, open_cycle, start, submit
    from tests.improvement.helpers import add

    action = add(cast, "Publish the engagement strategy", codes=("1.1",))
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    nxt = start(cast, open_cycle())
    answer_all(nxt)
    submit(nxt, cast.lead_a)

    page = portal.page
    portal.sign_in("lead_a")
    expect(page.get_by_role("heading", name="Overdue improvement actions")).to_be_visible()
    portal.follow(page.get_by_role("link", name="Publish the engagement strategy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    expect(page.locator(f"#action-{action.pk}").get_by_text("Overdue")).to_be_visible()

    page.context.clear_cookies()
    portal.sign_in("assessor")
    portal.goto(f"/review/{cast.org_a.code}/{nxt.cycle.slug}/criteria/1.1/")
    section = page.locator("#improvement-actions")
    expect(
        section.get_by_role("heading", name="Improvement action for 1.1 from earlier cycles")
    ).to_be_visible()
    expect(section.get_by_text("Publish the engagement strategy")).to_be_visible()
    expect(section.get_by_role("link")).to_have_count(0)
