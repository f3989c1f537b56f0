"""The lockout page and the idle sign-out message, in a real browser (and checked by axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_too_many_wrong_passwords_show_the_lockout_page(portal, settings):
    settings.AXES_FAILURE_LIMIT = 2
    portal.sign_in("lead_a", password="not-the-password")
    portal.sign_in("lead_a", password="still-not-the-password")
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    expect(page.locator("main")).to_contain_text(
        "Your account is locked for 30 minutes because of too many wrong passwords"
    )
    # The right password is refused too until the lock ends.
    portal.sign_in("lead_a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")


def test_an_idle_session_ends_with_a_message_on_the_sign_in_page(portal, settings):
    portal.sign_in("lead_a")
    expect(portal.page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    settings.SESSION_IDLE_TIMEOUT = -1
    portal.goto("/account/")
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you were inactive for 1 minute."
    )
