"""The header navigation on a narrow screen: GOV.UK's service navigation collapses behind a
"Menu" button below the tablet breakpoint."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.portal import NARROW

pytestmark = pytest.mark.e2e


def test_the_menu_button_opens_the_navigation_at_320px(portal):
    portal.use_width(NARROW)
    portal.sign_in("assessor")
    page = portal.page
    nav = page.get_by_role("navigation", name="Menu")
    menu = nav.get_by_role("button", name="Menu")
    organisations = nav.get_by_role("link", name="Organisations")

    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(organisations).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for label in ("Home", "Organisations", "Your account"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    # The open menu is a state of its own: check it too.
    portal.check_accessibility()

    portal.follow(organisations)
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(nav.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_the_navigation_needs_no_menu_button_at_1280px(portal):
    portal.sign_in("lead_a")
    nav = portal.page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="Organisations")).to_be_visible()
