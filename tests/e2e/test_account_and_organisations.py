"""The account page, the organisations pages and a lead changing a team member's role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organisations.models import Membership

pytestmark = pytest.mark.e2e

ORG_A = "Alderley Integrated Care System"
ORG_B = "Brackenfield County Council"


def nav(portal):
    return portal.page.get_by_role("navigation", name="Menu")


def test_the_account_page_shows_who_you_are_and_your_roles(portal, cast):
    portal.sign_in("lead_a")
    portal.follow(nav(portal).get_by_role("link", name="Your account"))
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    summary = page.locator(".govuk-summary-list").first
    expect(summary).to_contain_text(cast.lead_a.get_full_name())
    expect(summary).to_contain_text("lead_a")
    expect(summary).to_contain_text(cast.lead_a.email)
    expect(page.get_by_role("link", name=ORG_A)).to_be_visible()


def test_an_assessor_sees_their_cqc_role_on_the_account_page(portal):
    portal.sign_in("assessor")
    portal.goto("/account/")
    expect(portal.page.get_by_role("heading", name="Your CQC roles")).to_be_visible()
    expect(portal.page.get_by_role("main")).to_contain_text("CQC assessor")


def test_changing_your_password_from_the_account_page(portal, cast):
    portal.sign_in("contributor_a")
    portal.goto("/account/")
    portal.follow(portal.page.get_by_role("link", name="Change password"))
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    # A mistake first, so the error state of the form is checked too.
    portal.submit("Change password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your current password")

    new_password = "lighthouse kettle orchard 47"
    page.get_by_label("Old password").fill(cast.password)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    portal.submit("Change password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    portal.follow(page.get_by_role("link", name="Back to your account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_an_assessor_sees_every_organisation_and_opens_one(portal):
    portal.sign_in("assessor")
    portal.follow(nav(portal).get_by_role("link", name="Organisations"))
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    table = page.get_by_role("table", name="Organisations you can see")
    expect(table.get_by_role("link")).to_have_text([ORG_A, ORG_B])

    portal.follow(table.get_by_role("link", name=ORG_B))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_B)
    expect(page.locator(".govuk-caption-l")).to_have_text("Local authority, London")
    people = page.get_by_role("table", name=f"People in {ORG_B} and their roles")
    expect(people.get_by_role("row")).to_have_count(4)
    # An assessor reads the team but cannot change it.
    expect(page.get_by_role("link", name=re.compile("Change role"))).to_have_count(0)

    portal.follow(page.get_by_role("link", name="Back to organisations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")


def test_a_viewer_sees_only_their_own_organisation(portal):
    portal.sign_in("viewer_a")
    portal.goto("/organisations/")
    table = portal.page.get_by_role("table", name="Organisations you can see")
    expect(table.get_by_role("link")).to_have_text([ORG_A])
    portal.follow(table.get_by_role("link", name=ORG_A))
    expect(portal.page.get_by_role("main")).to_contain_text("Your role: Viewer")


def test_a_lead_changes_a_team_members_role(portal, cast):
    portal.sign_in("lead_a")
    portal.goto("/organisations/QA1/")
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_A)
    expect(page.get_by_role("main")).to_contain_text("Your role: Lead")
    name = cast.contributor_a.get_full_name()

    portal.follow(page.get_by_role("link", name=f"Change role for {name}"))
    membership = Membership.objects.get(user=cast.contributor_a)
    expect(page).to_have_url(re.compile(rf"/organisations/QA1/people/{membership.pk}/role/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change role for {name}")
    expect(page.get_by_label("Contributor")).to_be_checked()

    page.get_by_label("Viewer").check()
    portal.submit("Save role")
    expect(page).to_have_url(re.compile(r"/organisations/QA1/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{name} is now a viewer.")
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    expect(row.get_by_role("cell").nth(1)).to_have_text("Viewer")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.VIEWER


def test_a_lead_cannot_leave_the_organisation_without_a_lead(portal, cast):
    portal.sign_in("lead_a")
    membership = Membership.objects.get(user=cast.lead_a)
    portal.goto(f"/organisations/QA1/people/{membership.pk}/role/")
    portal.page.get_by_label("Contributor").check()
    portal.submit("Save role")
    page = portal.page
    expect(page).to_have_title(re.compile(r"^Error: Change role"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("only lead")
    expect(page.locator(".govuk-error-message")).to_contain_text("only lead")
    portal.follow(page.get_by_role("link", name=f"Back to {ORG_A}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_A)
