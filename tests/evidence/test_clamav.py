"""Virus scanning against ClamAV's real clamd.

The clamd is the one CLAMD_SOCKET (or CLAMD_HOST and CLAMD_PORT) points at when set, as in CI
(.ci/run starts one); otherwise the tests start a private clamd of their own with an EICAR-only
signature database (tests/evidence/clamd.py), which takes a fraction of a second. Without the
clamd program these tests fail, saying how to install it: they are never skipped.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from evidence.models import EvidenceFile
from evidence.scanning import ClamdScanner, ScanError, clamd_limits
from evidence.tasks import scan_and_extract
from tests.evidence import crafted, documents
from tests.evidence.clamd import EICAR, SMALL_STREAM_MAX_LENGTH, PrivateClamd, private_clamd
from tests.evidence.stored import stored_bytes, stored_file

pytestmark = pytest.mark.clamav


@pytest.fixture(scope="session")
def private(tmp_path_factory) -> PrivateClamd:
    # A short folder: a unix socket's path must fit in 108 bytes.
    try:
        with private_clamd(Path(tmp_path_factory.mktemp("clamd"))) as clamd:
            yield clamd
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> PrivateClamd:
    """A clamd that refuses streams over 1 MB, so its size-limit reply can be tested."""
    try:
        with private_clamd(
            Path(tmp_path_factory.mktemp("clamd-small")),
            limits={"StreamMaxLength": str(SMALL_STREAM_MAX_LENGTH)},
        ) as clamd:
            yield clamd
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def clamd_address(request) -> dict:
    """Keyword arguments for ClamdScanner and the matching settings: the configured clamd, or
    the private one."""
    if socket_path := os.environ.get("CLAMD_SOCKET"):
        return {"socket_path": socket_path}
    if host := os.environ.get("CLAMD_HOST"):
        return {"host": host, "port": int(os.environ.get("CLAMD_PORT") or 3310)}
    return {"socket_path": request.getfixturevalue("private").socket_path}


@pytest.fixture
def use_clamd(settings, clamd_address):
    """Point the portal's settings at the real clamd, as CLAMD_* would in production."""
    settings.CLAMD_SOCKET = clamd_address.get("socket_path", "")
    settings.CLAMD_HOST = clamd_address.get("host", "")
    settings.CLAMD_PORT = clamd_address.get("port", 3310)
    settings.EVIDENCE_ALLOW_UNSCANNED = False
    return ClamdScanner(**clamd_address, timeout=30)


def test_clamd_answers(use_clamd):
    assert use_clamd.ping() is True


def test_eicar_is_found_and_a_document_is_clean(use_clamd):
    infected = use_clamd.scan(io.BytesIO(EICAR))
    assert infected.clean is False
    assert "eicar" in infected.detail.lower()

    clean = use_clamd.scan(io.BytesIO(documents.docx("Board minutes")))
    assert (clean.clean, clean.detail) == (True, "OK")


def test_eicar_split_across_chunks_is_still_found(clamd_address):
    scanner = ClamdScanner(**clamd_address, timeout=30, chunk_size=7)
    assert scanner.scan(io.BytesIO(EICAR + b"\n")).clean is False


@pytest.mark.parametrize("transport", ["unix", "tcp"])
def test_the_private_clamd_over_a_unix_socket_and_tcp(private, transport):
    scanner = private.scanner(transport, timeout=30)
    assert scanner.ping() is True
    assert scanner.scan(io.BytesIO(EICAR)).clean is False
    assert scanner.scan(io.BytesIO(b"Nothing to see here")).clean is True


@pytest.mark.parametrize("transport", ["unix", "tcp"])
def test_a_stream_over_clamds_size_limit_is_a_final_scan_error(small, transport):
    scanner = small.scanner(transport, timeout=30)
    with pytest.raises(ScanError, match="StreamMaxLength") as error:
        scanner.scan(io.BytesIO(b"\0" * (2 * SMALL_STREAM_MAX_LENGTH)))
    assert error.value.retryable is False


def test_an_uploaded_eicar_file_is_marked_infected_and_never_downloadable(use_clamd, cast):
    file = stored_file(cast.org_a, cast.lead_a, "minutes.pdf", EICAR)

    assert scan_and_extract.call(file.pk) == "infected"

    file.refresh_from_db()
    assert file.scan_status == "infected"
    assert "eicar" in file.scan_detail.lower()
    assert file.is_available is False
    # Not quarantined: the stored bytes are gone, so nothing can ever serve them.
    assert stored_bytes(file) is None


def test_an_uploaded_clean_file_becomes_available_with_its_text(use_clamd, cast):
    content = documents.pdf("Engagement strategy 2026")
    file = stored_file(cast.org_a, cast.lead_a, "strategy.pdf", content)

    assert scan_and_extract.call(file.pk) == "clean"

    file.refresh_from_db()
    assert (file.scan_status, file.scan_detail, file.is_available) == ("clean", "OK", True)
    assert "Engagement strategy 2026" in file.text
    assert stored_bytes(file) == content


