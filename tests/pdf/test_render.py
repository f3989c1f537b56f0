"""engagement_portal/lib/pdf.py: the URL fetcher serves our static files and data: URIs and
nothing else, and hostile text in a report renders as text and fetches nothing.

A throwaway HTTP server on 127.0.0.1 stands in for everything a hostile narrative might point
WeasyPrint at (an internal service, a metadata endpoint): it must receive no request at all.
"""

from __future__ import annotations

import base64
import gc
import http.server
import io
import re
import shutil
import subprocess
import threading
import traceback
from pathlib import Path

import pypdf
import pytest
import weasyprint
from django.conf import settings
from django.urls import reverse

from assessments import report, services
from engagement_portal.lib import pdf
from tests.assessments.helpers import evidence_file, response, start

pytestmark = pytest.mark.django_db

STATIC = pdf.BASE_URL.rstrip("/") + settings.STATIC_URL
CSS = Path(settings.BASE_DIR) / "static" / "pdf" / "report.css"


@pytest.fixture
def listener():
    """An HTTP server on loopback that records every request and redirects it to a local file."""
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def parent_fetch_calls(monkeypatch) -> list:
    """Calls to WeasyPrint's own fetching (which would open http and file URLs): none allowed."""
    calls = []
    monkeypatch.setattr(
        weasyprint.urls.URLFetcher, "fetch", lambda self, url, headers=None: calls.append(url)
    )
    return calls


# ---------------------------------------------------------------------------------------------
# The fetcher


def test_the_fetcher_serves_our_static_files_and_data_uris():
    fetcher = pdf.PortalURLFetcher()

    css = fetcher.fetch(f"{STATIC}pdf/report.css")
    data = fetcher.fetch("data:text/plain;base64," + base64.b64encode(b"hello").decode())

    assert css.read() == CSS.read_bytes()
    assert css.content_type == "text/css"
    assert data.read() == b"hello"
    assert fetcher.refused == []
    assert len(fetcher.served) == 2


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "https://example.org/x.css",
        "ftp://127.0.0.1/x.css",
        "gopher://127.0.0.1:70/x",
        f"{STATIC}../../../etc/passwd",
        f"{STATIC}pdf/../../../README.md",
        f"{STATIC}%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC}%2e%2e%2f%2e%2e%2fsettings.css",
        f"{STATIC}/etc/passwd",
        f"{STATIC}pdf\\..\\..\\etc\\passwd",
        f"{STATIC}pdf/report.css%00.png",
        f"{STATIC}scss/portal.scss",
        f"{STATIC}pdf/missing.css",
        f"{pdf.BASE_URL}manage.py",
        f"{pdf.BASE_URL}elsewhere/pdf/report.css",
        "https://report.invalid.example.org/static/pdf/report.css",
        "https://report.invalid@127.0.0.1/static/pdf/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url, listener, parent_fetch_calls):
    fetcher = pdf.PortalURLFetcher()

    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert fetcher.served == []
    assert parent_fetch_calls == []
    assert listener.received == []


def test_the_fetcher_never_contacts_a_server_so_never_follows_its_redirect(listener, parent_fetch_calls):
    fetcher = pdf.PortalURLFetcher()

    with pytest.raises(pdf.RefusedURL):
        fetcher(f"{listener.origin}/redirect-me")

    assert listener.received == []
    assert parent_fetch_calls == []


def test_markup_that_escaped_a_template_still_fetches_nothing(listener, parent_fetch_calls):
    """Belt and braces: even raw HTML (which templates never let user text become) cannot make
    WeasyPrint read a file or reach a server."""
    origin = listener.origin
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>Raw</title>
    <link rel="stylesheet" href="{origin}/x.css"><link rel="stylesheet" href="file:///etc/passwd">
    <style>@import url("{origin}/import.css"); body {{ background: url({origin}/bg.png) }}
    @font-face {{ font-family: x; src: url({origin}/font.woff2) }}</style></head>
    <body><p>Body text</p><img src="file:///etc/passwd" alt="x"><img src="{origin}/img.png" alt="y">
    <object data="{origin}/object"></object><iframe src="{origin}/frame"></iframe>
    <svg width="10" height="10"><image href="{origin}/svg.png" width="10" height="10"/></svg></body></html>"""

    rendered = pdf.render_pdf(html)

    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.served == ()
    assert "file:///etc/passwd" in rendered.refused
    assert f"{origin}/x.css" in rendered.refused and f"{origin}/img.png" in rendered.refused
    assert all(not url.startswith(STATIC) for url in rendered.refused)
    assert listener.received == []
    assert parent_fetch_calls == []


# ---------------------------------------------------------------------------------------------
# Hostile text in a real report

LONG_WORD = "Unbroken" * 250  # 2,000 characters without a space


def _hostile(origin: str) -> str:
    return (
        '<img src="file:///etc/passwd"> '
        f'<link rel="stylesheet" href="{origin}/x.css"> '
        f'<img src="{origin}/img.png"> '
        f'<style>@import url("{origin}/import.css"); body {{ background: url({origin}/bg.png) }}</style> '
        f'<svg><image href="{origin}/svg.png"/></svg> '
        "<script>alert(1)</script> "
        f"{LONG_WORD} "
        "مرحبا بالعالم، هذا نص عربي. שלום עולם. Emoji: 🙂🎉👩🏽‍⚕️ "
        "End of the hostile narrative."
    )


@pytest.fixture
def hostile_assessment(cast, listener):
    assessment = start(cast)
    text = _hostile(listener.origin)
    services.response_save(
        response=response(assessment, "1.1"),
        by=cast.lead_a,
        expected_version=0,
        score=3,
        not_evidenced=False,
        narrative=text,
    )
    file = evidence_file(
        cast.org_a, cast.lead_a, title=f'<img src="{listener.origin}/title.png"> Minutes {LONG_WORD[:120]}'
    )
    services.citation_add(
        response=response(assessment, "1.1"),
        by=cast.lead_a,
        file_id=file.pk,
        location=f'<link href="{listener.origin}/location.css">',
        note=text,
    )
    return assessment


def poppler_text(pdf_bytes: bytes, *options: str) -> str:
    """The text as poppler's pdftotext reads it. (pypdf misreads a font holding the .notdef
    glyph that stands in for emoji the fonts lack; poppler, like screen readers, does not.)"""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "the PDF tests need poppler-utils: apt-get install poppler-utils"
    return subprocess.run(  # noqa: S603 - our own fixed arguments
        [pdftotext, *options, "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode("utf-8")


def _words_beyond_the_page(pdf_bytes: bytes) -> list[str]:
    """Words poppler places outside the page's printable width (clipped or overflowing)."""
    layout = poppler_text(pdf_bytes, "-bbox")
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', layout, re.S)
    assert pages, "no page read back"
    beyond = []
    for width, body in pages:
        words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>', body)
        beyond += [word for x_max, word in words if float(x_max) > float(width) - 30]  # margin: 51pt
    return beyond


