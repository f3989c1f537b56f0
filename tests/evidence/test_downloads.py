"""Downloads: only through the permission-checked view, only clean files, always recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Assessment
from evidence.models import EvidenceDownload
from tests.evidence.library import assessment, cite, cite_and_submit, stored_file, submit, text_of

pytestmark = pytest.mark.django_db


def download_url(file) -> str:
    return reverse(
        "evidence_download",
        kwargs={"code": file.item.organisation.code, "item_id": file.item_id, "revision": file.revision},
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("person", ["lead_a", "contributor_a", "viewer_a"])
def test_members_download_with_safe_headers_and_a_record(client, cast, person):
    content = b"%PDF-1.7 minutes of the March board"
    file = stored_file(cast.org_a, cast.lead_a, content=content, name="Protokoll März 2026.pdf")
    client.force_login(cast.person(person))
    response = client.get(download_url(file))
    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    # An attachment, never shown inline, with the name encoded for any language (RFC 5987).
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Protokoll%20M%C3%A4rz%202026.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    record = EvidenceDownload.objects.get()
    assert (record.file, record.user) == (file, cast.person(person))


def test_an_ascii_name_is_quoted_plainly(client, cast):
    file = stored_file(cast.org_a, cast.lead_a, name="minutes.pdf")
    client.force_login(cast.viewer_a)
    assert client.get(download_url(file))["Content-Disposition"] == 'attachment; filename="minutes.pdf"'


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        ("pending", "This file cannot be downloaded yet"),
        ("failed", "This file cannot be downloaded yet"),
        ("infected", "This file cannot be downloaded"),
    ],
)
def test_a_file_that_has_not_passed_the_virus_scan_is_never_served(client, cast, status, heading):
    file = stored_file(cast.org_a, cast.lead_a, scan_status=status)
    client.force_login(cast.lead_a)
    response = client.get(download_url(file))
    assert response.status_code == 409
    assert heading in text_of(response)
    assert "%PDF" not in response.content.decode()
    assert not EvidenceDownload.objects.exists()


def test_other_organisations_get_404_and_nothing_is_recorded(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    for person in ("lead_b", "viewer_b", "outsider", "rubric_admin"):
        client.force_login(cast.person(person))
        assert client.get(download_url(file)).status_code == 404, person
    assert not EvidenceDownload.objects.exists()


def test_a_revision_id_from_another_organisation_under_our_code_is_404(client, cast):
    theirs = stored_file(cast.org_b, cast.lead_b)
    client.force_login(cast.lead_a)
    url = reverse("evidence_download", kwargs={"code": "QA1", "item_id": theirs.item_id, "revision": 1})
    assert client.get(url).status_code == 404


def test_a_deleted_items_files_are_not_served(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    type(file.item).objects.filter(pk=file.item_id).update(deleted_at="2026-01-01T00:00Z")
    client.force_login(cast.lead_a)
    assert client.get(download_url(file)).status_code == 404


# ---------------------------------------------------------------------------------------------
# CQC assessors


@pytest.mark.parametrize(
    "status",
    [
        Assessment.Status.SUBMITTED,
        Assessment.Status.IN_REVIEW,
        Assessment.Status.RETURNED,
        Assessment.Status.ASSESSED,
    ],
)
def test_an_assessor_downloads_a_revision_cited_by_a_submitted_assessment(client, cast, status):
    file = stored_file(cast.org_a, cast.lead_a, content=b"%PDF- cited")
    citation = cite(file, cast.lead_a)
    submit(citation.response.assessment, cast.lead_a, status=status)
    client.force_login(cast.assessor)
    response = client.get(download_url(file))
    assert response.status_code == 200
    assert body(response) == b"%PDF- cited"
    assert EvidenceDownload.objects.get().user == cast.assessor


def test_an_assessor_cannot_download_uncited_evidence(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    client.force_login(cast.assessor)
    assert client.get(download_url(file)).status_code == 404
    assert not EvidenceDownload.objects.exists()


def test_an_assessor_cannot_download_evidence_only_a_draft_cites(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    cite(file, cast.lead_a)
    assert assessment(cast.org_a, cast.lead_a).status == Assessment.Status.DRAFT
    client.force_login(cast.assessor)
    assert client.get(download_url(file)).status_code == 404


def test_an_assessor_cannot_download_a_later_revision_of_cited_evidence(client, cast):
    cited = stored_file(cast.org_a, cast.lead_a, content=b"%PDF- v1")
    cite_and_submit(cited, cast.lead_a)
    later = stored_file(cast.org_a, cast.lead_a, item=cited.item, content=b"%PDF- v2")
    client.force_login(cast.assessor)
    assert client.get(download_url(cited)).status_code == 200
    assert client.get(download_url(later)).status_code == 404


def test_an_assessor_cannot_use_another_organisations_citation(client, cast):
    """B's submitted assessment citing A's file (which the services never allow) opens nothing."""
    from evidence.models import Citation

    file = stored_file(cast.org_a, cast.lead_a)
    b_citation = cite(stored_file(cast.org_b, cast.lead_b, content=b"b %PDF-"), cast.lead_b)
    Citation.objects.create(response=b_citation.response, file=file, created_by=cast.lead_b, location="x")
    submit(b_citation.response.assessment, cast.lead_b)
    client.force_login(cast.assessor)
    assert client.get(download_url(file)).status_code == 404


@pytest.mark.parametrize(
    ("content", "stored_type", "served_type"),
    [
        # Uploaded since issue 13: validation found the charset and stored it.
        ("Notes, £20\n".encode(), "text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ("Costs,£20\n".encode("cp1252"), "text/csv; charset=windows-1252", "text/csv; charset=windows-1252"),
        # Uploaded before: the charset is found from the file as it is served.
        ("Notes, £20\n".encode(), "text/plain", "text/plain; charset=utf-8"),
        ("Notes, £20\n".encode("cp1252"), "text/plain", "text/plain; charset=windows-1252"),
    ],
)
def test_text_downloads_name_their_charset(client, cast, content, stored_type, served_type):
    file = stored_file(cast.org_a, cast.lead_a, content=content, name="notes.txt")
    file.content_type = stored_type
    file.save(update_fields=["content_type"])
    client.force_login(cast.lead_a)
    response = client.get(download_url(file))
    assert response["Content-Type"] == served_type
    assert body(response) == content