def test_eicar_inside_a_word_document_is_found(use_clamd, cast):
    """clamd unpacks the zip inside a .docx and finds what is hidden there."""
    content = documents.docx("Innocent", extra={"word/media/payload.bin": EICAR.decode()})
    file = stored_file(cast.org_a, cast.lead_a, "innocent.docx", content)
    assert scan_and_extract.call(file.pk) == "infected"


def test_clamd_going_away_fails_the_scan_and_keeps_the_file(settings, cast, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "clamd-is-not-here.sock")
    settings.EVIDENCE_ALLOW_UNSCANNED = False
    file = stored_file(cast.org_a, cast.lead_a, "notes.txt", b"notes")

    assert scan_and_extract.call(file.pk) == "failed"

    file.refresh_from_db()
    assert (file.scan_status, file.is_available) == ("failed", False)
    assert "Cannot reach clamd" in file.scan_detail
    assert stored_bytes(file) == b"notes"


def test_through_the_upload_page_eicar_is_rejected_and_never_downloadable_and_a_clean_file_is(
    use_clamd, client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.contributor_a)
    upload = reverse("evidence_upload", kwargs={"code": cast.org_a.code})
    # The scan runs when the upload commits (the immediate task backend, as with DEBUG).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            upload,
            {
                "title": "",
                "kind": "engagement_plan",
                "category": "PR",
                "files": [
                    SimpleUploadedFile("notes.txt", EICAR, content_type="text/plain"),
                    SimpleUploadedFile(
                        "plan.txt", b"Our engagement plan for 2026", content_type="text/plain"
                    ),
                ],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    infected = EvidenceFile.objects.get(original_name="notes.txt")
    clean = EvidenceFile.objects.get(original_name="plan.txt")
    assert infected.scan_status == "infected" and "eicar" in infected.scan_detail.lower()
    assert (clean.scan_status, clean.text) == ("clean", "Our engagement plan for 2026")

    def download(file):
        return client.get(
            reverse(
                "evidence_download",
                kwargs={"code": cast.org_a.code, "item_id": file.item_id, "revision": file.revision},
            )
        )

    refused = download(infected)
    assert refused.status_code == 409
    assert EICAR not in refused.content
    served = download(clean)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"Our engagement plan for 2026"


# ---------------------------------------------------------------------------------------------
# Issue 13, item 23: `make clamd`'s limits follow EVIDENCE_MAX_FILE_BYTES


def test_clamd_limits_cover_the_largest_upload_and_what_a_document_may_unpack_to():
    assert clamd_limits(50 * 1024 * 1024) == {
        "StreamMaxLength": "50M",
        "MaxFileSize": "50M",
        "MaxScanSize": "250M",
    }
    # Rounded up to whole megabytes, never down below the largest upload.
    assert clamd_limits(50 * 1024 * 1024 + 1)["StreamMaxLength"] == "51M"


def test_the_private_clamds_limits_come_from_evidence_max_file_bytes(private, settings):
    config = (private.directory / "clamd.conf").read_text()
    for name, value in clamd_limits(settings.EVIDENCE_MAX_FILE_BYTES).items():
        assert f"\n{name} {value}\n" in config


def test_a_file_over_one_megabyte_uploaded_through_the_page_is_scanned_clean_by_the_private_clamd(
    private, settings, client, cast, django_capture_on_commit_callbacks
):
    """`make clamd` used to cap streams at 1 MB: every larger upload failed its scan for good."""
    settings.CLAMD_SOCKET = private.socket_path
    settings.CLAMD_HOST = ""
    settings.EVIDENCE_ALLOW_UNSCANNED = False
    content = crafted.pdf(pages=1) + b"%" + b"padding " * (3 * 1024 * 1024 // 8)  # a 3 MB PDF
    assert len(content) > 3 * 1024 * 1024
    client.force_login(cast.lead_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence_upload", kwargs={"code": cast.org_a.code}),
            {
                "title": "Annual engagement report",
                "kind": "annual_report",
                "category": "OC",
                "files": [SimpleUploadedFile("report.pdf", content, content_type="application/pdf")],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    file = EvidenceFile.objects.get(original_name="report.pdf")
    assert (file.scan_status, file.scan_detail, file.size) == ("clean", "OK", len(content))


def test_the_command_prints_the_limits_for_clamd_conf(settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 100 * 1024 * 1024
    out = io.StringIO()
    call_command("clamd_limits", stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        "StreamMaxLength 100M",
        "MaxFileSize 100M",
        "MaxScanSize 300M",
    ]
