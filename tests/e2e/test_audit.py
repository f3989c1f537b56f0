"""The audit trail in a browser: a lead's activity page (with a CQC assessor's download and
someone outside refused), its filters and a bad date, and the site admins' search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from audit.services import record
from tests.evidence.library import stored_file

pytestmark = pytest.mark.e2e


def _events(cast) -> None:
    file = stored_file(cast.org_a, cast.lead_a, title="Citizens' panel report", name="panel-report.pdf")
    label = f"“Citizens' panel report”, revision 1 ({file.original_name})"
    record(
        "evidence.upload",
        f"Uploaded {label}",
        actor=cast.lead_a,
        organisation=cast.org_a,
        obj=file,
        detail={"object": label},
    )
    record(
        "evidence.download",
        f"Downloaded {label}",
        actor=cast.assessor,
        organisation=cast.org_a,
        obj=file,
        detail={"object": label},
    )
    record(
        "access.refused",
        f"Refused /organisations/{cast.org_a.code}/evidence/{file.item_id}/: not found (404)",
        actor=cast.lead_b,
        organisation=cast.org_a,
    )
    record("auth.sign_in_failed", "Failed sign-in for “nobody”")


def test_a_lead_reads_the_activity_page_and_filters_it(portal, cast):
    _events(cast)
    portal.sign_in("lead_a")
    page = portal.page
    portal.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    table = page.locator("#audit-events")
    download = table.get_by_role("row").filter(has_text="Evidence downloaded")
    expect(download).to_contain_text("CQC assessor")
    expect(download).to_contain_text("(assessor)")
    expect(download).to_contain_text("Citizens' panel report")
    expect(table.get_by_role("row").filter(has_text="Access refused")).to_contain_text("Not a member")
    expect(table).not_to_contain_text("Failed sign-in")

    page.get_by_label("Kind of event").select_option("evidence.download")
    portal.submit("Apply filters")
    expect(page.get_by_role("heading", name="1 event found")).to_be_visible()

    from_date = page.get_by_role("group", name="From")
    from_date.get_by_label("Day").fill("31")
    from_date.get_by_label("Month").fill("2")
    from_date.get_by_label("Year").fill("2026")
    portal.submit("Apply filters")
    expect(page).to_have_title(re.compile(r"^Error: Audit log"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real date, for example 12 3 2026")


def test_a_site_admin_searches_the_audit_trail(portal, cast):
    _events(cast)
    portal.sign_in("site_admin")
    page = portal.page
    portal.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.locator("#audit-events")).to_contain_text("Failed sign-in")

    page.get_by_label("Person").fill("assessor")
    portal.submit("Apply filters")
    rows = page.locator("#audit-events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Evidence downloaded")
    expect(rows.first).to_contain_text(cast.org_a.name)
    expect(page.get_by_role("link", name="Download these events as CSV")).to_be_visible()
