"""Reading the register for its busy pages in a fixed number of queries, whatever its size.

- `controlled_lists()`: the topics and the communities, one query for both (a UNION);
- `attach_terms(activities)`: each activity's topics, communities, places (and partners) by
  name, one query for a whole page of activities (a UNION ALL of the link tables, with the
  names joined), where prefetching them would take a query per kind.

The terms come as `Term`s (pk and name) in the order the models' default ordering gives
(`activity.topics.all()`'s order: topics and communities by position then name, organisations by
name); names that sort alike are ordered by the database, as such a query would order them.

Both are written as SQL (`link_rows`), with the tables' and columns' names from the models: on
these pages the ORM took longer to compile a UNION of querysets than the database took to answer
it. tests/activities/test_queries.py and the pages' tests check what they read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection

from activities.models import Activity, Community, Join, Topic
from organisations.models import Organisation


class Term(NamedTuple):
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


TOPICS, COMMUNITIES, PLACES, PARTNERS = 0, 1, 2, 3
NAMES = {
    TOPICS: "topic_names",
    COMMUNITIES: "community_names",
    PLACES: "place_names",
    PARTNERS: "partner_names",
}
ATTRIBUTES = {
    TOPICS: "topic_terms",
    COMMUNITIES: "community_terms",
    PLACES: "place_terms",
    PARTNERS: "partner_terms",
}


def controlled_lists() -> tuple[list[Term], list[Term]]:
    """Every topic and every community (retired ones too), each by position then name: one query
    (SQL, as `link_rows` is)."""
    quote = connection.ops.quote_name
    columns = f"{quote('id')}, {quote('name')}, {quote('position')}"
    sql = (
        f"SELECT {TOPICS}, {columns} FROM {quote(Topic._meta.db_table)}"  # noqa: S608 - quoted names only
        f" UNION ALL SELECT {COMMUNITIES}, {columns} FROM {quote(Community._meta.db_table)} ORDER BY 4, 3"
    )
    out: tuple[list[Term], list[Term]] = ([], [])
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for kind, pk, name, _ in cursor.fetchall():
            out[kind].append(Term(pk, name))
    return out


def _links() -> dict[int, tuple]:
    """Each kind of term: its link table, the link's column naming the term, the terms' table, and
    their position column (None: organisations, by name only)."""
    return {
        TOPICS: (Activity.topics.through, "topic_id", Topic, "position"),
        COMMUNITIES: (Activity.communities.through, "community_id", Community, "position"),
        PLACES: (Activity.places.through, "organisation_id", Organisation, None),
        PARTNERS: (Activity.partners.through, "organisation_id", Organisation, None),
    }


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def link_rows(
    kinds, activities: tuple[str, list], terms: dict[int, Iterable[int]] | None = None
) -> list[tuple]:
    """(activity id, kind, term id, term name, position) of the activities' links of those kinds,
    ordered as the models order their terms: one UNION ALL query, none if no part can match.

    `activities` is SQL selecting activity ids (a list of %s, or a subquery) and its parameters;
    `terms`, if given, limits each kind to those term ids. Written as SQL rather than as the ORM's
    UNION of querysets: these run on every busy page, and compiling that UNION cost more than the
    database took to answer it."""
    quote = connection.ops.quote_name
    within, within_params = activities
    parts, params = [], []
    for kind in kinds:
        link, column, model, position = _links()[kind]
        wanted = list(terms[kind]) if terms is not None else None
        if wanted is not None and not wanted:
            continue
        # Only quoted names, an int and SQL Django compiled are put in; every value is a parameter.
        sql = (
            f"SELECT l.{quote('activity_id')}, {int(kind)}, t.{quote('id')}, t.{quote('name')}, "  # noqa: S608
            f"{'t.' + quote(position) if position else '0'} "
            f"FROM {quote(link._meta.db_table)} l INNER JOIN {quote(model._meta.db_table)} t "
            f"ON t.{quote('id')} = l.{quote(column)} WHERE l.{quote('activity_id')} IN ({within})"
        )
        params += within_params
        if wanted is not None:
            sql += f" AND l.{quote(column)} IN ({_placeholders(wanted)})"
            params += wanted
        parts.append(sql)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 5, 4", params)
        return cursor.fetchall()


def attach_terms(activities: Iterable[Activity], *, partners: bool = False) -> list[Activity]:
    """Sets `topic_terms`, `community_terms`, `place_terms` (and `partner_terms`) on each activity,
    and the same names joined with commas as `topic_names` and so on: one query for all of them
    (none for no activities)."""
    activities = list(activities)
    ids = [a.pk for a in activities]
    kinds = [TOPICS, COMMUNITIES, PLACES, *([PARTNERS] if partners else [])]
    found: dict[tuple[int, int], list[Term]] = {}
    if ids:
        for activity_id, kind, pk, name, _ in link_rows(kinds, (_placeholders(ids), ids)):
            found.setdefault((activity_id, kind), []).append(Term(pk, name))
    for activity in activities:
        for kind, attribute in ATTRIBUTES.items():
            if kind != PARTNERS or partners:
                terms = found.get((activity.pk, kind), [])
                setattr(activity, attribute, terms)
                # For lists of many activities: the names, joined (escaped as one string when
                # shown, which is the same as escaping each).
                setattr(activity, NAMES[kind], ", ".join(t.name for t in terms))
    return activities


class Joined(NamedTuple):
    """An activity joined with another, as its page lists it."""

    pk: int
    title: str
    organisation: Term


def joined(activity: Activity) -> list[Joined]:
    """The activities joined with this one ("joined with"), by date: one query, by the joins'
    indexes (services.joined_with gives them as models)."""
    quote = connection.ops.quote_name
    join, pk = quote(Join._meta.db_table), quote("id")
    first, second = quote(Join.first.field.column), quote(Join.second.field.column)
    sql = (
        f"SELECT a.{pk}, a.{quote('title')}, o.{pk}, o.{quote('name')}"  # noqa: S608 - quoted names only
        f" FROM {quote(Activity._meta.db_table)} a INNER JOIN {quote(Organisation._meta.db_table)} o"
        f" ON o.{pk} = a.{quote(Activity.organisation.field.column)}"
        f" WHERE a.{pk} IN (SELECT {second} FROM {join} WHERE {first} = %s"
        f" UNION ALL SELECT {first} FROM {join} WHERE {second} = %s)"
        f" ORDER BY a.{quote('period_start')}, a.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [activity.pk, activity.pk])
        return [Joined(a, title, Term(o, name)) for a, title, o, name in cursor.fetchall()]
