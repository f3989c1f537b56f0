"""Benchmark: the busiest pages, served by gunicorn, over the national dataset (bench/seed.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/pages.py

It serves the portal with gunicorn (one worker per CPU core, DEBUG off, bench/settings.py) on
127.0.0.1, and drives it with wrk (Debian's `wrk` package) on the same machine: 20 connections,
each page for DURATION seconds after a short warm-up, signed in as the person who uses it (the
organisation's lead, or a CQC assessor), with a session made directly in the session store
(`signed_in_cookie`). The pages:

- `overview`: an organisation's self-assessment overview (its current cycle's draft);
- `criterion`: one criterion of it;
- `evidence_search`: the organisation's evidence library searched for a word;
- `queue`: the assessor's queue of every submitted assessment;
- `workspace`: the review workspace of an assessment in review;
- `calibration`: a cycle's calibration table.

The baseline is a trivial Django view (bench/urls.py, under bench/settings.py only) served by
the same gunicorn through the same middleware, with no session, no query and no template. It is
measured before and after the pages, and the mean is the baseline, so noise from other work on
the machine hits both sides.

For each page it prints `<page>_p95_ms` (95th percentile latency, from wrk), `<page>_throughput_ratio`
(requests per second over the baseline's) and `<page>_queries` (the database queries of one
request, counted in this process with Django's test client after a first request, as a warm
gunicorn worker makes them). For context it also prints `<page>_serial_median_ms`, the median of
one request at a time after the load. Targets: p95 <= 100 ms (evidence search <= 150 ms), ratio >= 0.20,
queries <= 15. Anything else it says goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 20
SEARCH_TERM = "dementia"

# wrk's own summary counts dropped connections (connect, read, write, timeout) and answers of 400
# or above; the response hook counts every answer outside 2xx (a redirect to the sign-in page
# would otherwise be timed as if it were the page) and the 5xx among them, per thread.
LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non_2xx = 0
  server_errors = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local non_2xx, server_errors = 0, 0
  for _, thread in ipairs(threads) do
    non_2xx = non_2xx + thread:get("non_2xx")
    server_errors = server_errors + thread:get("server_errors")
  end
  io.write(string.format("wrk_p95_us: %d\\n", latency:percentile(95)))
  io.write(string.format("wrk_median_us: %d\\n", latency:percentile(50)))
  io.write(string.format("wrk_requests: %d\\n", summary.requests))
  io.write(string.format("wrk_duration_us: %d\\n", summary.duration))
  io.write(string.format("wrk_dropped: %d\\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("wrk_non_2xx: %d\\n", non_2xx))
  io.write(string.format("wrk_5xx: %d\\n", server_errors))
end
"""
WRK_FIGURES = 7


