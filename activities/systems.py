"""Which organisations share a system with an organisation: the boundary of everything an
organisation sees of others' activities.

A system is an ICS's footprint (organisations.models.System): the ICS, its local authorities (one
may sit in two systems) and its partners. An organisation sees the activities of every
organisation of every system it is in; one in no system sees only its own.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.db import connection

from organisations.models import Organisation, System, organisations_in_systems_of


class Member(NamedTuple):
    """An organisation of a system, as the register's pages name it (no model instance needed)."""

    pk: int
    name: str
    type: str

    def __str__(self) -> str:
        return self.name


@cache
def _members_sql() -> str:
    """organisations_in_systems_of's rule, as SQL: the systems the organisation is in (as their
    ICS, a local authority or a partner), then every ICS, local authority and partner of those.
    Written out because the register's busy pages ask it on every request, and compiling the
    ORM's version cost ten times what running it did (tests/activities/test_boundary.py checks
    the two agree)."""
    quote = connection.ops.quote_name
    system = quote(System._meta.db_table)
    links = []
    for field in (System.local_authorities.field, System.partners.field):
        links.append(
            (quote(field.m2m_db_table()), quote(field.m2m_column_name()), quote(field.m2m_reverse_name()))
        )
    (las, la_system, la_org), (partners, p_system, p_org) = links
    ics, pk = quote(System.ics.field.column), quote("id")
    return (
        f"WITH s AS (SELECT {pk} AS id FROM {system} WHERE {ics} = %s"  # noqa: S608 - quoted names only
        f" UNION SELECT {la_system} FROM {las} WHERE {la_org} = %s"
        f" UNION SELECT {p_system} FROM {partners} WHERE {p_org} = %s),"
        f" m AS (SELECT {ics} AS id FROM {system} WHERE {pk} IN (SELECT id FROM s)"
        f" UNION SELECT {la_org} FROM {las} WHERE {la_system} IN (SELECT id FROM s)"
        f" UNION SELECT {p_org} FROM {partners} WHERE {p_system} IN (SELECT id FROM s))"
        f" SELECT o.{pk}, o.{quote('name')}, o.{quote('type')} FROM {quote(Organisation._meta.db_table)} o"
        f" WHERE o.{pk} IN (SELECT id FROM m) ORDER BY o.{quote('name')}, o.{pk}"
    )


def system_members(organisation: Organisation) -> list[Member]:
    """Every organisation of the organisation's systems, its own too, by name: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_members_sql(), [organisation.pk] * 3)
        members = [Member(*row) for row in cursor.fetchall()]
    if not any(m.pk == organisation.pk for m in members):  # in no system: only itself
        members.append(Member(organisation.pk, organisation.name, organisation.type))
    return members


def system_organisation_ids(organisation: Organisation) -> set[int]:
    """The ids of every organisation in any system the organisation belongs to, its own too."""
    return set(organisations_in_systems_of(organisation).values_list("pk", flat=True)) | {organisation.pk}


def system_organisations(organisation: Organisation):
    return Organisation.objects.filter(pk__in=system_organisation_ids(organisation)).order_by("name")


def system_places(organisation: Organisation):
    """The local authority areas of the organisation's systems: the places its activities may name."""
    return system_organisations(organisation).filter(type=Organisation.Type.LOCAL_AUTHORITY)


def system_partners(organisation: Organisation):
    """The organisations an activity of this organisation may name as partners: the others of its
    systems."""
    return system_organisations(organisation).exclude(pk=organisation.pk)
