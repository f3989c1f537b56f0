"""More than one machine: two app servers and two task workers sharing one database.

The portal runs behind a load balancer as any number of gunicorn servers and `db_worker`
processes that share nothing but the database and the evidence store (README, "Running at
scale"). This starts that layout in miniature: a database of its own (a fresh PostgreSQL
database beside the one DATABASE_URL names, dropped afterwards; without DATABASE_URL a SQLite
file, which several processes can share), migrated by `manage.py migrate`; two gunicorn servers
on two loopback ports and two `manage.py db_worker` processes, all with production's settings
(tests/scale/server_settings.py: DEBUG off, one secret key, the database task queue, evidence in
one S3 bucket on moto's S3 server, as tests/evidence/test_s3.py uses). Each process has a local
evidence folder and a temporary folder of its own, as on separate machines: apart from the
SQLite file when DATABASE_URL is unset, nothing they share is on a disk. Then:

- a person signed in on one server is signed in on the other, and signing out on that one ends
  the session on both;
- tasks queued through the django.tasks API are each run exactly once, by one worker or the
  other, and both workers take some;
- evidence uploaded through one server is stored in the bucket, scanned by a worker and
  downloaded from the other server.

Every process runs in a process group of its own and is stopped, and the database dropped, even
when a test fails.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.evidence.clamd import free_port
from tests.evidence.test_s3 import CREDENTIALS, REGION, s3_endpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.scale, pytest.mark.s3]

ROOT = Path(__file__).resolve().parents[2]
ORG_CODE = "SCALE1"
USERNAME = "lead.scale"
PASSWORD = "a-long-password-for-two-servers"
FULL_NAME = ("Morwenna", "Trelawney")
WORKERS = ("worker-1", "worker-2")
TASK_COUNT = 40
START_TIMEOUT = 60

SETUP = f"""
from django.contrib.auth import get_user_model
from organisations.models import Membership, Organisation