class BenchFailure(SystemExit):
    """The load did not get the page: a 5xx, a dropped connection, or an answer that was not the
    page (a redirect, a 4xx). The figures would be of something else, so the bench stops."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment() -> dict[str, str]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench/pages.py: set DATABASE_URL to the database bench/seed.py filled")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "EVIDENCE_ROOT": env.get("EVIDENCE_ROOT") or str(ROOT / "var" / "bench-evidence"),
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("EVIDENCE_S3_BUCKET", "CLAMD_SOCKET", "CLAMD_HOST"):
        env.pop(name, None)
    return env


def signed_in_cookie(user) -> str:
    """A session for `user`, made directly in the session store as signing in would make it;
    returns the session key for the cookie. The one place the benchmarks sign people in.

    Staff who must use a second factor (CQC assessors) get an authenticator app if they have none
    (in the benchmark database only), and the session is marked verified with it, as entering
    its code on the sign-in code page would (django-otp's DEVICE_ID_SESSION_KEY)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import two_factor
    from accounts.security import SessionTimeoutMiddleware

    now = int(time.time())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SessionTimeoutMiddleware.STARTED] = now
    session[SessionTimeoutMiddleware.LAST_SEEN] = now
    device = two_factor.authenticator(user)
    if device is None and two_factor.needs_two_factor(user):
        device, _ = two_factor.turn_on(user, two_factor.new_key())
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def targets() -> list[tuple[str, str, object]]:
    """(name, path, user) for each page, picked from the seeded data."""
    from django.contrib.auth.models import User
    from django.urls import reverse

    from assessments.models import Assessment, AssessmentCycle
    from organisations.models import Membership
    from organisations.roles import CQC_ASSESSORS

    current = AssessmentCycle.objects.order_by("-opens_on").first()
    draft = (
        Assessment.objects.filter(cycle=current, status=Assessment.Status.DRAFT)
        .select_related("organisation", "cycle")
        .order_by("organisation__code")
        .first()
    )
    if draft is None:
        raise SystemExit("bench/pages.py: no draft assessment in the current cycle; run bench/seed.py")
    org = draft.organisation
    lead = Membership.objects.get(organisation=org, role=Membership.Role.LEAD).user
    in_review = (
        Assessment.objects.filter(status=Assessment.Status.IN_REVIEW, review__scores__isnull=False)
        .select_related("organisation", "cycle", "review__assigned_to")
        .order_by("-cycle__opens_on", "organisation__code")
        .first()
    )
    assessor = in_review.review.assigned_to or User.objects.filter(groups__name=CQC_ASSESSORS).first()
    calibration_cycle = (
        AssessmentCycle.objects.filter(assessments__status=Assessment.Status.ASSESSED)
        .order_by("-opens_on")
        .first()
    )
    kw = {"code": org.code, "cycle": draft.cycle.slug}
    return [
        ("overview", reverse("assessment_overview", kwargs=kw), lead),
        ("criterion", reverse("assessment_criterion", kwargs={**kw, "criterion": "4.2"}), lead),
        (
            "evidence_search",
            reverse("evidence_library", kwargs={"code": org.code}) + f"?q={SEARCH_TERM}",
            lead,
        ),
        ("queue", reverse("review_queue"), assessor),
        (
            "workspace",
            reverse(
                "review_workspace",
                kwargs={"code": in_review.organisation.code, "cycle": in_review.cycle.slug},
            ),
            assessor,
        ),
        ("calibration", reverse("review_calibration", kwargs={"cycle": calibration_cycle.slug}), assessor),
        # Home pages: what a lead and an assessor see first (issues 14 and 15).
        ("home_lead", reverse("home"), lead),
        ("home_assessor", reverse("home"), assessor),
        # CQC's national progress of the current cycle: every organisation in scope.
        ("national_progress", reverse("cycle_progress", kwargs={"cycle": current.slug}), assessor),
        # The system's register, and one activity's page, which runs the overlap check.
        ("activities", reverse("activity_system_list", kwargs={"code": org.code}), lead),
        (
            "overlap_check",
            reverse(
                "activity_detail",
                kwargs={"code": org.code, "activity_id": _busiest_activity(org)},
            ),
            lead,
        ),
    ]


def _busiest_activity(org) -> int:
    """The organisation's earliest planned activity: its check looks across its system's activities
    90 days either side (on the seed-4 database, 20 overlaps shown, the most the page lists)."""
    from activities.models import Activity

    activity = Activity.objects.filter(organisation=org, status="planned").order_by("period_start").first()
    if activity is None:
        raise SystemExit("bench/pages.py: no engagement activities; run bench/seed.py (seed version 2)")
    return activity.pk


