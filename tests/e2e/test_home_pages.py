"""Each role's home page, reached by signing in through the form: what the role does, and what
waits for the person (issue 14.5, 15.5). axe runs on every page at 1280 and 320 pixels wide
(the portal fixture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ORG_A = "Alderley Integrated Care System"


def nav_links(portal) -> list[str]:
    """The labels of the header navigation's links (every role has Home and Your account)."""
    nav = portal.page.get_by_role("navigation", name="Menu")
    links = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert links[0] == "Home"
    assert links[-1] == "Your account"
    return links


def main(portal):
    return portal.page.get_by_role("main")


def signed_in_home(portal, cast, username: str):
    portal.sign_in(username)
    user = cast.person(username)
    expect(portal.page).to_have_url(re.compile(r"/$"))
    expect(portal.page.get_by_role("heading", level=1)).to_have_text(f"Hello, {user.first_name}")
    expect(portal.page.get_by_role("button", name="Sign out")).to_be_visible()
    return main(portal)


@pytest.mark.parametrize(
    ("username", "role"), [("lead_a", "Lead"), ("contributor_a", "Contributor"), ("viewer_a", "Viewer")]
)
def test_an_organisation_member_sees_their_organisation_and_role(portal, cast, username, role):
    content = signed_in_home(portal, cast, username)
    expect(content.get_by_role("heading", name="Your organisations")).to_be_visible()
    expect(content.get_by_role("link", name=ORG_A)).to_be_visible()
    expect(content.locator(".govuk-summary-list__value")).to_contain_text(role)
    expect(content).not_to_contain_text("Brackenfield County Council")
    links = nav_links(portal)
    assert "Organisations" in links
    assert "Site administration" not in links


def test_a_lead_sees_the_self_assessment_and_what_to_do_next(portal, cast):
    from tests.assessments.helpers import open_cycle, start

    start(cast, open_cycle())
    content = signed_in_home(portal, cast, "lead_a")
    expect(content.locator("#your-role")).to_contain_text("You lead Alderley Integrated Care System")
    card = content.locator(".govuk-summary-card", has_text="2026/27 self-assessment")
    expect(card).to_contain_text("In progress")
    expect(card).to_contain_text("criteria answered")
    expect(card).to_contain_text("days left")
    portal.follow(card.get_by_role("link", name=re.compile("^Continue the self-assessment")))
    expect(portal.page).to_have_url(re.compile(r"/organisations/QA1/assessments/2026-27/$"))


def test_a_viewer_is_told_where_to_read(portal, cast):
    from tests.assessments.helpers import open_cycle, start

    start(cast, open_cycle())
    content = signed_in_home(portal, cast, "viewer_a")
    card = content.locator(".govuk-summary-card", has_text="2026/27 self-assessment")
    expect(card).to_contain_text("you can read it, not change it")
    expect(card.get_by_role("link", name=re.compile("^Read the answers so far"))).to_be_visible()


def test_a_notification_is_removed_from_the_home_page_with_the_keyboard(portal, cast):
    from notifications.models import Kind, Notification

    Notification.objects.create(
        kind=Kind.MEMBER_ADDED,
        recipient=cast.contributor_a,
        email=cast.contributor_a.email,
        organisation_id=cast.org_a.pk,
        about="Alderley",
        about_key="membership:e2e",
        idempotency_key="e2e|member_added",
        subject="You were added to Alderley Integrated Care System",
        body_text="Hello",
        link="/organisations/QA1/",
        status=Notification.Status.SENT,
    )
    content = signed_in_home(portal, cast, "contributor_a")
    expect(content.get_by_role("heading", name="Messages")).to_be_visible()
    button = content.get_by_role("button", name=re.compile("^Remove from this list"))
    for _ in range(60):
        portal.page.keyboard.press("Tab")
        if portal.focused()["text"].startswith("Remove from this list"):
            break
    else:
        raise AssertionError("Tab never reached the Remove button")
    expect(button).to_be_focused()
    portal.press("Enter")
    expect(portal.page.locator(".govuk-notification-banner")).to_contain_text("Removed from your home page")
    expect(content.get_by_role("heading", name="Messages")).to_have_count(0)


def test_an_assessor_sees_what_waits_and_the_queue(portal, cast):
    content = signed_in_home(portal, cast, "assessor")
    expect(content.locator("#your-role")).to_contain_text("As a CQC assessor you review")
    expect(content.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(content.get_by_role("link", name="Go to the review queue")).to_be_visible()
    expect(content.get_by_role("heading", name="Your organisations")).to_have_count(0)
    links = nav_links(portal)
    assert "Organisations" in links
    assert "Site administration" not in links


def test_a_rubric_admin_sees_rubric_drafts(portal, cast):
    content = signed_in_home(portal, cast, "rubric_admin")
    expect(content.locator("#your-role")).to_contain_text("As a rubric admin")
    expect(content.get_by_role("heading", name="Rubric drafts")).to_be_visible()
    expect(content.get_by_role("heading", name="Reviews")).to_have_count(0)
    assert "Organisations" not in nav_links(portal)


def test_a_site_admin_sees_site_administration(portal, cast):
    content = signed_in_home(portal, cast, "site_admin")
    expect(content.get_by_role("heading", name="Site administration")).to_be_visible()
    expect(content.get_by_role("link", name="site administration")).to_have_attribute("href", "/admin/")
    links = nav_links(portal)
    assert "Site administration" in links
    # A superuser holds every permission, so a site admin can also review organisations.
    assert "Organisations" in links


def test_an_outsider_is_told_how_to_join_an_organisation(portal, cast):
    content = signed_in_home(portal, cast, "outsider")
    expect(content.locator(".govuk-inset-text")).to_contain_text(
        "Your account is not part of any organisation yet"
    )
    links = nav_links(portal)
    assert "Organisations" not in links
    assert "Site administration" not in links


def test_home_is_the_current_page_in_the_navigation(portal):
    portal.sign_in("viewer_a")
    nav = portal.page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    portal.follow(nav.get_by_role("link", name="Your account"))
    expect(nav.get_by_role("link", name="Your account")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Home")).not_to_have_attribute("aria-current", "page")
