"""Signing in and out, and resetting a forgotten password, in a real browser."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SERVICE = "Engagement self-assessment"


def test_the_sign_in_page_explains_itself_and_carries_no_gov_uk_branding(portal):
    portal.goto("/sign-in/")
    page = portal.page
    expect(page).to_have_title(f"Sign in – {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("link", name=SERVICE)).to_be_visible()
    expect(page.get_by_role("link", name="I have forgotten my password")).to_be_visible()
    # Off GOV.UK: no crown in the header, and a system font instead of GDS Transport.
    expect(page.locator(".govuk-header svg")).to_have_count(0)
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
    # Nobody is signed in, so there is no navigation to show.
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_username(portal):
    portal.sign_in("lead_a", password="not-the-password")
    page = portal.page
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("Enter a correct username and password")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("lead_a")
    expect(page.get_by_label("Password")).to_have_value("")


def test_signing_in_with_nothing_filled_in_names_both_fields(portal):
    portal.goto("/sign-in/")
    portal.submit("Sign in")
    summary = portal.page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your username")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()


def test_a_page_asked_for_before_signing_in_opens_after_signing_in(portal):
    portal.goto("/account/")
    expect(portal.page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))
    portal.page.get_by_label("Username").fill("viewer_a")
    portal.page.get_by_label("Password").fill(portal.password)
    portal.submit("Sign in")
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_signing_out_returns_to_the_sign_in_page(portal):
    portal.sign_in("contributor_a")
    portal.submit("Sign out")
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Sign in")
    portal.goto("/")
    expect(portal.page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_a_forgotten_password_is_reset_through_the_emailed_link(portal, cast):
    portal.goto("/sign-in/")
    portal.follow(portal.page.get_by_role("link", name="I have forgotten my password"))
    page = portal.page
    expect(page).to_have_title(f"Reset your password – {SERVICE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")

    page.get_by_label("Email address").fill(cast.lead_a.email)
    portal.submit("Send link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    portal.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")

    new_password = "lighthouse kettle orchard 47"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    portal.submit("Set password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")

    portal.follow(page.get_by_role("link", name="Sign in with your new password"))
    portal.sign_in("lead_a", password=new_password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_an_expired_reset_link_says_so(portal):
    portal.goto("/password-reset/MQ/not-a-real-token/")
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(portal.page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_the_accessibility_statement_is_open_to_everyone(portal):
    portal.goto("/sign-in/")
    portal.follow(portal.page.get_by_role("link", name="Accessibility statement"))
    expect(portal.page).to_have_title(f"Accessibility statement – {SERVICE}")
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(portal.page.get_by_role("heading", name="How we test this service")).to_be_visible()
