"""The background task: scan, then text, with a stand-in scanner (test_clamav.py uses clamd)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from evidence import processing, tasks
from evidence.models import EvidenceFile
from evidence.scanning import ScanError, ScanResult
from evidence.tasks import scan_and_extract
from tests.evidence import documents
from tests.evidence.stored import stored_bytes, stored_file

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FakeScanner:
    """Reads the whole stream in chunks, as clamd's client does, then gives a set verdict."""

    def __init__(self, verdict: ScanResult | ScanError) -> None:
        self.verdict = verdict
        self.scanned: list[bytes] = []

    def scan(self, stream):
        data = b""
        while chunk := stream.read(1000):
            data += chunk
        self.scanned.append(data)
        if isinstance(self.verdict, ScanError):
            raise self.verdict
        return self.verdict


@pytest.fixture
def scanner(monkeypatch):
    def use(verdict):
        fake = FakeScanner(verdict)
        monkeypatch.setattr(tasks, "get_scanner", lambda: fake)
        return fake

    return use


@pytest.fixture
def upload(cast):
    def make(name: str, content: bytes) -> EvidenceFile:
        return stored_file(cast.org_a, cast.lead_a, name, content)

    return make


def test_a_clean_file_becomes_available_and_gets_its_text(scanner, upload):
    fake = scanner(ScanResult(clean=True, detail="OK"))
    content = documents.docx("Our engagement strategy")
    file = upload("strategy.docx", content)

    assert scan_and_extract.call(file.pk) == "clean"

    file.refresh_from_db()
    assert fake.scanned == [content]
    assert (file.scan_status, file.scan_detail, file.is_available) == ("clean", "OK", True)
    assert file.scanned_at is not None
    assert (file.text_status, file.text) == ("done", "Our engagement strategy")
    assert stored_bytes(file) == content


def test_an_infected_file_is_rejected_and_its_bytes_deleted(scanner, upload):
    scanner(ScanResult(clean=False, detail="Eicar-Test-Signature"))
    file = upload("minutes.txt", b"pretend malware")

    assert scan_and_extract.call(file.pk) == "infected"

    file.refresh_from_db()
    assert (file.scan_status, file.scan_detail, file.is_available) == (
        "infected",
        "Eicar-Test-Signature",
        False,
    )
    assert (file.text_status, file.text) == ("none", "")
    assert stored_bytes(file) is None
    # The record stays: what was uploaded (by hash), by whom, and what was found.
    assert file.sha256 and file.uploaded_by_id


def test_a_failed_scan_keeps_the_file_unavailable_and_its_bytes(scanner, upload):
    scanner(ScanError("Cannot reach clamd at unix:/run/clamav/clamd.ctl: No such file or directory"))
    file = upload("notes.txt", b"notes")

    assert scan_and_extract.call(file.pk) == "failed"

    file.refresh_from_db()
    assert (file.scan_status, file.is_available) == ("failed", False)
    assert file.scan_detail.startswith("Cannot reach clamd")
    assert file.text_status == "pending"
    assert stored_bytes(file) == b"notes"


def test_a_long_detail_is_cut_to_fit(scanner, upload):
    scanner(ScanResult(clean=False, detail="X" * 500))
    file = upload("x.txt", b"x")
    scan_and_extract.call(file.pk)
    file.refresh_from_db()
    assert file.scan_detail == "X" * 200


def test_a_failed_scan_is_retried_later_by_the_database_queue(scanner, upload, settings):
    settings.TASKS = DATABASE_TASKS
    scanner(ScanError("Timed out waiting for clamd's verdict"))
    file = upload("notes.txt", b"notes")

    scan_and_extract.call(file.pk)

    [retry] = DBTaskResult.objects.all()
    assert retry.args_kwargs == {"args": [file.pk, 2], "kwargs": {}}
    assert timedelta(minutes=1) < retry.run_after - timezone.now() <= timedelta(minutes=2)

    scan_and_extract.call(file.pk, tasks.MAX_SCAN_ATTEMPTS)
    assert DBTaskResult.objects.count() == 1  # the last attempt queues no other


def test_a_final_failure_is_not_retried(scanner, upload, settings):
    settings.TASKS = DATABASE_TASKS
    scanner(ScanError("The file is larger than clamd accepts", retryable=False))
    file = upload("huge.pdf", b"%PDF")
    scan_and_extract.call(file.pk)
    assert not DBTaskResult.objects.exists()
    file.refresh_from_db()
    assert file.scan_status == "failed"


