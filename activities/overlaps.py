"""Overlap warnings (principle 8): the system's other activities that look like this one.

An activity overlaps another of its system when their dates come within a window of each other
(90 days either side by default) and they share a topic, a community or a place, or their titles
or purposes read alike. Similarity is pg_trgm's trigram similarity on PostgreSQL (the extension
is created by migration 0003) and the same measure computed in Python on SQLite.

The candidates are one indexed query: the system's organisations' activities whose period meets
the window (index `activity_org_period`), never a scan of the country. The warning is advice:
saving never waits for it or depends on it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q

from activities.models import Activity, Community, Topic
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
        return cls(
            organisation_id=activity.organisation_id,
            start=activity.period_start,
            end=activity.period_end,
            title=activity.title,
            purpose=activity.purpose,
            topic_ids=frozenset(activity.topics.values_list("pk", flat=True)),
            community_ids=frozenset(activity.communities.values_list("pk", flat=True)),
            place_ids=frozenset(activity.places.values_list("pk", flat=True)),
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


def _shared(through, column: str, ids: Iterable[int], candidate_ids: list[int]) -> dict[int, list[int]]:
    shared: dict[int, list[int]] = {}
    if not ids or not candidate_ids:
        return shared
    rows = through.objects.filter(activity_id__in=candidate_ids, **{f"{column}__in": list(ids)}).values_list(
        "activity_id", column
    )
    for activity_id, term_id in rows:
        shared.setdefault(activity_id, []).append(term_id)
    return shared


def find(
    probe: Probe, *, window_days: int = WINDOW_DAYS, limit: int = LIMIT, system_ids: set[int] | None = None
) -> list[Overlap]:
    """The system's activities overlapping the probe, most alike first."""
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
    shares = (
        Q(topics__in=probe.topic_ids) | Q(communities__in=probe.community_ids) | Q(places__in=probe.place_ids)
    )
    if connection.vendor == "postgresql":
        # One query: the candidates sharing a topic, community or place (a subquery), or alike
        # in title or purpose by trigram similarity.
        sharing = candidates.filter(shares).values("pk")
        rows = list(
            candidates.annotate(
                title_similarity=TrigramSimilarity("title", probe.title),
                purpose_similarity=TrigramSimilarity("purpose", probe.purpose),
            )
            .filter(Q(pk__in=sharing) | Q(title_similarity__gte=SIMILAR) | Q(purpose_similarity__gte=SIMILAR))
            .select_related("organisation")
        )
    else:
        rows = list(candidates.select_related("organisation"))
        sharing = set(candidates.filter(shares).values_list("pk", flat=True))
        rows = [
            a
            for a in rows
            if a.pk in sharing
            or similarity(a.title, probe.title) >= SIMILAR
            or similarity(a.purpose, probe.purpose) >= SIMILAR
        ]
    ids = [a.pk for a in rows]
    topics = _shared(Activity.topics.through, "topic_id", probe.topic_ids, ids)
    communities = _shared(Activity.communities.through, "community_id", probe.community_ids, ids)
    places = _shared(Activity.places.through, "organisation_id", probe.place_ids, ids)
    names = _names(topics, communities, places)
    found = [
        Overlap(
            activity=a,
            shared_topics=sorted(names["topic"][t] for t in topics.get(a.pk, [])),
            shared_communities=sorted(names["community"][c] for c in communities.get(a.pk, [])),
            shared_places=sorted(names["place"][p] for p in places.get(a.pk, [])),
            similarity=max(similarity(a.title, probe.title), similarity(a.purpose, probe.purpose)),
            days_apart=_days_apart(probe, a),
        )
        for a in rows
    ]
    found.sort(key=lambda o: (-o.score, o.days_apart, o.activity.pk))
    return found[:limit]


def _names(topics, communities, places) -> dict[str, dict[int, str]]:
    def ids(shared: dict[int, list[int]]) -> set[int]:
        return {i for values in shared.values() for i in values}

    return {
        "topic": dict(Topic.objects.filter(pk__in=ids(topics)).values_list("pk", "name")),
        "community": dict(Community.objects.filter(pk__in=ids(communities)).values_list("pk", "name")),
        "place": dict(Organisation.objects.filter(pk__in=ids(places)).values_list("pk", "name")),
    }
