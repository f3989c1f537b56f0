"""Backup and restore: back up, wipe the database and the evidence store, restore, and find every
row of every table and every file's SHA-256 as they were.

Transactional tests: pg_dump sees only committed data, so the data is committed, and Django
empties the database afterwards (tests/conftest.py `_flushable_database`)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from assessments.models import RenderedReport
from audit.models import AuditEvent
from audit.services import record
from evidence.models import EvidenceDownload
from records.backup import MANIFEST, evidence_keys
from tests.evidence import crafted
from tests.evidence.library import assessment, cite, stored_file, submit
from tests.evidence.test_s3 import REGION, s3_endpoint, s3_storage_settings  # noqa: F401 - fixtures


@pytest.fixture
def cast(_staff_groups, _published_rubric, cast):
    """The project's cast, once the staff groups it joins and the published rubric exist again."""
    return cast


@pytest.fixture(params=["local disk", pytest.param("S3", marks=pytest.mark.s3)])
def evidence_store(request, settings, tmp_path) -> str:
    """An empty evidence store of its own for the test: a folder, or a bucket on the loopback S3
    server of tests/evidence/test_s3.py."""
    if request.param == "S3":
        s3 = request.getfixturevalue("s3_storage_settings")
        bucket = f"backup-{uuid.uuid4().hex[:12]}"
        s3["client"].create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        store = {**s3["options"], "OPTIONS": {**s3["options"]["OPTIONS"], "bucket_name": bucket}}
    else:
        store = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "store", "base_url": None, "file_permissions_mode": 0o600},
        }
    settings.STORAGES = {**settings.STORAGES, "evidence": store}
    assert evidence_keys(storages["evidence"]) == []
    return request.param


def every_row() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's column names and rows (sorted), straight from the database."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        found = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            columns = [column[0] for column in cursor.description]
            found[table] = (columns, sorted(cursor.fetchall(), key=repr))
    return found


def without_backup_events(rows: dict) -> dict:
    columns, audit_rows = rows["audit_auditevent"]
    action = columns.index("action")
    kept = [row for row in audit_rows if row[action] not in {"records.backup", "records.restore"}]
    return {**rows, "audit_auditevent": (columns, kept)}


def every_file() -> dict[str, str]:
    storage = storages["evidence"]
    found = {}
    for key in evidence_keys(storage):
        with storage.open(key, "rb") as stream:
            found[key] = hashlib.sha256(stream.read()).hexdigest()
    return found