user = get_user_model().objects.create_user(
    {USERNAME!r}, password={PASSWORD!r}, first_name={FULL_NAME[0]!r}, last_name={FULL_NAME[1]!r}
)
organisation = Organisation.objects.create(
    name="Scale Test ICS", type="ics", code={ORG_CODE!r}, region="london"
)
Membership.objects.create(user=user, organisation=organisation, role="lead")
"""

# Variables from the test run's own environment that must not reach the servers: the test
# gives them their settings explicitly.
_OWN = ("DJANGO_", "DATABASE_", "SQLITE_", "EVIDENCE_", "CLAMD_", "TASKS_", "AWS_", "LOG_LEVEL")


# ---------------------------------------------------------------------------------------------
# The database


@pytest.fixture(scope="module")
def database_env(tmp_path_factory):
    """The variables that point a process at a database of this module's own."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield {"SQLITE_PATH": str(tmp_path_factory.mktemp("scale-db") / "portal.sqlite3")}
        return
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    # Named after the configured database, so it stays in that database's namespace.
    name = f"{config['NAME']}_scale_{uuid.uuid4().hex[:10]}"

    def maintenance(statement: sql.Composable) -> None:
        """One statement on the server's maintenance database, outside any transaction."""
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    maintenance(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urllib.parse.urlsplit(url)
    try:
        yield {"DATABASE_URL": urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        # FORCE: a process that outlived its stop must not keep the database alive.
        maintenance(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def evidence_bucket(s3_endpoint):  # noqa: F811 - the fixture imported above
    """A bucket of this module's own on the loopback S3 server: its client, name and the
    variables that point the portal at it."""
    import boto3

    bucket = f"scale-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    env = {
        "EVIDENCE_S3_BUCKET": bucket,
        "EVIDENCE_S3_ENDPOINT_URL": s3_endpoint,
        "EVIDENCE_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
    }
    return {"client": client, "bucket": bucket, "env": env}


# ---------------------------------------------------------------------------------------------
# The processes


@dataclass
class Cluster:
    env: dict[str, str]
    folder: Path
    ports: list[int] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def own_env(self, name: str) -> dict[str, str]:
        """The shared environment, with a local evidence folder and temporary folder of the
        process's own, as it would have on a machine of its own."""
        own = self.folder / name
        (own / "tmp").mkdir(parents=True, exist_ok=True)
        return {**self.env, "EVIDENCE_ROOT": str(own / "evidence"), "TMPDIR": str(own / "tmp")}

    def manage(self, *args: str, timeout: int = 120) -> str:
        """Run a management command against the cluster's database; its standard output."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.own_env("manage"),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
        return result.stdout

    def query(self, script: str):
        """Run Python in `manage.py shell` against the cluster's database; what it printed as
        RESULT:<json>."""
        output = self.manage("shell", "-c", script)
        for line in reversed(output.splitlines()):
            if line.startswith("RESULT:"):
                return json.loads(line.removeprefix("RESULT:"))
        pytest.fail(f"The script printed no result:\n{output}", pytrace=False)

    def start(self, name: str, command: list[str]) -> None:
        log = self.folder / f"{name}.log"
        with open(log, "wb") as output:
            self.processes[name] = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.own_env(name),
                stdout=output,
                stderr=subprocess.STDOUT,
                # A process group of its own, so stopping it stops gunicorn's workers too.
                start_new_session=True,
            )
        self.logs[name] = log

    def log_tails(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{path.read_text(errors='replace')[-3000:]}" for name, path in self.logs.items()
        )

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{self.log_tails()}", pytrace=False)

    def stop(self) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            # gunicorn's workers may outlive their master by a moment.
            _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _wait_for(what: str, cluster: Cluster, ready, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        cluster.check_running()
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}:\n{cluster.log_tails()}", pytrace=False)
        time.sleep(0.1)


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster(database_env, evidence_bucket, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(_OWN)},
        **database_env,
        **evidence_bucket["env"],
        "DJANGO_SETTINGS_MODULE": "tests.scale.server_settings",
        "DJANGO_DEBUG": "0",
        # One secret for every server: sessions, CSRF and password reset links are signed with it.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "database",
        # No clamd here: files are marked clean by the worker's task without a scan.
        "EVIDENCE_ALLOW_UNSCANNED": "1",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    cluster = Cluster(env=env, folder=folder)
    cluster.manage("migrate", "--noinput", "-v0", timeout=300)
    cluster.manage("shell", "-c", SETUP)
    try:
        for number in (1, 2):
            port = free_port()
            cluster.ports.append(port)
            cluster.start(
                f"server-{number}",
                [
                    *(sys.executable, "-m", "gunicorn", "engagement_portal.wsgi"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"),
                    *("--graceful-timeout", "5"),
                ],
            )
        for worker in WORKERS:
            cluster.start(
                worker,
                [sys.executable, "manage.py", "db_worker", "--worker-id", worker, "--interval", "0.5"],
            )
        for port in cluster.ports:
            _wait_for(f"the server on port {port}", cluster, lambda port=port: _healthy(port))
        for worker in WORKERS:
            log = cluster.logs[worker]
            _wait_for(
                worker, cluster, lambda log=log, worker=worker: f"worker_id={worker}" in log.read_text()
            )
        yield cluster
    finally:
        cluster.stop()


# ---------------------------------------------------------------------------------------------
# A browser


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf_token(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text)
        assert match, f"no CSRF token on the page:\n{self.text[:2000]}"
        return match.group(1)


class Browser:
    """One person's browser behind the load balancer: its cookies go with every request, to
    whichever server the request reaches. Redirects are not followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> Response:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.msg, response.read())
        finally:
            connection.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return result

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict[str, str]) -> Response:
        return self.request(
            port, "POST", path, urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"
        )

    def sign_in(self, port: int) -> None:
        """Through the real sign-in form: its page first (for the CSRF cookie and token)."""
        page = self.get(port, "/sign-in/")
        assert page.status == 200
        response = self.post(
            port,
            "/sign-in/",
            {"csrfmiddlewaretoken": page.csrf_token(), "username": USERNAME, "password": PASSWORD},
        )
        assert response.status == 302, response.text[:2000]
        assert "sessionid" in self.cookies


# ---------------------------------------------------------------------------------------------
# The tests


def test_a_session_started_on_one_server_works_on_the_other_and_ends_on_both(cluster):
    one, two = cluster.ports
    browser = Browser()
    assert browser.get(two, "/account/").status == 302  # nobody is signed in yet

    browser.sign_in(one)
    account = browser.get(two, "/account/")
    assert account.status == 200
    assert " ".join(FULL_NAME) in account.text
    assert browser.get(one, "/account/").status == 200

    session = browser.cookies["sessionid"]
    signed_out = browser.post(two, "/sign-out/", {"csrfmiddlewaretoken": account.csrf_token()})
    assert signed_out.status == 302
    assert "sessionid" not in browser.cookies

    # The old cookie, replayed to the server where the session began, no longer signs anyone in.
    browser.cookies["sessionid"] = session
    replayed = browser.get(one, "/account/")
    assert replayed.status == 302
    assert replayed.location.startswith("/sign-in/")