def test_production_without_a_scanner_fails_closed(upload, settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    settings.EVIDENCE_ALLOW_UNSCANNED = False
    file = upload("report.pdf", documents.pdf("Report"))
    scan_and_extract.call(file.pk)
    file.refresh_from_db()
    assert (file.scan_status, file.is_available) == ("failed", False)
    assert "No virus scanner is configured" in file.scan_detail


def test_without_a_scanner_in_development_files_are_marked_clean(upload):
    # tests/settings.py: no clamd, EVIDENCE_ALLOW_UNSCANNED on, as with DEBUG.
    file = upload("notes.txt", b"plain notes")
    scan_and_extract.call(file.pk)
    file.refresh_from_db()
    assert (file.scan_status, file.text) == ("clean", "plain notes")
    assert "Not scanned" in file.scan_detail


def test_a_missing_stored_file_fails_without_retrying(scanner, upload, settings):
    settings.TASKS = DATABASE_TASKS
    scanner(ScanResult(clean=True, detail="OK"))
    file = upload("gone.txt", b"x")
    tasks.evidence_storage().delete(file.storage_key)
    assert scan_and_extract.call(file.pk) == "failed"
    file.refresh_from_db()
    assert file.scan_detail == "The stored file is missing"
    assert not DBTaskResult.objects.exists()


def test_running_twice_changes_nothing(scanner, upload):
    fake = scanner(ScanResult(clean=True, detail="OK"))
    file = upload("notes.txt", b"notes")
    scan_and_extract.call(file.pk)
    scan_and_extract.call(file.pk)
    assert len(fake.scanned) == 1

    infected = upload("bad.txt", b"bad")
    scanner(ScanResult(clean=False, detail="Eicar-Test-Signature"))
    scan_and_extract.call(infected.pk)
    assert scan_and_extract.call(infected.pk) == "infected"
    assert scan_and_extract.call(987654) == "missing"


def test_unreadable_text_does_not_make_a_clean_file_unavailable(scanner, upload):
    scanner(ScanResult(clean=True, detail="OK"))
    file = upload("broken.docx", b"not really a docx")
    scan_and_extract.call(file.pk)
    file.refresh_from_db()
    assert (file.scan_status, file.text_status, file.is_available) == ("clean", "failed", True)


def test_an_upload_is_scanned_once_its_transaction_commits(upload, django_capture_on_commit_callbacks):
    """evidence.processing.file_uploaded is what the upload calls through transaction.on_commit;
    the immediate backend (tests, DEBUG) runs the task there and then."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            file = upload("notes.txt", b"searchable words")
            transaction.on_commit(lambda: processing.file_uploaded(file))
        file.refresh_from_db()
        assert file.scan_status == "pending"  # not before the commit
    file.refresh_from_db()
    assert (file.scan_status, file.text) == ("clean", "searchable words")


def test_with_the_database_queue_the_worker_does_the_scan(upload, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    # The worker closes stale database connections between tasks; in a test, that would be the
    # connection holding the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    file = upload("notes.txt", b"queued words")

    processing.file_uploaded(file)

    file.refresh_from_db()
    assert file.scan_status == "pending"
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "evidence.tasks.scan_and_extract"

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    file.refresh_from_db()
    assert (file.scan_status, file.text) == ("clean", "queued words")
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_queueing_trouble_leaves_the_file_pending(upload, monkeypatch, caplog):
    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("queue down")

    monkeypatch.setattr(processing, "scan_and_extract", QueueDown())
    file = upload("notes.txt", b"x")
    processing.file_uploaded(file)
    file.refresh_from_db()
    assert file.scan_status == "pending"
    assert "Could not queue" in caplog.text


def test_process_evidence_queues_every_unfinished_file(upload, settings, cast):
    settings.TASKS = DATABASE_TASKS
    pending = upload("a.txt", b"a")
    failed = upload("b.txt", b"b")
    EvidenceFile.objects.filter(pk=failed.pk).update(scan_status="failed")
    no_text_yet = upload("c.txt", b"c")
    EvidenceFile.objects.filter(pk=no_text_yet.pk).update(scan_status="clean")
    done = upload("d.txt", b"d")
    EvidenceFile.objects.filter(pk=done.pk).update(scan_status="clean", text_status="done")
    infected = upload("e.txt", b"e")
    EvidenceFile.objects.filter(pk=infected.pk).update(scan_status="infected")

    out = io.StringIO()
    call_command("process_evidence", stdout=out)

    assert "Queued 3 evidence files." in out.getvalue()
    queued = sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.all())
    assert queued == sorted([pending.pk, failed.pk, no_text_yet.pk])
