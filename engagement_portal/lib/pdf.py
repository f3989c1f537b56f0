"""HTML to PDF: the one place in the portal that calls WeasyPrint.

User text (narratives, notes, evidence titles) reaches PDF templates, so a template that forgot
to escape something, or WeasyPrint itself, must not be able to read a local file or make a
request on the server's behalf (server-side request forgery, ASVS V13.2.4). Two walls:

- templates autoescape (Django's default), so `<img src="file:///etc/passwd">` in a narrative is
  text on the page, never an element;
- every URL WeasyPrint wants to load goes through `PortalURLFetcher`, which serves only the
  project's own static files (looked up by the staticfiles finders, or in STATIC_ROOT once
  collected; never outside them, and only of the kinds a report uses) and `data:` URIs, and
  refuses everything else: http(s) anywhere but the report's own made-up origin, file:, ftp:,
  and so on. It never opens a network connection or a path it was given, so there is no
  redirect to follow either. Refusals are recorded on the fetcher (and logged), so tests can
  assert that nothing else was asked for.

Documents come out as PDF/UA-1 (tagged for assistive technology: a structure tree, /MarkInfo
/Marked true, the document's language from `<html lang>` and its title from `<title>`).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import mimetypes
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

import pydyf
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in PDF templates ({% static %} gives "/static/...") resolve against this made-up
# origin. ".invalid" is reserved (RFC 2606) and never resolves, and the fetcher only ever maps
# it onto static files on disk: it is a name, not a place anything is fetched from.
BASE_URL = "https://report.invalid/"
# What a report may load: its stylesheet and images. (Fonts come from the system: Arial's
# metric twin Liberation Sans, through fontconfig.)
STATIC_SUFFIXES = frozenset({".css", ".svg", ".png", ".jpg", ".jpeg"})
PDF_VARIANT = "pdf/ua-1"


def _memoise_page_references() -> None:
    """Make pydyf's `PDF.page_references` remember its answer while the page count is unchanged.

    pydyf rebuilds the tuple of every page's reference on each access, and WeasyPrint's tagging
    (PDF/UA) reads it once per structure element, so a tagged document costs elements x pages:
    for a 70-page report, a seventh of all the work of rendering it. Pages are only ever
    appended, so the tuple for a given number of pages never changes; the memo is checked
    against that number on every access, so it can never hand back a stale tuple. Left alone if
    a later pydyf no longer has the property."""
    original = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(original, property) or getattr(original.fget, "memoised", False):
        return

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        memo = pdf.__dict__.get("_page_references_memo")
        if memo is None or memo[0] != count:
            memo = pdf.__dict__["_page_references_memo"] = (count, original.fget(pdf))
        return memo[1]

    page_references.memoised = True
    pydyf.PDF.page_references = property(page_references)


_memoise_page_references()


# zlib's own default: a twentieth bigger than level 9, and five times faster to compress.
COMPRESSION_LEVEL = 6


def _compress_streams_at_default_level() -> None:
    """Make pydyf compress PDF streams at zlib's default level rather than its maximum, 9.

    Measured on bench/pdf.py's 66-page report: level 9 took 0.19 s of CPU time (about a twelfth
    of the whole render) and made 319 KB; level 6 takes 0.04 s and makes 335 KB. Nothing else
    about the file changes. The replacement is pydyf 0.13's `Stream.data` with only the level
    changed, so it is installed only on the pydyf version it was copied from."""
    original = pydyf.Stream.__dict__.get("data")
    if getattr(pydyf, "__version__", None) != "0.13.0" or not isinstance(original, property):
        return
    if getattr(original.fget, "level", None) == COMPRESSION_LEVEL:
        return

    def data(stream):
        content = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
        extra = pydyf.Dictionary(stream.extra.copy())
        if stream.compress:
            extra["Filter"] = "/FlateDecode"
            compressor = zlib.compressobj(level=COMPRESSION_LEVEL)
            content = compressor.compress(content) + compressor.flush()
        extra["Length"] = len(content)
        return b"\n".join((extra.data, b"stream", content, b"endstream"))

    data.level = COMPRESSION_LEVEL
    data.pydyf_data = original  # for the test that compares the two
    pydyf.Stream.data = property(data)


_compress_streams_at_default_level()


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than a static file of ours or a data: URI."""


