"""A form whose CSRF cookie has gone: the plain-English page, in a real browser (and axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent

pytestmark = pytest.mark.e2e


def test_a_form_sent_without_its_token_gets_a_page_that_says_what_to_do(portal):
    portal.goto("/sign-in/")
    page = portal.page
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill(portal.password)
    # As if the page had been open for long enough to lose its cookie, or cookies are blocked.
    page.context.clear_cookies(name="csrftoken")
    portal.submit("Sign in")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    expect(page.locator("main")).to_contain_text("Nothing was saved.")
    expect(page.locator("main")).to_contain_text("Refresh the page.")
    assert AuditEvent.objects.filter(action="security.csrf_refused", path="/sign-in/").count() == 1

    # Back, with a fresh page (and so a fresh token): the same form now works.
    portal.follow(page.get_by_role("link", name="Go back to the page you were on"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    portal.sign_in("lead_a")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
