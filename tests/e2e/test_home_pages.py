"""Each role's home page, reached by signing in through the form."""

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


def test_an_assessor_sees_every_organisation_to_review(portal, cast):
    content = signed_in_home(portal, cast, "assessor")
    expect(content.get_by_role("heading", name="Reviewing for CQC")).to_be_visible()
    expect(content.get_by_role("link", name="See all 2 organisations")).to_be_visible()
    expect(content.get_by_role("heading", name="Your organisations")).to_have_count(0)
    links = nav_links(portal)
    assert "Organisations" in links
    assert "Site administration" not in links


def test_a_rubric_admin_sees_rubric_administration(portal, cast):
    content = signed_in_home(portal, cast, "rubric_admin")
    expect(content.get_by_role("heading", name="Rubric administration")).to_be_visible()
    expect(content.get_by_role("heading", name="Reviewing for CQC")).to_have_count(0)
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
