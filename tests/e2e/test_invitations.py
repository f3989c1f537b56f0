"""A lead invites a colleague and a partner's person; they join from the emailed link; the lead
gives the partner's person a principle, which they answer and mark ready for the lead; the lead
sees it on the home page, the overview and check your answers, with who wrote it and for which
partner (issue 14)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organisations.models import Organisation, System
from tests.assessments.helpers import open_cycle, start
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


def invite(portal, email: str, *, partner: str | None = None) -> None:
    portal.goto("/organisations/QA1/")
    portal.follow(portal.page.get_by_role("button", name="Invite people"))
    page = portal.page
    page.get_by_label("Email addresses").fill(email)
    page.get_by_label("Contributor").check()
    if partner:
        page.get_by_label("Do they speak for a partner organisation?").select_option(label=partner)
    portal.submit("Send invitations")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Invitation sent to {email}")


def join(portal, link: str, first: str, last: str) -> None:
    portal.goto(link)
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Alderley Integrated Care System")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Password", exact=True).fill("lighthouse kettle orchard 47")
    page.get_by_label("Confirm password").fill("lighthouse kettle orchard 47")
    portal.submit("Create your account and join")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alderley Integrated Care System")


def sign_out(portal) -> None:
    portal.follow(portal.page.get_by_role("button", name="Sign out").first)


def test_a_lead_invites_a_colleague_and_a_partner_who_join_and_contribute(portal, cast, mailoutbox):
    healthwatch = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    System.objects.create(ics=cast.org_a).partners.add(healthwatch)
    start(cast, open_cycle())

    portal.sign_in("lead_a")
    invite(portal, "ada@example.org")
    invite(portal, "priya@example.org", partner="Healthwatch Alderley")
    expect(portal.page.locator("#invitations")).to_contain_text("priya@example.org")
    sign_out(portal)

    links = {message.to[0]: LINK.search(message.body).group(1) for message in mailoutbox}
    assert set(links) == {"ada@example.org", "priya@example.org"}

    join(portal, links["ada@example.org"], "Ada", "Lovelace")
    sign_out(portal)
    join(portal, links["priya@example.org"], "Priya", "Shah")
    expect(portal.page.get_by_role("main")).to_contain_text("for Healthwatch Alderley")
    sign_out(portal)

    # The lead shares out the work: principle 1 to Priya.
    portal.sign_in("lead_a")
    portal.goto("/organisations/QA1/assessments/2026-27/")
    portal.follow(portal.page.get_by_role("button", name="Share out the work"))
    page = portal.page
    page.get_by_label("Priya Shah, Healthwatch Alderley").check()
    page.get_by_label("All 4 criteria of principle 1").check()
    portal.submit("Save who does what")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "are now with Priya Shah, Healthwatch Alderley"
    )
    expect(page.locator("#assignments")).to_contain_text("Priya Shah, Healthwatch Alderley")
    sign_out(portal)

    # Priya answers a criterion of the ICS's self-assessment and marks it ready for the lead.
    portal.sign_in("priya@example.org", "lighthouse kettle orchard 47")
    portal.goto("/")
    expect(page.get_by_role("main")).to_contain_text("4 criteria; 4 not yet ready for the lead")
    portal.goto("/organisations/QA1/assessments/2026-27/")
    expect(page.locator("#given-to-you")).to_contain_text("Your lead has given you 4 criteria")
    portal.follow(page.locator("#given-to-you").get_by_role("link", name="Criterion 1.1"))
    page.get_by_role("radio", name="3 – Good standard").check()
    page.get_by_label("Your evidence and reasoning").fill(
        "Healthwatch heard from 400 people across the area."
    )
    portal.submit("Save and mark ready for the lead")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Criterion 1.1 is marked ready for the lead."
    )
    expect(page.locator("#ready-status")).to_contain_text("Ready")
    sign_out(portal)

    # The lead sees who wrote it, and for which partner, and that it is ready: on the home page,
    # the overview, check your answers and the criterion.
    portal.sign_in("lead_a")
    portal.goto("/")
    expect(page.get_by_role("main")).to_contain_text("1 of 33 ready for the lead")
    portal.goto("/organisations/QA1/assessments/2026-27/")
    expect(page.locator("#assignments")).to_contain_text("1 of 4")
    expect(page.locator("#progress")).to_contain_text("1 of 33 criteria marked ready for the lead")
    portal.goto("/organisations/QA1/assessments/2026-27/check/")
    expect(page.locator("#unanswered")).to_contain_text("with Priya Shah, Healthwatch Alderley")
    portal.goto("/organisations/QA1/assessments/2026-27/criteria/1.1/")
    expect(portal.page.get_by_role("main")).to_contain_text("by Priya Shah, Healthwatch Alderley")
    expect(page.locator("#ready-status")).to_contain_text("Priya Shah, Healthwatch Alderley")
    # The used link says so, and changes nothing.
    sign_out(portal)
    portal.goto(links["ada@example.org"])
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("This invitation has already been used")
