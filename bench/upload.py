"""Benchmark: one 200 MB evidence upload through gunicorn, measuring the worker's memory and speed.

    .venv/bin/python bench/upload.py [--megabytes 200]

It starts gunicorn (one sync worker, the project's settings, DEBUG off) on a free loopback port
with a temporary SQLite database and evidence store, creates a lead of a benchmark organisation
and a signed-in session for them, then uploads a generated text file through the real upload URL
as a streamed multipart body (the file part sent with sendfile, never held in memory). While the upload runs
it samples the worker's resident memory (VmRSS in /proc/<pid>/status) every 50 ms.

It prints these lines:

    upload_peak_rss_growth_mb: <peak RSS during the upload minus RSS before it, in MB>
    upload_throughput_ratio: <upload MB/s divided by the baseline's MB/s>
    upload_mb_s: <the upload's MB/s>                                   (context)
    upload_baseline_mb_s: <the baseline's MB/s>                        (context)
    upload_copy_ratio: <upload MB/s divided by shutil.copyfile MB/s>   (context: the old ratio)

The baseline is the least an upload must do (issue 19): read the file, SHA-256 it and write it
to the same disk, in this same process, a chunk at a time with the upload handler's chunk size
(evidence.uploads.CHUNK_BYTES). shutil.copyfile, the old baseline, hashes nothing and copies in
the kernel, so it set a target no upload could meet.

The machine's load changes from second to second, so the baseline and the upload alternate, three
rounds of each, and the ratio is of their medians (each round's ratio goes to stderr).

Targets: growth <= 32 MB (the upload is streamed, not buffered) and ratio >= 0.5 (receiving,
validating and storing a file costs no more than twice reading, hashing and writing it).
Everything else it says goes to stderr. Only loopback traffic; it stops gunicorn when done.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
MB = 1024 * 1024
# The baseline reads, hashes and writes with the upload handler's own chunk size.
sys.path.insert(0, str(ROOT))
from evidence.uploads import CHUNK_BYTES as CHUNK  # noqa: E402 - needs ROOT on the path; no settings used

ORG_CODE = "BENCH1"
ROUNDS = 3

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from organisations.models import Membership, Organisation

user = get_user_model().objects.create_user("bench_lead", password=None)
organisation = Organisation.objects.create(name="Benchmark ICS", type="ics", code="{code}", region="london")
Membership.objects.create(user=user, organisation=organisation, role="lead")
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_text_file(path: Path, megabytes: int) -> None:
    """Lines of text, as a long CSV export might be, written a megabyte at a time."""
    lines = []
    n = 0
    while sum(len(line) for line in lines) < MB:
        lines.append(f"{n},Response {n} to the citizens' panel survey,agree,{n * 7 % 101}\n".encode())
        n += 1
    block = b"".join(lines)[:MB]
    block = block[: block.rindex(b"\n") + 1].ljust(MB, b" ")
    with open(path, "wb") as f:
        for _ in range(megabytes):
            f.write(block)


def copy_speed(path: Path) -> float:
    """MB/s of shutil.copyfile of the file beside itself (median of three)."""
    size = path.stat().st_size / MB
    speeds = []
    for _ in range(3):
        target = path.with_suffix(".copy")
        start = time.perf_counter()
        shutil.copyfile(path, target)
        speeds.append(size / (time.perf_counter() - start))
        target.unlink()
    return statistics.median(speeds)


def read_hash_write_speed(path: Path) -> float:
    """MB/s of the least an upload must do, in this process: read the file a CHUNK at a time,
    SHA-256 each chunk and write it to a new file beside it (the same disk), then flush, as the
    upload handler does (one run; main() alternates it with the uploads)."""
    size = path.stat().st_size / MB
    target = path.with_suffix(".baseline")
    digest = hashlib.sha256()
    start = time.perf_counter()
    with open(path, "rb") as source, open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
    digest.hexdigest()
    speed = size / (time.perf_counter() - start)
    target.unlink()
    return speed


def make_distinct(path: Path, n: int) -> None:
    """Changes the file's first line in place, so each round uploads a file with its own SHA-256
    (the evidence store refuses a file it already holds)."""
    with open(path, "r+b") as f:
        f.write(f"{n:07d}".encode())


def sha256_speed(path: Path) -> float:
    """MB/s of hashing the file with SHA-256 alone, a megabyte at a time: for context only."""
    digest = hashlib.sha256()
    start = time.perf_counter()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return path.stat().st_size / MB / (time.perf_counter() - start)


def measured_upload(port: int, session: str, worker: int, source: Path) -> tuple[float | None, float]:
    """Uploads `source` while sampling the worker's memory every 50 ms: (RSS growth in MB, seconds),
    or (None, 0) if the upload failed."""
    before = rss_mb(worker)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb(worker))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status, where, elapsed = upload(port, session, source)
    done.set()
    sampler.join()
    peak = max(peak, rss_mb(worker))
    if status != 302 or "/evidence/" not in where:
        say(f"the upload failed: {status} {where}")
        return None, 0.0
    return peak - before, elapsed


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_of(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def multipart(fields: dict[str, str], path: Path, boundary: str) -> tuple[tuple[bytes, Path, bytes], int]:
    """The body as (what comes before the file, the file, what comes after), and its length."""
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return (head, path, tail), len(head) + path.stat().st_size + len(tail)


def upload(port: int, session: str, path: Path) -> tuple[int, str, float]:
    token = secrets.token_hex(16)  # a CSRF secret: 32 characters, sent as cookie and as field
    fields = {"csrfmiddlewaretoken": token, "title": "Benchmark", "kind": "survey_results", "category": "PE"}
    boundary = "bench" + secrets.token_hex(12)
    body, length = multipart(fields, path, boundary)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.putrequest("POST", f"/organisations/{ORG_CODE}/evidence/upload/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(length))
    connection.putheader("Cookie", f"sessionid={session}; csrftoken={token}")
    connection.endheaders()
    head, file_path, tail = body
    connection.send(head)
    with open(file_path, "rb") as f:
        connection.sock.sendfile(f)  # as a browser would: the client's own copying is not measured
    connection.send(tail)
    response = connection.getresponse()
    text = response.read()[:500].decode(errors="replace")
    elapsed = time.perf_counter() - start
    location = response.getheader("Location", "")
    connection.close()
    return response.status, location or text, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp:
        tmp_path = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "engagement_portal.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SQLITE_PATH": str(tmp_path / "bench.sqlite3"),
            "EVIDENCE_ROOT": str(tmp_path / "evidence"),
            "EVIDENCE_MAX_FILE_BYTES": str((args.megabytes + 10) * MB),
            "EVIDENCE_QUOTA_BYTES": str((ROUNDS + 2) * (args.megabytes + 10) * MB),
            # The scan and text extraction are queued for a worker, not run in the request.
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        python = str(VENV_BIN / "python")
        say("migrating a temporary SQLite database")
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed
        session = (
            subprocess.run(  # noqa: S603 - fixed arguments
                [python, "manage.py", "shell", "-c", SETUP.format(code=ORG_CODE)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        source = tmp_path / "survey-responses.txt"
        say(f"writing a {args.megabytes} MB text file")
        make_text_file(source, args.megabytes)
        warm = tmp_path / "warm-up.txt"
        warm.write_bytes(b"A small file to load the upload code before measuring.\n" * 100)
        copy_mb_s = copy_speed(source)
        hash_mb_s = sha256_speed(source)

        port = free_port()
        gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(VENV_BIN / "gunicorn"),
                "engagement_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "600",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        try:
            worker = worker_of(gunicorn.pid)
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.1)
            status, where, _ = upload(port, session, warm)
            if status != 302:
                say(f"the warm-up upload failed: {status} {where}")
                return 1

            growths, upload_speeds, baseline_speeds = [], [], []
            for round_ in range(1, ROUNDS + 1):
                baseline_speeds.append(read_hash_write_speed(source))
                make_distinct(source, round_)
                growth, elapsed = measured_upload(port, session, worker, source)
                if growth is None:
                    return 1
                growths.append(growth)
                upload_speeds.append(source.stat().st_size / MB / elapsed)
                say(
                    f"round {round_}: upload {upload_speeds[-1]:.0f} MB/s, "
                    f"baseline {baseline_speeds[-1]:.0f} MB/s, "
                    f"ratio {upload_speeds[-1] / baseline_speeds[-1]:.3f}, RSS growth {growth:.1f} MB"
                )
            stored = list((tmp_path / "evidence").glob("??/*"))
            if sum(path.stat().st_size == source.stat().st_size for path in stored) != ROUNDS:
                say("the uploaded files are not all in the evidence store")
                return 1
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)

        upload_mb_s = statistics.median(upload_speeds)
        baseline_mb_s = statistics.median(baseline_speeds)
        say(
            f"worker RSS growth at most {max(growths):.1f} MB; "
            f"upload {upload_mb_s:.0f} MB/s (median of {ROUNDS}); "
            f"baseline (read, SHA-256, write, {CHUNK // 1024} KB chunks) {baseline_mb_s:.0f} MB/s; "
            f"copyfile {copy_mb_s:.0f} MB/s; SHA-256 alone {hash_mb_s:.0f} MB/s"
        )
        print(f"upload_peak_rss_growth_mb: {max(growths):.2f}")
        print(f"upload_throughput_ratio: {upload_mb_s / baseline_mb_s:.3f}")
        print(f"upload_mb_s: {upload_mb_s:.1f}")
        print(f"upload_baseline_mb_s: {baseline_mb_s:.1f}")
        print(f"upload_copy_ratio: {upload_mb_s / copy_mb_s:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
