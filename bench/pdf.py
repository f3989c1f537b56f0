"""Benchmark: the PDF report of a complete self-assessment, against headless Chromium.

    .venv/bin/python bench/pdf.py [--chromium /usr/bin/chromium]

It configures Django itself (the project's settings, DEBUG on, a temporary SQLite database and
evidence store, tasks run in-process), migrates, and builds a complete self-assessment: every
criterion of the published rubric (33) answered with its own 300-word narrative, and 300 evidence
items each cited once, with a location and a note (about 9 per criterion). It submits it, then:

- renders the submission's report once, cold: the first render in this process, from the
  submission (building the report's data, the HTML and the PDF);
- writes the same HTML to a file, with the stylesheet inlined, and times headless Chromium's
  --print-to-pdf of it in the same run (one untimed run first to create its profile, then the
  median of three; each run starts a new Chromium, so each is cold too);
- requests the report twice through the view with Django's test client as the organisation's
  lead: the first request renders and stores it (the task runs in-process), the second streams
  the stored file, and is timed.

It prints exactly three lines:

    pdf_pages: <pages in the report>
    pdf_cold_ratio_vs_chromium: <cold render seconds / Chromium's seconds>
    pdf_cached_ms: <milliseconds for the second request, body read in full>

Targets: ratio <= 2.0 and cached <= 50 ms. Everything else it says (warm render times, the size
of the PDF) goes to stderr. Nothing leaves the machine: Chromium runs with networking off and a
profile in the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from words import VOCABULARY  # bench/words.py: the scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]
CRITERION_WORDS = 300
EVIDENCE_ITEMS = 300


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"bench/pdf.py: {problem}")


def configure(tmp: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "engagement_portal.settings",
            "DJANGO_DEBUG": "1",
            "SQLITE_PATH": str(tmp / "bench.sqlite3"),
            "EVIDENCE_ROOT": str(tmp / "evidence"),
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("DATABASE_URL", "EVIDENCE_S3_BUCKET", "CLAMD_SOCKET", "CLAMD_HOST"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    say("migrating a temporary SQLite database")
    call_command("migrate", verbosity=0, interactive=False)


def narrative(rng: random.Random, words: int) -> str:
    """Sentences of plausible words, in paragraphs of about 100 words."""
    out, paragraph, sentence = [], [], []
    for n in range(words):
        sentence.append(rng.choice(VOCABULARY))
        if len(sentence) >= rng.randint(9, 18) or n == words - 1:
            paragraph.append(" ".join(sentence).capitalize() + ".")
            sentence = []
        if sum(len(s.split()) for s in paragraph) >= 100 and not sentence:
            out.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        out.append(" ".join(paragraph))
    return "\n\n".join(out)


def build():
    """A submitted, complete self-assessment; returns (lead, assessment, submission)."""
    import datetime
    import hashlib
    import uuid

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.utils import timezone

    from assessments import services
    from assessments.models import Assessment, AssessmentCycle, CriterionResponse
    from evidence.models import Citation, EvidenceFile, EvidenceItem
    from organisations.models import Membership, Organisation

    rng = random.Random(2026)  # noqa: S311 - repeatable made-up text, not secrets
    lead = get_user_model().objects.create_user("bench.lead", first_name="Bench", last_name="Lead")
    organisation = Organisation.objects.create(
        name="Benchmark and District Integrated Care System", type="ics", code="BENCH1", region="london"
    )
    Membership.objects.create(user=lead, organisation=organisation, role=Membership.Role.LEAD)
    today = timezone.localdate()
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=300),
    )
    assessment = services.assessment_start(organisation=organisation, cycle=cycle, by=lead)
    responses = list(CriterionResponse.objects.filter(assessment=assessment).order_by("criterion__code"))
    for response in responses:
        CriterionResponse.objects.filter(pk=response.pk).update(
            score=rng.randint(1, 4), narrative=narrative(rng, CRITERION_WORDS), version=1
        )

    kinds = [k for k, _ in EvidenceItem.Kind.choices]
    categories = [c for c, _ in EvidenceItem.Category.choices]
    storage = storages["evidence"]
    files = []
    for n in range(EVIDENCE_ITEMS):
        content = f"Evidence {n}\n{narrative(rng, 40)}\n".encode()
        item = EvidenceItem.objects.create(
            organisation=organisation,
            title=f"{' '.join(rng.choice(VOCABULARY) for _ in range(5)).capitalize()} ({n + 1})",
            kind=kinds[n % len(kinds)],
            category=categories[n % len(categories)],
            evidence_date=datetime.date(2025, 4, 1) + datetime.timedelta(days=n),
            created_by=lead,
        )
        files.append(
            EvidenceFile.objects.create(
                item=item,
                revision=1,
                storage_key=storage.save(uuid.uuid4().hex, ContentFile(content)),
                original_name=f"evidence-{n + 1:03d}-{rng.choice(VOCABULARY)}.pdf",
                size=len(content),
                content_type="application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                scan_status=EvidenceFile.ScanStatus.CLEAN,
                text_status=EvidenceFile.TextStatus.DONE,
                uploaded_by=lead,
            )
        )
    Citation.objects.bulk_create(
        Citation(
            response=responses[n % len(responses)],
            file=file,
            location=f"Page {rng.randint(1, 40)}, section {rng.randint(1, 9)}",
            note=narrative(rng, rng.randint(15, 35)),
            created_by=lead,
        )
        for n, file in enumerate(files)
    )
    submission = services.assessment_submit(
        assessment=assessment, by=lead, declaration=True, acknowledged_warnings=True
    )
    return lead, Assessment.objects.get(pk=assessment.pk), submission


def chromium_seconds(chromium: str, html: str, tmp: Path) -> float:
    """Median seconds of three headless --print-to-pdf runs of the HTML (after one untimed run)."""
    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "pdf" / "report.css").read_text()
    inlined = re.sub(r'<link rel="stylesheet" href="[^"]*report\.css">', f"<style>{css}</style>", html)
    check(inlined != html, "the report's stylesheet link was not found")
    page = tmp / "report.html"
    page.write_text(inlined, encoding="utf-8")
    out = tmp / "chromium.pdf"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    times = []
    for run in range(4):
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=300)  # noqa: S603
        elapsed = time.perf_counter() - start
        check(out.exists() and out.read_bytes().startswith(b"%PDF"), "Chromium wrote no PDF")
        if run:
            times.append(elapsed)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--keep", type=Path, help="Also write the report's HTML and PDF into this folder.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        configure(tmp)
        say(
            f"building a complete assessment: every criterion, {CRITERION_WORDS}-word narratives, "
            f"{EVIDENCE_ITEMS} cited evidence items"
        )
        lead, assessment, submission = build()

        from django.test import Client
        from django.urls import reverse

        from assessments import report
        from assessments.models import RenderedReport

        start, start_cpu = time.perf_counter(), time.process_time()
        data = report.report_for_submission(submission)
        html = report.report_html(data)
        rendered = report.render_pdf(html)
        cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        say(
            f"cold render: {cold:.2f}s ({rendered.pages} pages, {len(rendered.pdf) / 1024:.0f} KB, "
            f"{data.criteria_count} criteria, {len(data.evidence)} evidence items; "
            f"WeasyPrint alone {rendered.seconds:.2f}s; {cold_cpu:.2f}s of CPU time, which a busy machine "
            "does not inflate as it does wall-clock time)"
        )
        warm = []
        for _ in range(2):
            again = report.render_pdf(report.report_html(report.report_for_submission(submission)))
            warm.append(again.seconds)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / "report.html").write_text(html, encoding="utf-8")
            (args.keep / "report.pdf").write_bytes(rendered.pdf)
        say(f"warm renders (WeasyPrint alone): {', '.join(f'{s:.2f}s' for s in warm)}")

        chromium = chromium_seconds(args.chromium, html, tmp)
        say(f"chromium --print-to-pdf: {chromium:.2f}s (median of 3)")

        client = Client(SERVER_NAME="localhost")
        client.force_login(lead)
        url = reverse(
            "submission_report",
            kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, "number": 1},
        )
        first = client.get(url)
        check(first.status_code == 200, f"the first request answered {first.status_code}")
        b"".join(first.streaming_content)
        check(RenderedReport.objects.get().status == RenderedReport.Status.READY, "no report was stored")
        start = time.perf_counter()
        second = client.get(url)
        body = b"".join(second.streaming_content)
        cached = time.perf_counter() - start
        check(
            second.status_code == 200 and body.startswith(b"%PDF"),
            f"the second request: {second.status_code}",
        )
        later = []
        for _ in range(5):
            start = time.perf_counter()
            b"".join(client.get(url).streaming_content)
            later.append(time.perf_counter() - start)
        say(f"later cached requests: median {statistics.median(later) * 1000:.1f} ms")

        print(f"pdf_pages: {rendered.pages}")
        print(f"pdf_cold_ratio_vs_chromium: {cold / chromium:.2f}")
        print(f"pdf_cached_ms: {cached * 1000:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
