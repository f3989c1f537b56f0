"""Where a page's CPU goes: each bench/pages.py page requested in this process, one at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/profile_pages.py [--n 50] [--only PAGES] [--profile PAGE] [--html DIR]

Signs in as bench/pages.py does (signed_in_cookie), with its settings (bench/settings.py, DEBUG
off), through Django's test client and every middleware. Prints, per page, the median of N
requests after a first one: wall milliseconds and this process's CPU milliseconds (the database
server's time is not in the CPU figure). --profile PAGE prints a cProfile of N requests of that
page sorted by cumulative time; --html DIR writes each page's HTML with the per-request tokens
(CSP nonce, CSRF token) replaced, so two runs can be compared with diff.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import environment, signed_in_cookie, targets  # noqa: E402


def normalised(html: str) -> str:
    html = re.sub(r'nonce="[^"]*"', 'nonce="NONCE"', html)
    csrf_input = r'name="csrfmiddlewaretoken" value="[^"]*"'
    return re.sub(csrf_input, 'name="csrfmiddlewaretoken" value="CSRF"', html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--profile", help="page to profile with cProfile")
    parser.add_argument("--html", help="directory to write each page's normalised HTML to")
    parser.add_argument("--only", help="comma-separated pages")
    args = parser.parse_args()
    os.environ.update(environment())
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    if settings.DEBUG:
        raise SystemExit("bench/profile_pages.py: DEBUG must be off, as gunicorn serves the pages")
    from django.db import connection
    from django.template.backends.django import Template

    # The page's own template (rendered once per request by the view, with whatever it
    # includes), timed in this process's CPU; and the time spent waiting on the database.
    spent = {"render": 0.0, "sql": 0.0}
    original_render = Template.render

    def timed_render(self, context=None, request=None):
        started = time.process_time()
        try:
            return original_render(self, context, request)
        finally:
            if request is not None:  # a page, not a widget or an e-mail
                spent["render"] += time.process_time() - started

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    Template.render = timed_render
    pages = [(name, path, signed_in_cookie(user)) for name, path, user in targets()]
    if args.only:
        pages = [p for p in pages if p[0] in args.only.split(",")]
    for name, path, cookie in pages:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench/profile_pages.py: {path} answered {response.status_code}")
        if args.html:
            Path(args.html).mkdir(parents=True, exist_ok=True)
            (Path(args.html) / f"{name}.html").write_text(normalised(response.content.decode()))
        if args.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            continue
        walls, cpus, renders, sqls = [], [], [], []
        for _ in range(args.n):
            spent["render"] = spent["sql"] = 0.0
            w, c = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed_sql):
                client.get(path)
            cpus.append(time.process_time() - c)
            walls.append(time.perf_counter() - w)
            renders.append(spent["render"])
            sqls.append(spent["sql"])
        print(
            f"{name}: wall {statistics.median(walls) * 1000:.1f} ms, "
            f"cpu {statistics.median(cpus) * 1000:.1f} ms, of which page template "
            f"{statistics.median(renders) * 1000:.1f} ms (CPU); waiting for SQL "
            f"{statistics.median(sqls) * 1000:.1f} ms (wall) (medians of {args.n})",
            flush=True,
        )


if __name__ == "__main__":
    main()
