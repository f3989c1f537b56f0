"""Reading the register for its busy pages in a fixed number of queries, whatever its size.

- `controlled_lists()`: the topics and the communities, one query for both (a UNION);
- `attach_terms(activities)`: each activity's topics, communities, places (and partners) by
  name, one query for a whole page of activities (a UNION ALL of the link tables, with the
  names joined), where prefetching them would take a query per kind.

The terms come as `Term`s (pk and name) in the order the models' default ordering gives
(`activity.topics.all()`'s order: topics and communities by position then name, organisations by
name); names that sort alike are ordered by the database, as such a query would order them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import IntegerField, Value

from activities.models import Activity, Community, Topic


class Term(NamedTuple):
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


TOPICS, COMMUNITIES, PLACES, PARTNERS = 0, 1, 2, 3
ATTRIBUTES = {
    TOPICS: "topic_terms",
    COMMUNITIES: "community_terms",
    PLACES: "place_terms",
    PARTNERS: "partner_terms",
}


def kind_column(n: int) -> Value:
    """A constant column naming the kind of term a UNION's row is."""
    return Value(n, output_field=IntegerField())


def controlled_lists() -> tuple[list[Term], list[Term]]:
    """Every topic and every community (retired ones too), each by position then name."""
    topics = Topic.objects.order_by().values_list(kind_column(TOPICS), "pk", "name", "position")
    communities = Community.objects.order_by().values_list(kind_column(COMMUNITIES), "pk", "name", "position")
    # Ordered as the models order them (position, then name); the name order is the database's.
    rows = topics.union(communities, all=True).order_by("position", "name")
    out: tuple[list[Term], list[Term]] = ([], [])
    for kind, pk, name, _ in rows:
        out[kind].append(Term(pk, name))
    return out


def attach_terms(activities: Iterable[Activity], *, partners: bool = False) -> list[Activity]:
    """Sets `topic_terms`, `community_terms`, `place_terms` (and `partner_terms`) on each activity:
    one query for all of them (none for no activities)."""
    activities = list(activities)
    ids = [a.pk for a in activities]
    kinds = [
        Activity.topics.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", kind_column(TOPICS), "topic_id", "topic__name", "topic__position"
        ),
        Activity.communities.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", kind_column(COMMUNITIES), "community_id", "community__name", "community__position"
        ),
        Activity.places.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", kind_column(PLACES), "organisation_id", "organisation__name", kind_column(0)
        ),
    ]
    if partners:
        kinds.append(
            Activity.partners.through.objects.filter(activity_id__in=ids).values_list(
                "activity_id", kind_column(PARTNERS), "organisation_id", "organisation__name", kind_column(0)
            )
        )
    found: dict[tuple[int, int], list[Term]] = {}
    if ids:
        rows = kinds[0].union(*kinds[1:], all=True).order_by("topic__position", "topic__name")
        for activity_id, kind, pk, name, _ in rows:
            found.setdefault((activity_id, kind), []).append(Term(pk, name))
    for activity in activities:
        for kind, attribute in ATTRIBUTES.items():
            if kind != PARTNERS or partners:
                setattr(activity, attribute, found.get((activity.pk, kind), []))
    return activities