class PortalURLFetcher(weasyprint.URLFetcher):
    """Serves static files and data: URIs; refuses everything else and records it.

    Never calls WeasyPrint's own fetching (`URLFetcher.fetch`, which would open http, https,
    ftp and file URLs and follow redirects): `fetch` below answers every request itself."""

    def __init__(self) -> None:
        # The parent sets up urllib handlers that are never used (fetch does not call it), and
        # the attributes WeasyPrint reads: fail_on_errors=False, so a refused URL leaves a gap
        # (a missing image) rather than failing the whole report.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False, timeout=1)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            self.served.append(url[:60])
            response = DataHandler().data_open(Request(url))  # noqa: S310 - data: only, checked above
            return URLFetcherResponse(
                url, response.read(), {"Content-Type": response.headers["Content-Type"]}
            )
        path = static_file(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %r", url[:200])
            raise RefusedURL(f"Not a static file of the portal: {url[:200]}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    # WeasyPrint calls the fetcher; `open` is urllib's entry point, which the parent routes to
    # fetch as well. Both end up above.
    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def open(self, url, data=None, timeout=None) -> URLFetcherResponse:
        return self.fetch(url.full_url if isinstance(url, Request) else url)


def static_file(url: str) -> Path | None:
    """The file on disk for a URL under BASE_URL + STATIC_URL, or None.

    None for any other URL, for a path that tries to leave the static folders (`..`, an absolute
    path, a backslash, a NUL, an encoded form of any of these), and for a kind of file a report
    has no use for."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    parts = urlsplit(url)
    relative = unquote(parts.path[len(urlsplit(prefix).path) :])
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    pure = PurePosixPath(relative)
    if any(part in {"..", "."} for part in pure.parts) or pure.suffix.lower() not in STATIC_SUFFIXES:
        return None
    candidates: list[Path] = []
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if found:
        candidates.append(Path(found))
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        collected = (root / relative).resolve()
        if collected.is_relative_to(root):
            candidates.append(collected)
    return next((path for path in candidates if path.is_file()), None)


class _CollectorPause:
    """Keeps Python's cyclic garbage collector off while any render is under way.

    A render builds tens of thousands of boxes and styles that all stay alive until the PDF is
    written, so each full collection the collector starts during a render walks the whole heap
    (Django's objects and the render's) and frees next to nothing: on bench/pdf.py's 64-page
    report, three full collections took a tenth of the render. With the collector off, the
    render's reference cycles wait for the first collection after it (peak memory grew by 2 MB
    of 176). Renders may overlap in threads, and the collector is process-wide, so it is turned
    back on when the last one ends, and only if it was on when the first one began."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._renders = 0
        self._was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._renders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._renders += 1
        try:
            yield
        finally:
            with self._lock:
                self._renders -= 1
                if self._renders == 0 and self._was_enabled:
                    gc.enable()


collector_paused = _CollectorPause()


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    seconds: float
    # Every URL the fetcher served (data: URIs cut short) and refused, in order.
    served: tuple[str, ...]
    refused: tuple[str, ...]


def render_pdf(html: str) -> RenderedPdf:
    """Render a complete HTML document (from a template in templates/pdf/) to a tagged PDF.

    The document should carry `<html lang="en-GB">` and a `<title>`: they become the PDF's
    language and title, which PDF/UA requires."""
    started = time.perf_counter()
    fetcher = PortalURLFetcher()
    with collector_paused():
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT, pdf_tags=True
        )
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    return RenderedPdf(
        pdf=pdf,
        pages=len(document.pages),
        seconds=time.perf_counter() - started,
        served=tuple(fetcher.served),
        refused=tuple(fetcher.refused),
    )
