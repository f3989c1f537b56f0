"""`make bench`: every benchmark in one run, and bench/results.md from it.

    .venv/bin/python bench/run.py [--database-url postgres://...] [--duration 15]

1. Checks what the benchmarks need (wrk, PostgreSQL, Chromium) and says what is missing.
2. Seeds the national dataset (bench/seed.py) into BENCH_DATABASE_URL
   (postgres://postgres@127.0.0.1:5432/portal_bench by default; created if missing), unless it
   already holds the current seed version.
3. Runs bench/pages.py and bench/survey.py against it, then bench/upload.py and bench/pdf.py
   (which make their own temporary SQLite databases), echoing their `name: value` lines.
4. Writes bench/results.md: the date, the machine (cores, memory, load), every figure with its
   target and whether it met it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
PAGES = [
    "overview",
    "criterion",
    "evidence_search",
    "queue",
    "workspace",
    "calibration",
    "home_lead",
    "home_assessor",
    "national_progress",
    "activities",
    "overlap_check",
]

# name -> (target text, test); figures without a target are reported for context only. Every
# target is a ratio to a baseline measured in the same run, or a count (issue 19): milliseconds
# move from one machine to the next and are printed for context.
TARGETS: dict[str, tuple[str, object]] = {}
for _page in PAGES:
    TARGETS[f"{_page}_throughput_ratio"] = ("≥ 0.06", lambda v: v >= 0.06)
    TARGETS[f"{_page}_serial_ratio"] = ("≥ 0.06", lambda v: v >= 0.06)
    TARGETS[f"{_page}_queries"] = ("≤ 15, independent of data size", lambda v: v <= 15)
    TARGETS[f"{_page}_non_2xx"] = ("0 (a 5xx or dropped connection stops the bench)", lambda v: v == 0)
TARGETS.update(
    {
        "upload_peak_rss_growth_mb": ("≤ 32 MB", lambda v: v <= 32),
        "upload_throughput_ratio": ("≥ 0.5", lambda v: v >= 0.5),
        "pdf_cold_ratio_vs_chromium": ("≤ 2.0", lambda v: v <= 2.0),
        "pdf_cached_ms": ("≤ 50 ms", lambda v: v <= 50),
        # bench/survey.py: a survey's public pages, and the results of 10,000 responses.
        "survey_answer_throughput_ratio": ("≥ 0.25", lambda v: v >= 0.25),
        "survey_results_p95_ms": ("≤ 100 ms", lambda v: v <= 100),
        "survey_results_queries": ("≤ 15, independent of responses", lambda v: v <= 15),
    }
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def missing_prerequisites(url: str) -> list[str]:
    problems = []
    if shutil.which("wrk") is None:
        problems.append("wrk (the load generator): apt-get install wrk")
    if not Path("/usr/bin/chromium").exists():
        problems.append("Chromium, for bench/pdf.py's comparison: apt-get install chromium")
    if shutil.which("psql") is None:
        problems.append(
            "psql (PostgreSQL's client), to create the benchmark database: apt-get install postgresql-client"
        )
    if not url.startswith("postgres"):
        problems.append(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url!r}")
    return problems


def ensure_database(url: str) -> None:
    """Create the database if the server does not have it yet."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"\w+", name):
        raise SystemExit(f"bench/run.py: use a plain database name (letters, digits, _), not {name!r}")
    server = parts._replace(path="/postgres").geturl()
    found = subprocess.run(  # noqa: S603 - a checked name
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S607, S608
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise SystemExit(f"bench/run.py: cannot reach PostgreSQL at {server}: {found.stderr.strip()}")
    if found.stdout.strip() != "1":
        say(f"bench: creating database {name}")
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True)  # noqa: S603, S607


