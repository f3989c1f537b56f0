"""Two-factor authentication in a real browser: a new assessor sets it up after the password,
then signs in with the code and with a recovery code (axe checks every page at both widths)."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import hotp
from playwright.sync_api import expect

from organisations.roles import CQC_ASSESSORS
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def _code_from_key(typed_key: str) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    key = b32decode(typed_key.replace(" ", "") + "=" * (-len(typed_key.replace(" ", "")) % 8))
    return f"{hotp(key, int(time.time()) // 30):06d}"


def test_a_new_assessor_sets_up_two_factor_then_signs_in_with_a_code_and_a_recovery_code(portal, cast):
    person = UserFactory(username="new_assessor")
    person.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    page = portal.page

    portal.sign_in("new_assessor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.locator("main")).to_contain_text("CQC assessors, rubric admins and site admins must use")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    typed_key = page.locator("#setup-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", typed_key)

    # A wrong code first: the GOV.UK error summary, linked to the field.
    page.get_by_label("Enter the 6-digit code your app shows").fill("000000")
    portal.submit("Turn on two-factor authentication")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")

    page.get_by_label("Enter the 6-digit code your app shows").fill(_code_from_key(typed_key))
    portal.submit("Turn on two-factor authentication")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("main")).to_contain_text(
        "Keep these codes safe. This is the only time you will see them."
    )
    codes = page.locator(".app-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    portal.follow(page.get_by_role("button", name="I have kept my recovery codes safe"))
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Reviews")

    # Signing in again: the password, then the code from the app.
    portal.follow(page.get_by_role("button", name="Sign out"))
    portal.sign_in("new_assessor")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("Enter the 6-digit code"))
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Reviews")

    # And with a recovery code instead.
    portal.follow(page.get_by_role("button", name="Sign out"))
    portal.sign_in("new_assessor", second_factor=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the 6-digit code from your authenticator app"
    )
    portal.follow(page.get_by_role("link", name="Use a recovery code instead"))
    page.get_by_label("Recovery code").fill(codes[0])
    portal.submit("Continue")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You used a recovery code. You have 9 left"
    )
    portal.goto("/account/")
    expect(page.locator("main")).to_contain_text("9 left")
    expect(page.locator("main")).to_contain_text("Your CQC role needs two-factor authentication")