def test_the_overflow_check_finds_a_word_that_runs_off_the_page():
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head>'
        f'<body><p style="white-space: nowrap">Short {LONG_WORD}</p></body></html>'
    )
    assert _words_beyond_the_page(pdf.render_pdf(html).pdf) != []


def test_a_hostile_narrative_renders_as_text_and_fetches_nothing(
    hostile_assessment, cast, listener, parent_fetch_calls
):
    data = report.report_for_draft(hostile_assessment, by=cast.lead_a)

    rendered = report.render_report(data)

    assert rendered.refused == ()
    assert set(rendered.served) == {f"{STATIC}pdf/report.css", f"{STATIC}pdf/draft-watermark.svg"}
    assert listener.received == []
    assert parent_fetch_calls == []
    text = poppler_text(rendered.pdf)
    flat = re.sub(r"\s+", "", text)
    assert '<imgsrc="file:///etc/passwd">' in flat
    assert f'<linkrel="stylesheet"href="{listener.origin}/x.css">' in flat
    assert "<script>alert(1)</script>" in flat
    assert LONG_WORD in flat  # wrapped across lines, not cut off
    assert "End of the hostile narrative." in re.sub(r"\s+", " ", text)
    assert "مرحبا بالعالم" in text and "שלום עולם" in text
    assert _words_beyond_the_page(rendered.pdf) == []


def test_a_hostile_narrative_through_the_download_fetches_nothing(hostile_assessment, client, cast, listener):
    client.force_login(cast.lead_a)
    url = reverse(
        "assessment_report",
        kwargs={"code": hostile_assessment.organisation.code, "cycle": hostile_assessment.cycle.slug},
    )

    reply = client.get(url)

    assert reply.status_code == 200
    assert "file:///etc/passwd" in re.sub(r"\s+", "", poppler_text(reply.content))
    assert listener.received == []


# ---------------------------------------------------------------------------------------------
# Speed without a change of output


def test_remembering_page_references_changes_no_byte_of_the_pdf(monkeypatch):
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Pages</title></head><body>'
        + "".join(f'<h2 style="break-before: page">Page {n}</h2><p>Text {n}</p>' for n in range(12))
        + "</body></html>"
    )
    remembered = pdf.render_pdf(html).pdf
    original = property(lambda doc: tuple(f"{n} 0 R".encode("ascii") for n in doc.pages["Kids"][::3]))
    monkeypatch.setattr(pdf.pydyf.PDF, "page_references", original)

    assert pdf.render_pdf(html).pdf == remembered


def test_compressing_streams_at_the_default_level_changes_nothing_they_hold(monkeypatch):
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Streams</title></head><body>'
        + "".join(
            f'<h2 style="break-before: page">Page {n}</h2><p>{"Some text. " * 80}</p>' for n in range(6)
        )
        + "</body></html>"
    )
    ours = pdf.render_pdf(html).pdf
    monkeypatch.setattr(pdf.pydyf.Stream, "data", pdf.pydyf.Stream.data.fget.pydyf_data)
    pydyfs = pdf.render_pdf(html).pdf

    def streams(document: bytes) -> list[bytes]:
        reader = pypdf.PdfReader(io.BytesIO(document))
        return [page.get_contents().get_data() for page in reader.pages]

    assert ours != pydyfs  # compressed differently...
    assert streams(ours) == streams(pydyfs)  # ...the same content
    assert len(ours) <= len(pydyfs) * 1.1


def test_the_garbage_collector_never_runs_during_a_render():
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Collector</title></head><body>'
        + "".join(
            f'<h2 style="break-before: page">Page {n}</h2><p>{"Some text. " * 80}</p>' for n in range(6)
        )
        + "</body></html>"
    )
    weasyprint_code = str(Path(weasyprint.__file__).parent)
    started: list[int] = []

    def record(phase: str, info: dict) -> None:
        # Collections started from inside WeasyPrint's code; the one that may follow at once
        # when the collector comes back on starts after it.
        frames = traceback.walk_stack(None)
        if phase == "start" and any(f.f_code.co_filename.startswith(weasyprint_code) for f, _ in frames):
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        pdf.render_pdf(html)
    finally:
        gc.callbacks.remove(record)

    assert started == []
    assert gc.isenabled()


def test_the_collector_comes_back_on_when_the_last_overlapping_render_ends():
    with pdf.collector_paused():
        with pdf.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other render is still under way
    assert gc.isenabled()


def test_a_collector_that_was_off_before_a_render_stays_off():
    gc.disable()
    try:
        with pdf.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
