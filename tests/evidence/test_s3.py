"""The evidence store on S3-compatible object storage (django-storages' S3Storage).

Against a real S3 API on loopback: moto's standalone server (moto_server), started by the tests
on a free port of 127.0.0.1 with made-up credentials. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from evidence import tasks
from evidence.scanning import ScanResult
from evidence.tasks import scan_and_extract
from tests.evidence import documents
from tests.evidence.clamd import free_port
from tests.evidence.stored import stored_bytes, stored_file

pytestmark = pytest.mark.s3

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = {"access_key": "testing-access-key", "secret_key": "testing-secret-key"}  # moto accepts any
REGION = "eu-west-2"


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(  # noqa: S603 - moto_server from our virtualenv, fixed arguments
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)  # noqa: S310 - our loopback server
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start:\n{log.read_text()}", pytrace=False)
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def s3_options(endpoint: str, bucket: str) -> dict:
    """The evidence storage as engagement_portal/settings.py configures it from EVIDENCE_S3_*,
    plus credentials (which production takes from the environment or an instance role)."""
    options = _settings_from_environment(
        {
            "EVIDENCE_S3_BUCKET": bucket,
            "EVIDENCE_S3_ENDPOINT_URL": endpoint,
            "EVIDENCE_S3_REGION": REGION,
        }
    )["evidence_storage"]
    assert options["BACKEND"] == "storages.backends.s3.S3Storage"
    return {**options, "OPTIONS": {**options["OPTIONS"], **CREDENTIALS}}


def _settings_from_environment(env: dict[str, str]) -> dict:
    """Import the real settings module in a fresh process with these variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EVIDENCE_", "CLAMD_"))}
    script = (
        "import json; from engagement_portal import settings as s; "
        "print(json.dumps({'evidence_storage': s.STORAGES['evidence'], 'tasks': s.TASKS}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def s3_storage_settings(s3_endpoint):
    import boto3

    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return {"options": s3_options(s3_endpoint, bucket), "client": client, "bucket": bucket}


@pytest.fixture
def s3(settings, s3_storage_settings):
    """storages["evidence"] on the loopback S3 server for this test."""
    settings.STORAGES = {**settings.STORAGES, "evidence": s3_storage_settings["options"]}
    storage = storages["evidence"]
    assert type(storage).__name__ == "S3Storage"
    return s3_storage_settings


def test_settings_choose_s3_only_when_a_bucket_is_named():
    assert _settings_from_environment({})["evidence_storage"]["BACKEND"].endswith("FileSystemStorage")
    options = _settings_from_environment(
        {"EVIDENCE_S3_BUCKET": "portal-evidence", "EVIDENCE_S3_ENDPOINT_URL": "https://s3.example.org"}
    )["evidence_storage"]["OPTIONS"]
    assert options["bucket_name"] == "portal-evidence"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (
        "private",
        False,
        False,
    )
    # No credentials in settings: boto3 reads them from the environment or an instance role.
    assert not {"access_key", "secret_key"} & set(options)


def test_save_read_back_in_chunks_and_delete(s3):
    storage = storages["evidence"]
    content = os.urandom(3 * 1024 * 1024 + 17)  # past the 1 MB spooled in memory
    key = storage.save(f"{uuid.uuid4().hex}.bin", ContentFile(content))

    assert storage.exists(key)
    assert storage.size(key) == len(content)
    with storage.open(key, "rb") as stream:
        chunks = list(stream.chunks(chunk_size=256 * 1024))
    assert len(chunks) == 13
    assert b"".join(chunks) == content

    # Private: only the owner has any grant; no one else can read it.
    acl = s3["client"].get_object_acl(Bucket=s3["bucket"], Key=key)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"

    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(FileNotFoundError):
        storage.open(key, "rb")


def test_a_revision_is_never_overwritten(s3):
    storage = storages["evidence"]
    first = storage.save("same-name.bin", ContentFile(b"first"))
    second = storage.save("same-name.bin", ContentFile(b"second"))
    assert first != second
    with storage.open(first, "rb") as stream:
        assert stream.read() == b"first"


class ReadingScanner:
    """Reads the stream in chunks as the clamd client does, then gives a set verdict."""

    def __init__(self, verdict: ScanResult) -> None:
        self.verdict = verdict
        self.read = b""

    def scan(self, stream):
        while chunk := stream.read(64 * 1024):
            self.read += chunk
        return self.verdict


def test_the_scanning_task_reads_from_s3(s3, cast, monkeypatch):
    scanner = ReadingScanner(ScanResult(clean=True, detail="OK"))
    monkeypatch.setattr(tasks, "get_scanner", lambda: scanner)
    content = documents.docx("Stored in a bucket", "x" * 200_000)
    file = stored_file(cast.org_a, cast.lead_a, "bucket.docx", content)

    assert scan_and_extract.call(file.pk) == "clean"

    assert scanner.read == content
    file.refresh_from_db()
    assert (file.scan_status, file.text_status) == ("clean", "done")
    assert file.text.startswith("Stored in a bucket")
    assert stored_bytes(file) == content


def test_an_infected_file_is_deleted_from_the_bucket(s3, cast, monkeypatch):
    scanner = ReadingScanner(ScanResult(clean=False, detail="Eicar-Test-Signature"))
    monkeypatch.setattr(tasks, "get_scanner", lambda: scanner)
    file = stored_file(cast.org_a, cast.lead_a, "bad.txt", b"pretend malware")

    assert scan_and_extract.call(file.pk) == "infected"

    listed = s3["client"].list_objects_v2(Bucket=s3["bucket"], Prefix=file.storage_key)
    assert listed.get("KeyCount", 0) == 0


def test_a_missing_object_fails_the_scan(s3, cast):
    file = stored_file(cast.org_a, cast.lead_a, "gone.txt", b"x")
    s3["client"].delete_object(Bucket=s3["bucket"], Key=file.storage_key)
    assert scan_and_extract.call(file.pk) == "failed"
    file.refresh_from_db()
    assert file.scan_detail == "The stored file is missing"
