"""Which organisations share a system with an organisation: the boundary of everything an
organisation sees of others' activities.

A system is an ICS's footprint (organisations.models.System): the ICS, its local authorities (one
may sit in two systems) and its partners. An organisation sees the activities of every
organisation of every system it is in; one in no system sees only its own.
"""

from __future__ import annotations

from typing import NamedTuple

from organisations.models import Organisation, organisations_in_systems_of


class Member(NamedTuple):
    """An organisation of a system, as the register's pages name it (no model instance needed)."""

    pk: int
    name: str
    type: str

    def __str__(self) -> str:
        return self.name


def system_members(organisation: Organisation) -> list[Member]:
    """Every organisation of the organisation's systems, its own too, in the database's order of
    names (as a query ordered by name would list them): one query."""
    rows = organisations_in_systems_of(organisation).order_by("name").values_list("pk", "name", "type")
    members = [Member(*row) for row in rows]
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