def test_every_task_runs_exactly_once_and_both_workers_take_some(cluster):
    runs = cluster.folder / "runs.txt"
    enqueued = cluster.query(
        "import json\n"
        "from tests.scale.counted import record_run\n"
        f"ids = [record_run.enqueue({str(runs)!r}, n).id for n in range({TASK_COUNT})]\n"
        "print('RESULT:' + json.dumps(ids))\n"
    )
    assert len(set(enqueued)) == TASK_COUNT

    def lines() -> list[str]:
        return runs.read_text().splitlines() if runs.exists() else []

    _wait_for(f"{TASK_COUNT} task runs", cluster, lambda: len(lines()) >= TASK_COUNT)
    # Anything that would run a task a second time has had its chance: the queue is empty and
    # each worker polls every half second.
    time.sleep(1.5)
    runs_seen = [line.split() for line in lines()]
    assert len(runs_seen) == TASK_COUNT
    numbers = collections.Counter(int(number) for number, _, _ in runs_seen)
    assert numbers == dict.fromkeys(range(TASK_COUNT), 1)
    assert sorted(result_id for _, result_id, _ in runs_seen) == sorted(enqueued)
    by_worker = collections.Counter(worker for _, _, worker in runs_seen)
    assert set(by_worker) == set(WORKERS), by_worker

    # The queue agrees: each result finished once, claimed by exactly one worker, the one that
    # wrote its line.
    results = cluster.query(
        "import json\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "rows = DBTaskResult.objects.filter(task_path='tests.scale.counted.record_run')\n"
        "print('RESULT:' + json.dumps([[str(r.id), r.status, r.worker_ids, r.return_value] for r in rows]))\n"
    )
    assert len(results) == TASK_COUNT
    line_worker = {result_id: worker for _, result_id, worker in runs_seen}
    for result_id, status, worker_ids, returned in results:
        assert status == "SUCCESSFUL"
        assert worker_ids == [line_worker[result_id]]
        assert returned == line_worker[result_id]


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "scale" + secrets.token_hex(12)
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_evidence_uploaded_through_one_server_is_scanned_by_a_worker_and_downloads_from_the_other(
    cluster, evidence_bucket
):
    one, two = cluster.ports
    browser = Browser()
    browser.sign_in(one)
    upload_path = f"/organisations/{ORG_CODE}/evidence/upload/"
    form = browser.get(one, upload_path)
    assert form.status == 200
    content = b"Citizens' panel, 12 March 2026: residents asked for evening sessions in Penzance.\n"
    body, content_type = _multipart(
        {
            "csrfmiddlewaretoken": form.csrf_token(),
            "title": "Citizens' panel notes",
            "kind": "survey_results",
            "category": "PE",
        },
        "panel-notes.txt",
        content,
    )
    uploaded = browser.request(one, "POST", upload_path, body, content_type)
    assert uploaded.status == 302, uploaded.text[:3000]
    match = re.fullmatch(rf"/organisations/{ORG_CODE}/evidence/(\d+)/", uploaded.location)
    assert match, uploaded.location
    download_path = f"/organisations/{ORG_CODE}/evidence/{match.group(1)}/revisions/1/download/"

    # 409 (not yet scanned) until a worker has scanned it; then the file, from the other server.
    downloads: list[Response] = []

    def downloaded() -> bool:
        downloads.append(browser.get(two, download_path))
        assert downloads[-1].status in (200, 409), downloads[-1].status
        return downloads[-1].status == 200

    _wait_for("the upload's scan", cluster, downloaded, timeout=30)
    assert downloads[-1].body == content

    scan = cluster.query(
        "import json\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "from evidence.models import EvidenceFile\n"
        "rows = DBTaskResult.objects.filter(task_path='evidence.tasks.scan_and_extract')\n"
        "file = EvidenceFile.objects.get()\n"
        "print('RESULT:' + json.dumps({'tasks': [[r.status, r.worker_ids, r.return_value] for r in rows],"
        " 'text': file.text, 'key': file.storage_key}))\n"
    )
    assert len(scan["tasks"]) == 1
    status, worker_ids, returned = scan["tasks"][0]
    assert (status, returned) == ("SUCCESSFUL", "clean")
    assert len(worker_ids) == 1 and worker_ids[0] in WORKERS
    # The worker also extracted the text for search, reading the file the server stored.
    assert "evening sessions in Penzance" in scan["text"]

    # The file is in the bucket, and nowhere on any process's disk.
    stored = evidence_bucket["client"].get_object(Bucket=evidence_bucket["bucket"], Key=scan["key"])
    assert stored["Body"].read() == content
    left_on_disk = [
        path
        for pattern in ("*/evidence/**/*", "*/tmp/*.upload")
        for path in cluster.folder.glob(pattern)
        if path.is_file()
    ]
    assert left_on_disk == []