def run(script: str, env: dict[str, str], *args: str) -> dict[str, str]:
    say(f"bench: {script} {' '.join(args)}")
    done = subprocess.run(  # noqa: S603 - our own scripts
        [PY, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        raise SystemExit(f"bench/run.py: bench/{script} failed (exit {done.returncode})")
    return dict(re.findall(r"^(\w+): (.+)$", done.stdout, flags=re.MULTILINE))


def machine() -> dict[str, str]:
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "cores": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def load() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(
    figures: dict[str, str], seed: dict[str, str], started: datetime.datetime, loads: list[str]
) -> str:
    m = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py) on {started:%Y-%m-%d %H:%M} UTC, from one run.",
        "",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, {m['os']}, Python {m['python']}.",
        f"- Load average (1 / 5 / 15 min) before, between and after the benchmarks: {'; '.join(loads)}. "
        "Anything above the core count means other work shared the machine: absolute figures "
        "(milliseconds) suffer most, ratios to a baseline measured in the same run less.",
        f"- National dataset (bench/seed.py, version {seed.get('seed_version', '?')}): "
        + (
            f"seeded in this run in {seed['seed_seconds']} s."
            if "seed_seconds" in seed
            else "already in the database from an earlier run (not seeded again)."
        ),
        f"- Pages: gunicorn with {figures.get('workers', '?')} workers on loopback, wrk with 20 "
        f"connections, {figures.get('duration', '?')} s per page after a warm-up; baseline (a trivial "
        f"view through the same middleware) {figures.get('baseline_rps', '?')} requests/s, "
        f"p95 {figures.get('baseline_p95_ms', '?')} ms.",
        "- Surveys (bench/survey.py): the same set-up, its own baseline "
        f"{figures.get('survey_baseline_rps', '?')} requests/s; results of a survey of "
        f"{figures.get('survey_results_responses', '?')} responses.",
        "",
        "| Figure | Value | Target | Met |",
        "|---|---|---|---|",
    ]
    for name, value in figures.items():
        if name in {
            "workers",
            "duration",
            "baseline_rps",
            "baseline_p95_ms",
            "seed_status",
            "survey_baseline_rps",
        }:
            continue
        target, test = TARGETS.get(name, ("–", None))
        met = "–"
        if test is not None:
            try:
                met = "yes" if test(float(value)) else "**no**"
            except ValueError:
                met = "?"
        lines.append(f"| `{name}` | {value} | {target} | {met} |")
    lines += [
        "",
        "How to read them: with 20 connections on a few workers, a request's time under load is "
        "mostly waiting for a worker (Little's law: p95 ≈ 20 connections / requests per second), so "
        "p95 ≤ 100 ms needs about 200 requests per second (a throughput ratio of 0.1 to 0.2 against "
        "a baseline of 1,000 to 2,000). `*_serial_ratio` is the trivial view's median time for one "
        "request alone divided by the page's (`*_serial_median_ms`). Under load, a 5xx answer or a "
        "dropped connection stops the bench; `*_non_2xx` counts any other answer that was not the page.",
        "",
        "Query counts are for one request after a first one (as a worker that served the page before "
        "answers it); tests/test_page_queries.py checks they are the same for a small and a larger dataset.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--duration", default="15", help="seconds of load per page")
    args = parser.parse_args()
    problems = missing_prerequisites(args.database_url)
    if problems:
        raise SystemExit("make bench needs:\n  - " + "\n  - ".join(problems))
    started = datetime.datetime.now(datetime.UTC)
    loads = [load()]
    ensure_database(args.database_url)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    seed = run("seed.py", {**env, "DATABASE_URL": args.database_url})
    figures = run("pages.py", {**env, "DATABASE_URL": args.database_url}, "--duration", args.duration)
    figures["duration"] = args.duration
    figures.update(run("survey.py", {**env, "DATABASE_URL": args.database_url}, "--duration", args.duration))
    loads.append(load())
    figures.update(run("upload.py", env))
    figures.update(run("pdf.py", env))
    loads.append(load())
    (ROOT / "bench" / "results.md").write_text(report(figures, seed, started, loads))
    say("bench: wrote bench/results.md")


if __name__ == "__main__":
    main()
