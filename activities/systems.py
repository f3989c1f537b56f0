"""Which organisations share a system with an organisation: the boundary of everything an
organisation sees of others' activities.

A system is an ICS's footprint (organisations.models.System): the ICS, its local authorities (one
may sit in two systems) and its partners. An organisation sees the activities of every
organisation of every system it is in; one in no system sees only its own.
"""

from __future__ import annotations

from organisations.models import Organisation, organisations_in_systems_of


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
