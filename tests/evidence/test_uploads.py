"""Uploading evidence through the pages: every kind of bad input, each reported beside its own
file while good files in the same upload are stored and the typed details are kept; quota,
limits, duplicates, revisions and who may upload."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evidence import processing
from evidence.models import EvidenceFile, EvidenceItem
from tests.evidence import crafted
from tests.evidence.library import cite_and_submit, stored_file, text_of

pytestmark = pytest.mark.django_db

DETAILS = {
    "title": "Board minutes, March 2026",
    "description": "Minutes of the March board meeting, where the citizens' panel reported.",
    "kind": "board_minutes",
    "category": "PR",
    "evidence_date_0": "12",
    "evidence_date_1": "3",
    "evidence_date_2": "2026",
}


def upload_url(cast) -> str:
    return reverse("evidence_upload", kwargs={"code": cast.org_a.code})


def post(client, cast, *files, **changes):
    return client.post(upload_url(cast), {**DETAILS, **changes, "files": list(files)})


def f(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page(response) -> str:
    return response.content.decode()


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page(response), flags=re.S)
    assert match, "no error summary on the page"
    return re.sub(r"\s+", " ", match.group(0))


def assert_details_kept(response) -> None:
    html = page(response)
    assert 'value="Board minutes, March 2026"' in html
    assert "where the citizens&#x27; panel reported.</textarea>" in html
    assert '<option value="board_minutes" selected>' in html
    assert re.search(r'value="PR"[^>]*checked', html)
    assert 'name="evidence_date_0" value="12"' in html
    assert 'name="evidence_date_2" value="2026"' in html


@pytest.fixture
def contributor(client, cast):
    client.force_login(cast.contributor_a)
    return client


# ---------------------------------------------------------------------------------------------
# A good upload


def test_a_contributor_uploads_a_pdf_and_lands_on_its_page(contributor, cast):
    content = crafted.pdf()
    response = post(contributor, cast, f("minutes.pdf", content))
    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "evidence_item", kwargs={"code": cast.org_a.code, "item_id": item.pk}
    )
    file = item.files.get()
    assert (item.organisation, item.created_by, item.title) == (
        cast.org_a,
        cast.contributor_a,
        DETAILS["title"],
    )
    assert str(item.evidence_date) == "2026-03-12"
    assert (file.revision, file.original_name, file.size) == (1, "minutes.pdf", len(content))
    assert file.content_type == "application/pdf"
    assert file.sha256 == hashlib.sha256(content).hexdigest()
    assert file.scan_status == EvidenceFile.ScanStatus.PENDING
    # Stored under a random key that says nothing about the file, and byte for byte.
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", file.storage_key)
    with storages["evidence"].open(file.storage_key, "rb") as stored:
        assert stored.read() == content
    shown = text_of(contributor.get(response["Location"]))
    assert "“Board minutes, March 2026” has been uploaded." in shown
    assert "minutes.pdf" in shown and "Waiting for virus scan" in shown


def test_each_new_revision_is_handed_to_processing_after_commit(
    contributor, cast, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(processing, "file_uploaded", seen.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(contributor, cast, f("minutes.pdf", crafted.pdf()), f("poster.png", crafted.png()), title="")
    assert seen == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(file.original_name for file in seen) == ["minutes.pdf", "poster.png"]


# ---------------------------------------------------------------------------------------------
# Bad input: each file's problem beside it, nothing stored, the details kept


BAD_FILES = [
    pytest.param("empty.pdf", lambda tmp: b"", "The file is empty.", id="zero-bytes"),
    pytest.param(
        "setup.pdf",
        lambda tmp: crafted.EXE,
        "The file's name says it is a PDF, but it is a Windows program.",
        id="exe-renamed-pdf",
    ),
    pytest.param(
        "strategy.docx",
        lambda tmp: crafted.docm(),
        "This file contains macros, which can run harmful code",
        id="docm-renamed-docx",
    ),
    pytest.param(
        "report.docx",
        lambda tmp: crafted.write_zip_bomb(tmp / "bomb.docx").read_bytes(),
        "This file is a Word document that would unpack to more than 200 MB, far more data than a real "
        "document holds",
        id="zip-bomb-docx",
    ),
    pytest.param(
        "locked.pdf",
        lambda tmp: crafted.encrypted_pdf(),
        "The PDF is protected with a password",
        id="encrypted",
    ),
    pytest.param(
        "logo.svg",
        lambda tmp: crafted.SVG,
        "SVG images cannot be uploaded, because they can contain scripts.",
        id="svg",
    ),
    pytest.param("minutes.html", lambda tmp: crafted.HTML, "Web pages (.html) cannot be uploaded", id="html"),
    pytest.param(
        "minutes.pdf",
        lambda tmp: crafted.pdf_with_open_action("/JavaScript"),
        "This PDF is set to run JavaScript or start another program when it is opened",
        id="pdf-javascript-on-open",
    ),
    pytest.param(
        "minutes.pdf",
        lambda tmp: crafted.pdf_with_embedded_file(),
        "This PDF has other files attached inside it",
        id="pdf-embedded-file",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES)
def test_a_bad_file_gets_its_own_message_and_the_details_are_kept(
    contributor, cast, tmp_path, name, make, message
):
    response = post(contributor, cast, f(name, make(tmp_path)))
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Upload evidence", page(response))
    summary = error_summary(response)
    assert f'<a href="#id_files">{name}: {message}' in summary.replace("&#x27;", "'")
    # Beside the file input too, not only in the summary.
    beside = re.search(r'id="div_id_files".*?<input[^>]*>', page(response), flags=re.S).group(0)
    assert "govuk-error-message" in beside and name in beside
    assert_details_kept(response)
    assert not EvidenceFile.objects.exists()
    assert not EvidenceItem.objects.exists()


def test_a_file_over_the_size_limit_is_refused_while_it_streams(contributor, cast, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 100_000
    response = post(contributor, cast, f("big.pdf", crafted.pdf() + b"%" * 200_000))
    assert "big.pdf: The file must be smaller than 97.7 KB." in error_summary(response)
    assert_details_kept(response)
    assert not EvidenceFile.objects.exists()


def test_good_files_in_an_upload_are_stored_and_bad_ones_reported(contributor, cast):
    response = post(
        contributor,
        cast,
        f("minutes.pdf", crafted.pdf()),
        f("setup.pdf", crafted.EXE),
        f("poster.png", crafted.png()),
        f("empty.txt", b""),
        title="",
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert "setup.pdf: The file's name says it is a PDF, but it is a Windows program." in summary.replace(
        "&#x27;", "'"
    )
    assert "empty.txt: The file is empty." in summary
    assert "minutes.pdf" not in summary and "poster.png" not in summary
    items = EvidenceItem.objects.order_by("title")
    # One item per good file, named after it, with the details typed in the form.
    assert [item.title for item in items] == ["minutes", "poster"]
    assert {(item.kind, item.category, str(item.evidence_date)) for item in items} == {
        ("board_minutes", "PR", "2026-03-12")
    }
    assert [f.content_type for f in EvidenceFile.objects.order_by("original_name")] == [
        "application/pdf",
        "image/png",
    ]
    shown = text_of(response)
    assert "2 files uploaded" in shown
    assert "The files with problems were not uploaded." in shown
    assert 'name="description"' in page(response) and "citizens&#x27; panel" in page(response)


def test_several_good_files_are_one_item_each_titled_after_the_typed_title(contributor, cast):
    response = post(contributor, cast, f("march.pdf", crafted.pdf()), f("april.docx", crafted.docx()))
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence_library", kwargs={"code": cast.org_a.code})
    assert sorted(EvidenceItem.objects.values_list("title", flat=True)) == [
        "Board minutes, March 2026: april",
        "Board minutes, March 2026: march",
    ]
    assert all(item.files.count() == 1 for item in EvidenceItem.objects.all())


def test_a_long_unicode_name_with_a_path_and_control_characters_is_stored_with_a_clean_name(
    contributor, cast
):
    raw_name = "../../" + "Überprüfung-der-Bürgerbeteiligung-" * 8 + "\x07\x1b" + "ü" * 20 + ".pdf"
    assert len(raw_name) > 300
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\n".encode()
        + "".join(
            f'Content-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n--{boundary}\r\n'
            for key, value in DETAILS.items()
        ).encode()
        + f'Content-Disposition: form-data; name="files"; filename="{raw_name}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + crafted.pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = contributor.generic(
        "POST", upload_url(cast), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    file = EvidenceFile.objects.get()
    assert len(file.original_name) == 255
    assert file.original_name.startswith("Überprüfung-der-Bürgerbeteiligung-")
    assert file.original_name.endswith(".pdf")
    assert not re.search(r"[\x00-\x1f/\\]", file.original_name)
    assert file.original_name not in file.storage_key


def test_files_over_the_per_upload_limit_are_named_and_not_stored(contributor, cast, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPLOAD = 2
    response = post(
        contributor,
        cast,
        f("one.pdf", crafted.pdf(1)),
        f("two.pdf", crafted.pdf(2)),
        f("three.pdf", crafted.pdf(3)),
        title="",
    )
    summary = error_summary(response)
    assert "three.pdf: You can upload up to 2 files at a time, so this one was not uploaded." in summary
    assert sorted(EvidenceFile.objects.values_list("original_name", flat=True)) == ["one.pdf", "two.pdf"]


def test_an_upload_over_the_organisations_quota_is_refused(contributor, cast, settings):
    held = stored_file(cast.org_a, cast.lead_a, content=b"x" * 5000, name="old.txt")
    stored_file(cast.org_b, cast.lead_b, content=b"y" * 50_000, name="theirs.txt")  # B's files do not count
    settings.EVIDENCE_QUOTA_BYTES = 5000 + len(crafted.pdf()) + 10
    small = crafted.pdf()
    response = post(contributor, cast, f("small.pdf", small), f("bigger.docx", crafted.docx()), title="")
    summary = error_summary(response)
    assert "bigger.docx: Your organisation&#x27;s evidence library is full" in summary
    assert EvidenceFile.objects.filter(original_name="small.pdf").exists()
    # Deleting frees the space at once.
    EvidenceItem.objects.filter(pk=held.item_id).update(deleted_at="2026-01-01T00:00Z")
    assert post(contributor, cast, f("bigger.docx", crafted.docx())).status_code == 302


def test_a_file_the_organisation_already_holds_is_offered_not_stored_twice(contributor, cast):
    content = crafted.pdf(title="Engagement strategy")
    held = stored_file(cast.org_a, cast.lead_a, title="Engagement strategy 2026", content=content)
    response = post(contributor, cast, f("copy-of-strategy.pdf", content))
    assert response.status_code == 200
    shown = text_of(response)
    assert "copy-of-strategy.pdf: You already have this file: Engagement strategy 2026 (revision 1)" in shown
    link = reverse("evidence_item", kwargs={"code": cast.org_a.code, "item_id": held.item_id})
    assert f'href="{link}"' in page(response)
    assert "Error:" not in page(response).split("</title>")[0]
    assert EvidenceFile.objects.count() == 1


def test_another_organisations_copy_or_a_deleted_copy_is_not_a_duplicate(contributor, cast):
    content = crafted.pdf(title="Shared guidance")
    stored_file(cast.org_b, cast.lead_b, content=content)
    deleted = stored_file(cast.org_a, cast.lead_a, content=content)
    EvidenceItem.objects.filter(pk=deleted.item_id).update(deleted_at="2026-01-01T00:00Z")
    assert post(contributor, cast, f("guidance.pdf", content)).status_code == 302
    assert (
        EvidenceFile.objects.filter(item__organisation=cast.org_a, item__deleted_at__isnull=True).count() == 1
    )


# ---------------------------------------------------------------------------------------------
# The form's own rules


def test_one_file_needs_a_title(contributor, cast):
    response = post(contributor, cast, f("minutes.pdf", crafted.pdf()), title="")
    assert '<a href="#id_title">Enter a title</a>' in error_summary(response)
    assert "Your files have not been uploaded yet." in text_of(response)
    assert not EvidenceFile.objects.exists()


def test_the_kind_category_and_a_file_are_required(contributor, cast):
    response = contributor.post(upload_url(cast), {"title": "Minutes"})
    summary = error_summary(response)
    assert "Choose the kind of evidence" in summary
    assert "Choose the evidence category" in summary
    assert "Choose at least one file to upload" in summary


def test_a_half_typed_date_is_an_error(contributor, cast):
    response = post(contributor, cast, f("minutes.pdf", crafted.pdf()), evidence_date_1="")
    assert "The date must include a month" in error_summary(response)


# ---------------------------------------------------------------------------------------------
# Who may upload


def test_a_viewer_cannot_upload(client, cast):
    client.force_login(cast.viewer_a)
    assert post(client, cast, f("minutes.pdf", crafted.pdf())).status_code == 403
    assert client.get(upload_url(cast)).status_code == 403
    assert not EvidenceFile.objects.exists()


def test_another_organisation_cannot_upload_into_ours(client, cast):
    client.force_login(cast.lead_b)
    assert post(client, cast, f("minutes.pdf", crafted.pdf())).status_code == 404
    assert not EvidenceFile.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.lead_a)
    response = post(client, cast, f("minutes.pdf", crafted.pdf()))
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_an_upload_with_the_csrf_token_is_accepted(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.lead_a)
    form = client.get(upload_url(cast))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(form)).group(1)
    response = post(client, cast, f("minutes.pdf", crafted.pdf()), csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Revisions


def revision_url(cast, item) -> str:
    return reverse("evidence_revision_add", kwargs={"code": cast.org_a.code, "item_id": item.pk})


def test_a_new_revision_never_overwrites_the_old_one(contributor, cast):
    first = stored_file(cast.org_a, cast.lead_a, content=crafted.pdf(1))
    with storages["evidence"].open(first.storage_key, "rb") as stored:
        before = stored.read()
    response = contributor.post(
        revision_url(cast, first.item), {"file": f("minutes-v2.docx", crafted.docx())}
    )
    assert response.status_code == 302
    second = first.item.files.get(revision=2)
    assert (second.original_name, second.uploaded_by) == ("minutes-v2.docx", cast.contributor_a)
    assert second.storage_key != first.storage_key
    first.refresh_from_db()
    with storages["evidence"].open(first.storage_key, "rb") as stored:
        assert stored.read() == before
    shown = text_of(contributor.get(response["Location"]))
    assert "Revision 2 of “Board minutes, March 2026” has been uploaded." in shown
    assert "Revision 2 (latest)" in shown and "Revision 1" in shown


def test_evidence_a_submitted_assessment_cites_can_still_get_a_new_revision(contributor, cast):
    cited = stored_file(cast.org_a, cast.lead_a)
    cite_and_submit(cited, cast.lead_a)
    response = contributor.post(revision_url(cast, cited.item), {"file": f("v2.pdf", crafted.pdf(2))})
    assert response.status_code == 302
    assert cited.item.files.count() == 2
    assert cited.citations.get().file_id == cited.pk


def test_a_bad_revision_is_reported_beside_the_file_input(contributor, cast):
    item = stored_file(cast.org_a, cast.lead_a).item
    response = contributor.post(revision_url(cast, item), {"file": f("v2.docx", crafted.docm())})
    assert response.status_code == 200
    assert '<a href="#id_file">v2.docx: This file contains macros' in error_summary(response)
    assert item.files.count() == 1


def test_a_revision_the_organisation_already_holds_is_offered_not_stored(contributor, cast):
    held = stored_file(cast.org_a, cast.lead_a, title="Annual report", content=crafted.pdf(4))
    item = stored_file(cast.org_a, cast.lead_a, title="Minutes").item
    response = contributor.post(revision_url(cast, item), {"file": f("again.pdf", crafted.pdf(4))})
    assert "You already have this file: Annual report (revision 1)" in text_of(response)
    assert held.item.files.count() == 1 and item.files.count() == 1


def test_a_viewer_cannot_add_a_revision(client, cast):
    item = stored_file(cast.org_a, cast.lead_a).item
    client.force_login(cast.viewer_a)
    assert client.post(revision_url(cast, item), {"file": f("v2.pdf", crafted.pdf(2))}).status_code == 403
    assert item.files.count() == 1


@pytest.mark.parametrize("name", ["", ".", "..", "../..", "/"])
def test_a_file_name_with_nothing_left_after_cleaning_is_refused_plainly(contributor, cast, name):
    """Django's test client will not build these names, so the multipart body is written by
    hand, as a hostile client would send it: a clear message, the details kept, nothing stored."""
    boundary = "fuzzboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in DETAILS.items()
    ]
    body = (
        "".join(parts).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.4\n%%EOF\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = contributor.generic(
        "POST", upload_url(cast), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 200
    assert "Choose at least one file to upload" in error_summary(response)
    assert_details_kept(response)
    assert not EvidenceFile.objects.exists()


def test_the_upload_pages_use_the_govuk_file_upload_component_with_limits_in_plain_figures(contributor, cast):
    """Issue 13, item 6: GOV.UK's file upload, first on the page, and "50 MB", not "50.0 MB"."""
    html = page(contributor.get(upload_url(cast)))
    file_input = re.search(r'<input type="file" name="files"[^>]*>', html).group(0)
    assert 'class="govuk-file-upload"' in file_input and "multiple" in file_input
    assert html.index('id="id_files"') < html.index('id="id_title"')
    assert "Up to 10 files at a time, each smaller than 50\xa0MB" in html
    assert "50.0" not in html

    refused = page(post(contributor, cast, f("minutes.exe", crafted.EXE)))
    file_input = re.search(r'<input type="file" name="files"[^>]*>', refused).group(0)
    assert 'class="govuk-file-upload govuk-file-upload--error"' in file_input

    item = stored_file(cast.org_a, cast.lead_a).item
    revision = page(contributor.get(revision_url(cast, item)))
    assert re.search(r'<input type="file" name="file"[^>]*class="govuk-file-upload"', revision)
    assert "Smaller than 50\xa0MB" in revision


def test_each_evidence_category_says_what_it_covers(contributor, cast):
    """From the published rubric, so a newcomer can tell "Processes" from "Outcomes"."""
    html = page(contributor.get(upload_url(cast)))
    assert re.search(
        r'Feedback from partners\s*</label>\s*<div[^>]*class="govuk-hint[^"]*"[^>]*>\s*Healthwatch, VCSE',
        html,
    )
