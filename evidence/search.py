"""Searching the evidence library: titles, descriptions and the text extracted from files.

On PostgreSQL this is full-text search in English (so "meeting" finds "meetings"), served by two
GIN indexes: one over an item's title and description, built by migration 0002 from the very
expression below, and one over each file's stored search vector (migration 0003). Results
show a snippet of the match made by ts_headline. On SQLite (a developer's machine) it falls back
to a case-insensitive substring match, with a snippet cut around the first match.

Snippets are built from text people uploaded, so they are escaped here and only the highlight
marks are HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evidence.models import EvidenceFile, EvidenceItem

CONFIG = "english"
SNIPPET_CHARS = 90
# Private-use characters that never occur in real text mark where ts_headline highlights.
_START, _STOP = "\ue000", "\ue001"


def item_vector() -> SearchVector:
    """Title and description of an item: the expression the GIN index evidence_item_search holds."""
    return SearchVector("title", "description", config=CONFIG)


def file_matches(text: str) -> RawSQL:
    """True for a file whose extracted text matches: its stored search vector (migration 0003,
    PostgreSQL only, kept by a trigger and indexed by evidence_file_vector; not a model field,
    so no other query reads it)."""
    return RawSQL(
        "search_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
        [CONFIG, text],
        output_field=BooleanField(),
    )


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def query_for(text: str) -> SearchQuery:
    # websearch: what people type into search boxes ("board minutes", "-draft", "a OR b") and
    # never a syntax error.
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def search_items(items: QuerySet[EvidenceItem], text: str) -> QuerySet[EvidenceItem]:
    text = text.strip()
    if not text:
        return items
    if uses_full_text():
        query = query_for(text)
        by_item = EvidenceItem.objects.annotate(v=item_vector()).filter(v=query).values("pk")
        # Each of the library's items checks its own files' stored vectors: not every file in
        # the country that matches.
        by_file = EvidenceFile.objects.filter(file_matches(text), item_id=OuterRef("pk"))
        return items.filter(Q(pk__in=by_item) | Exists(by_file))
    by_file = EvidenceFile.objects.filter(text__icontains=text).values("item_id")
    return items.filter(Q(title__icontains=text) | Q(description__icontains=text) | Q(pk__in=by_file))


def snippets(items: Iterable[EvidenceItem], text: str) -> dict[int, SafeString]:
    """item pk -> an escaped snippet of where the search matched, for the items on one page."""
    items = list(items)
    text = text.strip()
    if not text or not items:
        return {}
    if uses_full_text():
        return _headlines(items, text)
    return _cut_snippets(items, text)


def _headlines(items: list[EvidenceItem], text: str) -> dict[int, SafeString]:
    query = query_for(text)
    options = {"config": CONFIG, "start_sel": _START, "stop_sel": _STOP, "max_words": 30, "min_words": 12}
    found: dict[int, SafeString] = {}
    files = (
        EvidenceFile.objects.filter(file_matches(text), item__in=items)
        .annotate(headline=SearchHeadline("text", query, **options))
        .order_by("item_id", "-revision")
        .values_list("item_id", "headline")
    )
    for item_id, headline in files:
        found.setdefault(item_id, _marked(headline))
    rest = [item.pk for item in items if item.pk not in found and item.description]
    if rest:
        descriptions = (
            EvidenceItem.objects.filter(pk__in=rest)
            .annotate(headline=SearchHeadline("description", query, **options))
            .values_list("pk", "headline")
        )
        for pk, headline in descriptions:
            if _START in headline:
                found[pk] = _marked(headline)
    return found


def _marked(headline: str) -> SafeString:
    escaped = escape(headline)
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308 - escaped above


def _cut_snippets(items: list[EvidenceItem], text: str) -> dict[int, SafeString]:
    found: dict[int, SafeString] = {}
    texts = (
        EvidenceFile.objects.filter(item__in=items, text__icontains=text)
        .order_by("item_id", "-revision")
        .values_list("item_id", "text")
    )
    for item_id, body in texts:
        if item_id not in found and (snippet := cut_snippet(body, text)):
            found[item_id] = snippet
    for item in items:
        if item.pk not in found and (snippet := cut_snippet(item.description, text)):
            found[item.pk] = snippet
    return found


def cut_snippet(body: str, text: str, *, width: int = SNIPPET_CHARS) -> SafeString | None:
    """Up to `width` characters either side of the first match, the match highlighted."""
    match = re.search(re.escape(text), body, flags=re.IGNORECASE)
    if match is None:
        return None
    start, end = max(match.start() - width, 0), min(match.end() + width, len(body))
    before, hit, after = (
        body[start : match.start()],
        body[match.start() : match.end()],
        body[match.end() : end],
    )
    before = ("…" if start > 0 else "") + " ".join(before.split())
    after = " ".join(after.split()) + ("…" if end < len(body) else "")
    gap_before = " " if body[start : match.start()][-1:].isspace() else ""
    gap_after = " " if body[match.end() : end][:1].isspace() else ""
    return mark_safe(  # noqa: S308 - every part is escaped
        f"{escape(before)}{gap_before}<mark>{escape(hit)}</mark>{gap_after}{escape(after)}"
    )