def wipe() -> None:
    """Drop everything in the database and delete every evidence file."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE "{name}"')
            cursor.execute("PRAGMA foreign_keys = ON")
        assert connection.introspection.table_names(cursor) == []
    storage = storages["evidence"]
    for key in evidence_keys(storage):
        storage.delete(key)
    assert evidence_keys(storage) == []


def build_data(cast) -> None:
    """An organisation's evidence with real bytes, a submitted assessment citing it, a stored
    report, a download record and audit events."""
    pdf = stored_file(cast.org_a, cast.lead_a, title="Board minutes", content=crafted.pdf(title="Minutes"))
    binary = stored_file(
        cast.org_a, cast.lead_a, title="Survey data", content=os.urandom(300_000), name="survey.xlsx"
    )
    stored_file(cast.org_a, cast.lead_a, item=binary.item, content=os.urandom(1000), name="survey-v2.xlsx")
    stored_file(cast.org_b, cast.lead_b, title="Their strategy", content=b"%PDF-1.7 strategy " * 100)
    cite(pdf, cast.lead_a, code="1.1", location="page 3")
    cite(binary, cast.lead_a, code="1.2")
    submission = submit(assessment(cast.org_a, cast.lead_a), cast.lead_a).submissions.get()
    key = storages["evidence"].save("reports/report-of-submission.pdf", ContentFile(b"%PDF-1.7 report"))
    RenderedReport.objects.create(
        submission=submission,
        template_version="6",
        status=RenderedReport.Status.READY,
        storage_key=key,
        sha256=hashlib.sha256(b"%PDF-1.7 report").hexdigest(),
        requested_at=timezone.now(),
    )
    EvidenceDownload.objects.create(file=pdf, user=cast.viewer_a)
    record(
        "evidence.download", "Downloaded the minutes", actor=cast.viewer_a, organisation=cast.org_a, obj=pdf
    )


def test_backup_wipe_restore_gives_back_every_row_and_every_file(cast, evidence_store, tmp_path):
    build_data(cast)
    rows_before, files_before = every_row(), every_file()
    assert len(files_before) == 5
    assert rows_before["assessments_submission"][1] and rows_before["principles_criterion"][1]

    call_command("backup", "--output", str(tmp_path / "backup"), stdout=(said := io.StringIO()))
    assert "and 5 evidence files" in said.getvalue()
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert {entry["key"]: entry["sha256"] for entry in manifest["evidence"]} == files_before
    assert manifest["row_counts"]["evidence_evidencefile"] == 4
    assert manifest["row_counts"] == {table: len(rows) for table, (_, rows) in rows_before.items()}
    assert AuditEvent.objects.filter(action="records.backup").count() == 1  # after the dump

    wipe()
    call_command("restore", str(tmp_path / "backup"), stdout=(out := io.StringIO()))
    said = out.getvalue()
    assert "Restored 5 evidence files" in said and "Recorded the restore in the audit trail." in said

    assert every_file() == files_before
    rows_after = every_row()
    columns, audit_rows = rows_after["audit_auditevent"]
    action = columns.index("action")
    restores = [row for row in audit_rows if row[action] == "records.restore"]
    assert len(restores) == 1
    others = [row for row in audit_rows if row[action] != "records.restore"]
    rows_after["audit_auditevent"] = (columns, others)
    assert rows_after.keys() == rows_before.keys()
    for table in rows_before:
        assert rows_after[table] == rows_before[table], table

    # The freeze still holds after the restore: the triggers came back with the tables.
    with pytest.raises(IntegrityError, match=r"permanent record"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_submission")


def test_restore_refuses_a_damaged_or_mismatched_backup_then_restores_over_the_live_database(
    cast, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "store", "base_url": None, "file_permissions_mode": 0o600},
        },
    }
    build_data(cast)
    folder = tmp_path / "backup"
    call_command("backup", "--output", str(folder), stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", "--output", str(folder))
    rows_before, files_before = every_row(), every_file()

    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    damaged = folder / "evidence" / manifest["evidence"][0]["key"]
    original = damaged.read_bytes()
    damaged.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(
        CommandError, match=r"1 evidence file.*does not match its SHA-256.*Nothing was changed"
    ):
        call_command("restore", str(folder))
    damaged.write_bytes(original)

    mismatched = {**manifest, "migrations": manifest["migrations"][:-1]}
    manifest_path.write_text(json.dumps(mismatched))
    with pytest.raises(CommandError, match=r"migrations do not match this code.*not applied in the backup"):
        call_command("restore", str(folder))

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest_path.write_text(json.dumps({**manifest, "database": {**manifest["database"], "vendor": other}}))
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(folder))

    manifest_path.write_text(json.dumps(manifest))
    call_command("restore", str(folder), "--check", stdout=(said := io.StringIO()))
    assert "is whole" in said.getvalue() and "Nothing was changed" in said.getvalue()
    assert every_row() == rows_before and every_file() == files_before

    # Restored over the live database, not a wiped one: pg_restore --clean drops the tables with
    # their frozen rows and triggers (no row trigger fires on DROP TABLE); SQLite's backup API
    # replaces the pages. Only the backup's and the restore's own audit events differ.
    call_command("restore", str(folder), stdout=(said := io.StringIO()))
    assert "Restored 0 evidence files" in said.getvalue()
    assert "5 more evidence files were already in the store with the same SHA-256" in said.getvalue()
    assert without_backup_events(every_row()) == without_backup_events(rows_before)
    assert every_file() == files_before
