"""Overlap warnings (principle 8): the system's other activities that look like this one.

An activity overlaps another of its system when their dates come within a window of each other
(90 days either side by default) and they share a topic, a community or a place, or their titles
or purposes read alike. Similarity is pg_trgm's trigram similarity on PostgreSQL (the extension
is created by migration 0003) and the same measure computed in Python on SQLite.

The candidates are the system's organisations' activities whose period meets the window (index
`activity_org_period`), never a scan of the country; the check is two queries whatever the
system's size (see `find`). The warning is advice: saving never waits for it or depends on it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q

from activities import reading
from activities.models import Activity
from activities.systems import system_organisation_ids
from organisations.models import Organisation

WINDOW_DAYS = 90
SIMILAR = 0.3  # trigram similarity from which two titles or purposes count as alike
LIMIT = 20


@dataclass(frozen=True)
class Probe:
    """What the check compares: an activity's organisation, dates, words and terms."""

    organisation_id: int
    start: datetime.date
    end: datetime.date
    title: str
    purpose: str
    topic_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)
    place_ids: frozenset[int] = field(default_factory=frozenset)
    exclude_id: int | None = None

    @classmethod
    def of(cls, activity: Activity) -> Probe:
        """The activity's probe; its terms as `reading.attach_terms` set them if it has (no
        query), else read (three queries)."""
        if not hasattr(activity, "topic_terms"):
            reading.attach_terms([activity])
        return cls(
            organisation_id=activity.organisation_id,
            start=activity.period_start,
            end=activity.period_end,
            title=activity.title,
            purpose=activity.purpose,
            topic_ids=frozenset(t.pk for t in activity.topic_terms),
            community_ids=frozenset(t.pk for t in activity.community_terms),
            place_ids=frozenset(t.pk for t in activity.place_terms),
            exclude_id=activity.pk,
        )


@dataclass
class Overlap:
    activity: Activity
    shared_topics: list[str]
    shared_communities: list[str]
    shared_places: list[str]
    similarity: float
    days_apart: int

    @property
    def score(self) -> float:
        shared = 2 * len(self.shared_topics) + 2 * len(self.shared_communities) + len(self.shared_places)
        return shared + 4 * self.similarity - self.days_apart / 90

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.shared_topics:
            out.append("Topics: " + ", ".join(self.shared_topics))
        if self.shared_communities:
            out.append("Communities: " + ", ".join(self.shared_communities))
        if self.shared_places:
            out.append("Places: " + ", ".join(self.shared_places))
        if self.similarity >= SIMILAR:
            out.append("A similar title or purpose")
        return out


# ---------------------------------------------------------------------------------------------
# Trigram similarity, as pg_trgm computes it (for SQLite, and for tests to compare against).


def trigrams(text: str) -> set[str]:
    found: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


# ---------------------------------------------------------------------------------------------


def _days_apart(probe: Probe, activity: Activity) -> int:
    if activity.period_end < probe.start:
        return (probe.start - activity.period_end).days
    if activity.period_start > probe.end:
        return (activity.period_start - probe.end).days
    return 0


def _shared_terms(probe: Probe, candidates) -> dict[int, dict[int, list[str]]]:
    """For each candidate sharing a topic, community or place with the probe, the names of those
    it shares, by kind: one query (the link tables' rows of the candidates, with the names)."""
    within = candidates.order_by().values("pk").query.sql_with_params()
    terms = {
        reading.TOPICS: probe.topic_ids,
        reading.COMMUNITIES: probe.community_ids,
        reading.PLACES: probe.place_ids,
    }
    shared: dict[int, dict[int, list[str]]] = {}
    for activity_id, kind, _, name, _ in reading.link_rows(terms, within, terms):
        shared.setdefault(activity_id, {}).setdefault(kind, []).append(name)
    return shared


def find(
    probe: Probe, *, window_days: int = WINDOW_DAYS, limit: int = LIMIT, system_ids: set[int] | None = None
) -> list[Overlap]:
    """The system's activities overlapping the probe, most alike first. Two queries whatever the
    size of the system: the names of the terms the candidates share with the probe, then the
    candidates that share one or read alike (on PostgreSQL the trigram similarity is computed
    there, on SQLite here)."""
    if system_ids is None:
        system_ids = system_organisation_ids(Organisation(pk=probe.organisation_id))
    window = datetime.timedelta(days=window_days)
    candidates = Activity.objects.filter(
        organisation_id__in=system_ids,
        period_start__lte=probe.end + window,
        period_end__gte=probe.start - window,
    )
    if probe.exclude_id is not None:
        candidates = candidates.exclude(pk=probe.exclude_id)
    shared = _shared_terms(probe, candidates)
    # What the warning shows, and ranks by; never the long texts (the purpose only where this
    # process compares it).
    shown = ["organisation__name", "title", "period_start", "period_end", "contact_name", "contact_email"]
    candidates = candidates.select_related("organisation").only(*shown)
    if connection.vendor == "postgresql":
        rows = list(
            candidates.annotate(
                title_similarity=TrigramSimilarity("title", probe.title),
                purpose_similarity=TrigramSimilarity("purpose", probe.purpose),
            )
            .filter(
                Q(pk__in=list(shared)) | Q(title_similarity__gte=SIMILAR) | Q(purpose_similarity__gte=SIMILAR)
            )
            .select_related("organisation")
        )
        alike = {a.pk: max(a.title_similarity, a.purpose_similarity) for a in rows}
    else:
        rows, alike = [], {}
        for a in candidates.only(*shown, "purpose"):
            value = max(similarity(a.title, probe.title), similarity(a.purpose, probe.purpose))
            if a.pk in shared or value >= SIMILAR:
                rows.append(a)
                alike[a.pk] = value
    found = [
        Overlap(
            activity=a,
            shared_topics=sorted(shared.get(a.pk, {}).get(reading.TOPICS, [])),
            shared_communities=sorted(shared.get(a.pk, {}).get(reading.COMMUNITIES, [])),
            shared_places=sorted(shared.get(a.pk, {}).get(reading.PLACES, [])),
            similarity=alike[a.pk],
            days_apart=_days_apart(probe, a),
        )
        for a in rows
    ]
    found.sort(key=lambda o: (-o.score, o.days_apart, o.activity.pk))
    return found[:limit]
