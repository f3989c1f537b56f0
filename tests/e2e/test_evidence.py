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


def test_citing_from_an_item_and_uploading_from_the_citation_page(portal, cast):
    """Issue 13, items 6 and 21, with axe on every page: an item cited in the self-assessment
    through "Cite this in the 2026/27 self-assessment"; a new document uploaded from the
    citation page and back there, chosen; and the conflict page of "Change details"."""
    from tests.assessments.helpers import start

    assessment = start(cast)
    statement = stored_file(
        cast.org_a, cast.lead_a, title="Healthwatch statement on engagement", content=b"%PDF- statement"
    )
    portal.sign_in("contributor_a")
    page = portal.page
    portal.goto(f"/organisations/QA1/evidence/{statement.item_id}/")
    portal.follow(page.get_by_role("button", name="Cite this in the 2026/27 self-assessment"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cite this in the 2026/27 self-assessment")
    portal.submit("Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the criterion this evidence supports"
    )
    page.get_by_label("Which criterion does it support?").select_option("1.2")
    portal.submit("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cite evidence from your library")
    expect(page.get_by_label("Healthwatch statement on engagement")).to_be_checked()

    # Not in the library yet: upload it from here, and come back with it chosen.
    portal.follow(page.get_by_role("link", name="Upload a new document"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload evidence")
    expect(main(portal)).to_contain_text("you will go back to citing evidence")
    page.get_by_label("Files to upload").set_input_files(
        {"name": "panel-notes.pdf", "mimeType": "application/pdf", "buffer": crafted.pdf()}
    )
    page.get_by_label("Title").fill("Citizens' panel notes, March 2026")
    page.get_by_label("Kind of evidence").select_option("interview_notes")
    page.get_by_label("People's experience", exact=True).check()
    portal.submit("Upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cite evidence from your library")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been uploaded")
    expect(page.get_by_label("Citizens' panel notes, March 2026")).to_be_checked()
    # Had its virus scan not finished yet, the page says so, and offers it once it has.
    uploaded = EvidenceFile.objects.filter(original_name="panel-notes.pdf")
    uploaded.update(scan_status="pending")
    portal.goto(page.url.removeprefix(portal.base_url))
    expect(main(portal)).to_contain_text("cannot be cited until its virus scan has passed")
    expect(page.get_by_label("Citizens' panel notes, March 2026")).to_have_count(0)
    uploaded.update(scan_status="clean")
    portal.follow(page.get_by_role("link", name="Refresh this page"))
    expect(page.get_by_label("Citizens' panel notes, March 2026")).to_be_checked()
    page.get_by_label("Where in the document").fill("Page 2")
    page.get_by_label("What it shows").fill("The panel asked for named leads.")
    portal.submit("Cite this evidence")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.2")
    assert (
        assessment.responses.get(criterion__code="1.2").citations.get().file.original_name
        == "panel-notes.pdf"
    )

    # Two people changing an item's details: the second sees both versions.
    portal.goto(f"/organisations/QA1/evidence/{statement.item_id}/edit/")
    EvidenceItem.objects.filter(pk=statement.item_id).update(
        title="Healthwatch Alderley statement", version=2, updated_by=cast.lead_a
    )
    page.get_by_label("Description (optional)").fill("Their view of our engagement.")
    portal.submit("Save changes")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your changes were not saved")
    expect(page.locator("#their-title")).to_have_text("Healthwatch Alderley statement")
    expect(page.get_by_label("Description (optional)")).to_have_value("Their view of our engagement.")
