"""Benchmark: a survey's public pages and the results page of a survey of 10,000 responses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/survey.py

Served by gunicorn (one worker per core, DEBUG off, bench/settings.py) and driven by wrk with 20
connections, as bench/pages.py does (its helpers are reused), over the national dataset
(bench/seed.py, version 4: a tenth of organisations have an open survey of 2,000 responses, one
organisation a closed one of 10,000). Three things are measured:

- `survey_question`: an open survey's first page, as anyone with the link opens it (no session);
- `survey_answer`: the answer to its first question posted (the signed state and CSRF token of
  a real first page; each post checks the answer and answers with the second question's page,
  storing nothing, as every page before the last does);
- `survey_results`: the results page of the 10,000-response survey, as its organisation's lead.

The baseline is the trivial view of bench/urls.py, measured before and after. It prints
`<name>_p95_ms`, `<name>_throughput_ratio` and `<name>_queries` for each, and
`survey_answer_throughput_ratio` is the figure with a target (>= 0.25, the page being anonymous
and light), as are `survey_results_p95_ms` (<= 100 ms) and `survey_results_queries` (<= 15,
counted by SQL however many answered). Anything else goes to stderr.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from pages import (  # bench/pages.py: the scripts run from bench/
    LUA,
    count_queries,
    free_port,
    prepare,
    read_wrk,
    say,
    serial_ms,
    serve,
    signed_in_cookie,
    wait_for,
    wrk,
)

POST_LUA = """
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def targets():
    """(open survey, its first question's value, the 10,000-response survey, its lead)."""
    from seed import BIG_SURVEY_RESPONSES

    from organisations.models import Membership
    from voices import answering
    from voices.models import Survey

    big = (
        Survey.objects.filter(response_count=BIG_SURVEY_RESPONSES)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    opened = Survey.objects.filter(status=Survey.Status.OPEN).order_by("pk").first()
    if big is None or opened is None:
        raise SystemExit("bench/survey.py: no surveys in the database; run bench/seed.py (seed version 4)")
    lead = Membership.objects.get(organisation=big.organisation, role=Membership.Role.LEAD).user
    first = answering.steps_for(opened)[0]
    return opened, first.choices[0][0], big, lead


def answer_body(base: str, token: str, value: str) -> tuple[str, str]:
    """A real first page's CSRF cookie and the POST body answering its first question."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = opener.open(f"{base}/s/{token}/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', start).group(1)
    state = re.search(r'name="state" value="([^"]+)"', start).group(1)
    first = (
        opener.open(
            f"{base}/s/{token}/answer/",
            urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "state": state, "go": "start"}).encode(),
            timeout=30,
        )
        .read()
        .decode()
    )
    state = re.findall(r'name="state" value="([^"]+)"', first)[-1]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "state": state, "page": "0", "go": "next", "answer": value}
    )
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/s/{token}/answer/", data=body.encode(), headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(check, timeout=30) as response:  # noqa: S310 - loopback
        page = response.read().decode()
    if "Question 2 of" not in page:
        raise SystemExit("bench/survey.py: posting the first answer did not lead to the second question")
    return cookie, body


def wrk_raw(
    url: str, cookie_header: str, seconds: int, script: Path, body: str, *, warmup: bool = False
) -> dict[str, float]:
    """wrk with a whole Cookie header (the CSRF cookie), posting `body`; judged as bench/pages.py
    judges every run (any answer but the page stops the bench)."""
    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    command += ["-H", f"Cookie: {cookie_header}", url]
    output = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, check=True, env={**os.environ, "BENCH_BODY": body}
    ).stdout
    return read_wrk(output, url, seconds, warmup=warmup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load each (default 15)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each (default 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    env = prepare("survey.py")
    from django.db import connections
    from django.urls import reverse

    opened, value, big, lead = targets()
    question_path = reverse("survey_start", kwargs={"token": opened.token})
    results_path = reverse("survey_results", kwargs={"code": big.organisation.code, "survey_id": big.pk})
    lead_cookie = signed_in_cookie(lead)
    queries = {}
    for name, path, cookie in (
        ("survey_question", question_path, None),
        ("survey_results", results_path, lead_cookie),
    ):
        first, warm = count_queries(path, cookie)
        queries[name] = warm
        say(f"{name}: {path} ({first} queries on a first request, {warm} after)")
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
            post_script = Path(tmp) / "post.lua"
            post_script.write_text(POST_LUA + LUA)
            csrf_cookie, body = answer_body(base, opened.token, value)
            runs = [
                ("baseline_before", "/bench/trivial", None),
                ("survey_question", question_path, None),
                ("survey_answer", f"/s/{opened.token}/answer/", "post"),
                ("survey_results", results_path, lead_cookie),
                ("baseline_after", "/bench/trivial", None),
            ]
            for name, path, cookie in runs:
                if cookie == "post":
                    if args.warmup:
                        wrk_raw(base + path, csrf_cookie, args.warmup, post_script, body, warmup=True)
                    results[name] = wrk_raw(base + path, csrf_cookie, args.duration, post_script, body)
                else:
                    if args.warmup:
                        wrk(base + path, cookie, args.warmup, script, warmup=True)
                    results[name] = wrk(base + path, cookie, args.duration, script)
                    results[name]["serial_ms"] = serial_ms(base + path, cookie)
                say(f"{name}: {results[name]['rps']:.1f} requests/s, p95 {results[name]['p95_ms']:.1f} ms")
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    baseline = (results["baseline_before"]["rps"] + results["baseline_after"]["rps"]) / 2
    print(f"survey_baseline_rps: {baseline:.1f}")
    for name in ("survey_question", "survey_answer", "survey_results"):
        print(f"{name}_p95_ms: {results[name]['p95_ms']:.1f}")
        print(f"{name}_throughput_ratio: {results[name]['rps'] / baseline:.3f}")
        if name in queries:
            print(f"{name}_queries: {queries[name]}")
    print(f"survey_results_responses: {big.response_count}")


if __name__ == "__main__":
    main()
