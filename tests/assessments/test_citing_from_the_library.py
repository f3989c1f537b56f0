"""Citing evidence from either side (issue 13, item 6): "Cite this in the 2026/27 self-assessment"
on an evidence item, choosing the criterion; and "Upload a new document" on the citation page,
which comes back to it with the new document chosen."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceFile
from tests.assessments.helpers import cite, evidence_file, start, submitted
from tests.assessments.test_pages import text_of, url

pytestmark = pytest.mark.django_db


def item_url(file) -> str:
    return reverse("evidence_item", kwargs={"code": file.item.organisation.code, "item_id": file.item_id})


def choose_url(assessment, file) -> str:
    return url("evidence_cite_criterion", assessment, item_id=file.item_id)


def chosen_radio(html: str) -> str | None:
    """The value of the evidence radio that is checked, if any."""
    for tag in re.findall(r'<input[^>]*name="file"[^>]*>', html):
        if "checked" in tag:
            return re.search(r'value="(\d+)"', tag).group(1)
    return None


# ---------------------------------------------------------------------------------------------
# From an evidence item


def test_an_item_offers_to_be_cited_in_the_self_assessment_in_progress(client, cast):
    assessment = start(cast)
    file = evidence_file(cast.org_a, cast.lead_a)
    client.force_login(cast.contributor_a)
    page = client.get(item_url(file)).content.decode()
    offer = re.escape(choose_url(assessment, file))
    assert re.search(rf'<a href="{offer}"[^>]*>Cite this in the 2026/27 self-assessment</a>', page)


def test_no_offer_to_viewers_or_while_the_scan_is_pending(client, cast):
    start(cast)
    file = evidence_file(cast.org_a, cast.lead_a)
    waiting = evidence_file(cast.org_a, cast.lead_a, title="Survey", scan_status="pending")
    client.force_login(cast.viewer_a)
    assert "Cite this in" not in text_of(client.get(item_url(file)))
    client.force_login(cast.lead_a)
    assert "Cite this in" not in text_of(client.get(item_url(waiting)))
    assert "Cite this in the 2026/27 self-assessment" in text_of(client.get(item_url(file)))


def test_no_offer_once_the_self_assessment_is_submitted(client, cast):
    assessment = submitted(cast)
    file = evidence_file(cast.org_a, cast.lead_a, title="Later evidence")
    client.force_login(cast.lead_a)
    assert "Cite this in" not in text_of(client.get(item_url(file)))
    # And the criterion page refuses, saying why.
    refused = client.post(choose_url(assessment, file), {"criterion": "1.1"})
    assert refused.status_code == 409
    assert "so evidence cannot be cited in it now" in text_of(refused)


def test_choosing_the_criterion_leads_to_the_citation_page_with_the_document_chosen(client, cast):
    assessment = start(cast)
    others = [evidence_file(cast.org_a, cast.lead_a, title=f"Other {n}") for n in range(3)]
    file = evidence_file(cast.org_a, cast.lead_a, title="Healthwatch statement")
    cite(assessment, "3.2", file, cast.lead_a)
    client.force_login(cast.contributor_a)

    page = client.get(choose_url(assessment, file))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cite this in the 2026/27 self-assessment" in text_of(page)
    assert re.search(r'<optgroup label="Principle 1: [^"]+">\s*<option value="1.1">1.1 ', html)
    assert re.search(r'<option value="3.2">3.2 [^<]*\(already cites it\)</option>', html)

    missing = client.post(choose_url(assessment, file), {"criterion": ""})
    assert "Choose the criterion this evidence supports" in text_of(missing)

    chosen = client.post(choose_url(assessment, file), {"criterion": "2.1"})
    assert chosen.status_code == 302
    assert chosen["Location"] == url("citation_add", assessment, criterion="2.1") + f"?file={file.pk}"
    cite_page = client.get(chosen["Location"]).content.decode()
    assert chosen_radio(cite_page) == str(file.pk)
    assert len(others) == 3


def test_another_organisations_item_is_404_and_a_viewer_is_403(client, cast):
    assessment = start(cast)
    theirs = evidence_file(cast.org_b, cast.lead_b)
    client.force_login(cast.lead_a)
    assert client.get(choose_url(assessment, theirs)).status_code == 404
    ours = evidence_file(cast.org_a, cast.lead_a)
    client.force_login(cast.viewer_a)
    assert client.get(choose_url(assessment, ours)).status_code == 403


def test_the_citation_page_ignores_another_organisations_file(client, cast):
    assessment = start(cast)
    theirs = evidence_file(cast.org_b, cast.lead_b, title="Brackenfield secret minutes")
    client.force_login(cast.lead_a)
    page = client.get(url("citation_add", assessment, criterion="1.1") + f"?file={theirs.pk}")
    assert page.status_code == 200
    assert "Brackenfield secret minutes" not in page.content.decode()


# ---------------------------------------------------------------------------------------------
# From the citation page


def upload(client, cast, return_to: str, content: bytes = b"Notes of the March panel\n", name="panel.txt"):
    upload_url = reverse("evidence_upload", kwargs={"code": cast.org_a.code})
    return client.post(
        f"{upload_url}?return_to={quote(return_to)}",
        {
            "title": "Citizens' panel notes, March 2026",
            "kind": "interview_notes",
            "category": "PE",
            "files": [SimpleUploadedFile(name, content, content_type="text/plain")],
        },
    )


def test_upload_a_new_document_returns_to_the_citation_page_with_it_chosen(
    client, cast, django_capture_on_commit_callbacks
):
    assessment = start(cast)
    evidence_file(cast.org_a, cast.lead_a, title="Older evidence")
    cite_url = url("citation_add", assessment, criterion="1.1")
    client.force_login(cast.contributor_a)
    html = client.get(cite_url).content.decode()
    link = reverse("evidence_upload", kwargs={"code": cast.org_a.code}) + f"?return_to={quote(cite_url)}"
    assert f'<a class="govuk-link" href="{link}">Upload a new document</a>' in html.replace("&amp;", "&")

    # The upload page knows where it will go back to.
    upload_page = client.get(link)
    assert (
        f'<a href="{cite_url}" class="govuk-back-link">Back to citing evidence</a>'
        in upload_page.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):  # the scan runs (immediate backend)
        response = upload(client, cast, cite_url)
    new = EvidenceFile.objects.get(original_name="panel.txt")
    assert response.status_code == 302
    assert response["Location"] == f"{cite_url}?file={new.pk}"
    back = client.get(response["Location"])
    assert "“Citizens' panel notes, March 2026” has been uploaded." in text_of(back)
    assert chosen_radio(back.content.decode()) == str(new.pk)

    # Citing it from there works as ever.
    cited = client.post(
        response["Location"], {"file": str(new.pk), "location": "Page 2", "note": "What the panel asked for."}
    )
    assert cited.status_code == 302
    assert new.citations.get().response.criterion.code == "1.1"


def test_a_document_still_waiting_for_its_scan_is_named_not_offered(client, cast):
    assessment = start(cast)
    cite_url = url("citation_add", assessment, criterion="1.1")
    client.force_login(cast.contributor_a)
    response = upload(client, cast, cite_url)  # the scan has not run: no commit callbacks
    new = EvidenceFile.objects.get(original_name="panel.txt")
    assert new.scan_status == "pending"
    assert response["Location"] == f"{cite_url}?file={new.pk}"
    back = client.get(response["Location"])
    assert "“Citizens' panel notes, March 2026” cannot be cited until its virus scan has passed" in text_of(
        back
    )
    assert chosen_radio(back.content.decode()) is None


def test_a_file_already_held_returns_with_the_copy_held_chosen(client, cast):
    assessment = start(cast)
    held = evidence_file(cast.org_a, cast.lead_a, content=b"Notes of the March panel\n", name="old.txt")
    cite_url = url("citation_add", assessment, criterion="1.1")
    client.force_login(cast.contributor_a)
    response = upload(client, cast, cite_url)
    assert response["Location"] == f"{cite_url}?file={held.pk}"
    assert chosen_radio(client.get(response["Location"]).content.decode()) == str(held.pk)


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.example/organisations/QA1/assessments/",
        "//evil.example/organisations/QA1/",
        "/organisations/E99900001/assessments/2026-27/criteria/1.1/evidence/add/",
        "/organisations/QA1/evidence/",
        "/organisations/QA1/no-such-page/",
    ],
)
def test_return_to_goes_only_to_this_organisations_own_pages(client, cast, return_to):
    start(cast)
    client.force_login(cast.contributor_a)
    response = upload(client, cast, return_to)
    new = EvidenceFile.objects.get(original_name="panel.txt")
    assert response["Location"] == item_url(new)


def test_an_items_citations_link_members_to_the_criteria_citing_it(client, cast):
    assessment = start(cast)
    file = evidence_file(cast.org_a, cast.lead_a)
    cite(assessment, "3.2", file, cast.lead_a)
    client.force_login(cast.viewer_a)
    html = client.get(item_url(file)).content.decode()
    criterion = url("assessment_criterion", assessment, criterion="3.2")
    assert f'<a class="govuk-link" href="{criterion}">criterion 3.2</a>' in html