def count_queries(path: str, cookie: str | None) -> tuple[int, int]:
    """(queries of a first request, queries of the next one), through Django's test client."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench/pages.py: {path} answered {response.status_code}, not 200")
        counts.append(len(captured.captured_queries))
    return counts[0], counts[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    """The portal under gunicorn on loopback, as the page benchmarks load it."""
    return subprocess.Popen(  # noqa: S603 - our own arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "engagement_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench/pages.py: gunicorn did not answer {url}")


def wrk(
    url: str, cookie: str | None, seconds: int, script: Path, *, warmup: bool = False
) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(  # noqa: S603 - our own arguments
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return read_wrk(output, url, seconds, warmup=warmup)


def read_wrk(output: str, url: str, seconds: int, *, warmup: bool = False) -> dict[str, float]:
    """wrk's figures (from LUA's done hook), refusing a run with any 5xx, dropped connection or
    other answer than 2xx. Warm-up runs are read but not judged (a cold worker may be slow)."""
    values = dict(re.findall(r"^(wrk_\w+): (\d+)$", output, flags=re.MULTILINE))
    if len(values) != WRK_FIGURES:
        raise BenchFailure(f"bench: could not read wrk's output:\n{output}")
    result = {k: float(v) for k, v in values.items()}
    if warmup:
        return result
    problems = []
    if result["wrk_5xx"]:
        problems.append(f"{int(result['wrk_5xx'])} server errors (5xx)")
    if result["wrk_dropped"]:
        problems.append(f"{int(result['wrk_dropped'])} dropped connections or timeouts")
    other = result["wrk_non_2xx"] - result["wrk_5xx"]
    if other:
        problems.append(f"{int(other)} answers that were not the page (3xx or 4xx)")
    if problems:
        raise BenchFailure(f"bench: {url} under load: {'; '.join(problems)}\n{output}")
    if not result["wrk_requests"]:
        raise BenchFailure(f"bench: no request to {url} finished in {seconds} s")
    result["rps"] = result["wrk_requests"] / (result["wrk_duration_us"] / 1e6)
    result["p95_ms"] = result["wrk_p95_us"] / 1000
    result["median_ms"] = result["wrk_median_us"] / 1000
    return result


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def serial_ms(url: str, cookie: str | None, n: int = 15) -> float:
    """Median milliseconds of one request at a time (no queueing): for context beside the p95
    under load, which with 20 connections is mostly time spent waiting for a worker."""
    times = []
    for _ in range(n):
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
        started = time.perf_counter()
        # A redirect or error raises (HTTPError): only the page itself is timed.
        with _opener.open(request, timeout=30) as response:
            response.read()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def prepare(script: str) -> dict[str, str]:
    """What a benchmark served by gunicorn does first (this one and bench/survey.py): checks wrk
    is there, sets up Django with the benchmark's environment and collects the static files
    gunicorn serves. Returns that environment."""
    if shutil.which("wrk") is None:
        raise SystemExit(f"bench/{script}: wrk is missing: apt-get install wrk")
    env = environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page (default 15)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each (default 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", help="comma-separated pages (default: all); the baseline always runs")
    args = parser.parse_args()
    env = prepare("pages.py")
    from django.conf import settings

    pages = [(name, path, signed_in_cookie(user)) for name, path, user in targets()]
    if args.only:
        pages = [page for page in pages if page[0] in args.only.split(",")]
    queries = {}
    for name, path, cookie in pages:
        first, warm = count_queries(path, cookie)
        queries[name] = warm
        say(f"{name}: {path} ({first} queries on a first request, {warm} after)")
    from django.db import connections

    connections.close_all()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = serve(port, args.workers, env)
    results: dict[str, dict[str, float]] = {}
    try:
        wait_for(f"{base}/bench/trivial")
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "p95.lua"
            script.write_text(LUA)
            runs = [
                ("baseline_before", "/bench/trivial", None),
                *pages,
                ("baseline_after", "/bench/trivial", None),
            ]
            for name, path, cookie in runs:
                if args.warmup:
                    wrk(base + path, cookie, args.warmup, script, warmup=True)
                results[name] = wrk(base + path, cookie, args.duration, script)
                results[name]["serial_ms"] = serial_ms(base + path, cookie)
                say(f"{name}: {results[name]['rps']:.1f} requests/s, p95 {results[name]['p95_ms']:.1f} ms")
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    baseline = (results["baseline_before"]["rps"] + results["baseline_after"]["rps"]) / 2
    print(f"baseline_rps: {baseline:.1f}")
    worst = max(results["baseline_before"]["p95_ms"], results["baseline_after"]["p95_ms"])
    print(f"baseline_p95_ms: {worst:.1f}")
    print(f"workers: {args.workers}")
    serial_baseline = (results["baseline_before"]["serial_ms"] + results["baseline_after"]["serial_ms"]) / 2
    print(f"baseline_serial_median_ms: {serial_baseline:.2f}")
    for name, _, _ in pages:
        print(f"{name}_throughput_ratio: {results[name]['rps'] / baseline:.3f}")
        print(f"{name}_serial_ratio: {serial_baseline / results[name]['serial_ms']:.3f}")
        print(f"{name}_queries: {queries[name]}")
        print(f"{name}_p95_ms: {results[name]['p95_ms']:.1f}")
        print(f"{name}_median_ms: {results[name]['median_ms']:.1f}")
        print(f"{name}_serial_median_ms: {results[name]['serial_ms']:.1f}")
        print(f"{name}_non_2xx: {int(results[name]['wrk_non_2xx'])}")
    del settings


if __name__ == "__main__":
    main()
