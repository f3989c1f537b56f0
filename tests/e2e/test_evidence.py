"""The evidence library in a browser: uploading good and bad files together, the library's
search and filters, an item's page, adding a revision, and what a viewer is not offered."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceFile, EvidenceItem
from tests.evidence import crafted
from tests.evidence.library import stored_file

pytestmark = pytest.mark.e2e


def nav(portal):
    return portal.page.get_by_role("navigation", name="Menu")


def main(portal):
    return portal.page.get_by_role("main")


def test_a_contributor_uploads_a_good_and_a_bad_file_together(portal, cast):
    portal.sign_in("contributor_a")
    portal.follow(nav(portal).get_by_role("link", name="Evidence"))
    page = portal.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence library")
    portal.follow(page.get_by_role("button", name="Upload evidence"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload evidence")

    page.get_by_label("Description (optional)").fill("What the citizens' panel said in March.")
    page.get_by_label("Kind of evidence").select_option("board_minutes")
    page.get_by_label("Processes", exact=True).check()
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Files").set_input_files(
        [
            {"name": "panel-minutes.pdf", "mimeType": "application/pdf", "buffer": crafted.pdf()},
            {"name": "setup.pdf", "mimeType": "application/pdf", "buffer": crafted.EXE},
        ]
    )
    portal.submit("Upload")

    expect(page).to_have_title(re.compile(r"^Error: Upload evidence"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "setup.pdf: The file's name says it is a PDF, but it is a Windows program."
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_files")
    expect(page.locator("#div_id_files .govuk-error-message")).to_contain_text("setup.pdf")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 file uploaded")
    # What was typed is still there.
    expect(page.get_by_label("Description (optional)")).to_have_value(
        "What the citizens' panel said in March."
    )
    expect(page.get_by_label("Kind of evidence")).to_have_value("board_minutes")
    expect(page.get_by_label("Processes", exact=True)).to_be_checked()
    expect(page.get_by_label("Year")).to_have_value("2026")

    stored = EvidenceFile.objects.get()
    assert stored.original_name == "panel-minutes.pdf"
    assert stored.item.title == "panel-minutes"

    portal.follow(page.locator(".govuk-notification-banner").get_by_role("link", name="panel-minutes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("panel-minutes")
    expect(main(portal)).to_contain_text("Board or committee minutes")
    expect(main(portal)).to_contain_text("12 March 2026")
    expect(main(portal)).to_contain_text(re.compile(r"Waiting for virus scan|Available"))


def test_the_library_searches_filters_and_opens_an_item(portal, cast):
    minutes = stored_file(
        cast.org_a,
        cast.lead_a,
        title="Board minutes, March 2026",
        kind=EvidenceItem.Kind.BOARD_MINUTES,
        evidence_date=datetime.date(2026, 3, 12),
        content=b"%PDF- minutes",
    )
    # Text as the extraction task would have filled it in.
    EvidenceFile.objects.filter(pk=minutes.pk).update(
        text="The board heard from the citizens' panel about waiting times for wheelchairs."
    )
    stored_file(
        cast.org_a,
        cast.lead_a,
        title="Access survey results",
        kind=EvidenceItem.Kind.SURVEY_RESULTS,
        category=EvidenceItem.Category.PEOPLES_EXPERIENCE,
        content=b"%PDF- survey",
    )
    portal.sign_in("viewer_a")
    portal.goto("/organisations/QA1/evidence/")
    page = portal.page
    results = page.locator(".app-evidence-results")
    expect(page.get_by_role("heading", name="2 items")).to_be_visible()
    # A viewer reads and downloads, but is offered no upload.
    expect(page.get_by_role("button", name="Upload evidence")).to_have_count(0)

    page.get_by_label("Search").fill("wheelchairs")
    portal.submit("Apply filters")
    expect(page.get_by_role("heading", name="1 item found")).to_be_visible()
    expect(results).to_contain_text("Board minutes, March 2026")
    expect(results.locator("mark")).to_have_text("wheelchairs")

    portal.follow(page.get_by_role("link", name="Clear filters"))
    page.get_by_label("Kind of evidence").select_option("survey_results")
    portal.submit("Apply filters")
    expect(results.get_by_role("link")).to_have_text(["Access survey results"])

    portal.goto("/organisations/QA1/evidence/")
    portal.follow(results.get_by_role("link", name="Board minutes, March 2026"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Board minutes, March 2026")
    expect(main(portal)).to_contain_text("Revision 1")
    expect(main(portal)).to_contain_text("Available")
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
    expect(page.get_by_role("button", name="Add a revision")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete this evidence")).to_have_count(0)


def test_a_contributor_adds_a_revision(portal, cast):
    first = stored_file(cast.org_a, cast.lead_a, title="Engagement strategy", content=b"%PDF- v1")
    portal.sign_in("contributor_a")
    portal.goto(f"/organisations/QA1/evidence/{first.item_id}/")
    page = portal.page
    portal.follow(page.get_by_role("button", name="Add a revision"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a revision")
    page.get_by_label("New version of the file").set_input_files(
        {"name": "strategy-2026.docx", "mimeType": "application/octet-stream", "buffer": crafted.docx()}
    )
    portal.submit("Add revision")
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement strategy")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Revision 2 of “Engagement strategy”")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(["Revision 2 (latest)", "Revision 1"])
    expect(main(portal)).to_contain_text("strategy-2026.docx")
