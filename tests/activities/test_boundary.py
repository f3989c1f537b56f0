"""The system boundary (issue 17, part 2): the other organisations of an organisation's systems
see the shared part of its activities; a local authority in two systems sees both; one in no
system sees none; another system's activities are a 404 in the list, the timeline, the exports
and the detail alike."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities import overlaps, reading, services
from activities.systems import system_members
from organisations.models import Organisation, System, organisations_in_systems_of
from tests.activities.helpers import make
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _systems(cast, *, b_in_a: bool, b_in_c: bool):
    org_c = OrganisationFactory(name="Cranmore ICS", code="QC9")
    a = System.objects.create(ics=cast.org_a)
    c = System.objects.create(ics=org_c)
    if b_in_a:
        a.local_authorities.add(cast.org_b)
    if b_in_c:
        c.local_authorities.add(cast.org_b)
    return org_c


def _pages(client, code):
    list_page = client.get(reverse("activity_system_list", kwargs={"code": code})).content.decode()
    timeline = client.get(
        reverse("activity_timeline", kwargs={"code": code}), {"from": "2027-01"}
    ).content.decode()
    export = client.get(
        reverse("activity_system_export", kwargs={"code": code, "fmt": "csv"})
    ).content.decode()
    return list_page + timeline + export


def test_a_local_authority_in_two_systems_sees_both(client, cast):
    org_c = _systems(cast, b_in_a=True, b_in_c=True)
    lead_c = cast.lead_a  # any editor will do for C's activity: made through the model's service
    from tests.factories import MembershipFactory

    MembershipFactory(user=lead_c, organisation=org_c, role="lead")
    ours = make(cast.org_a, cast.lead_a, title="Alderley urgent care", internal_notes="PRIVATE A")
    theirs = make(org_c, lead_c, title="Cranmore urgent care")
    client.force_login(cast.viewer_b)
    everything = _pages(client, cast.org_b.code)
    assert "Alderley urgent care" in everything and "Cranmore urgent care" in everything
    assert "PRIVATE A" not in everything
    for activity in (ours, theirs):
        url = reverse("activity_detail", kwargs={"code": cast.org_b.code, "activity_id": activity.pk})
        page = client.get(url)
        assert page.status_code == 200 and b"PRIVATE" not in page.content
        edit = reverse("activity_edit", kwargs={"code": cast.org_b.code, "activity_id": activity.pk})
        assert client.get(edit).status_code == 403
    # A and C are not in each other's system: neither sees the other's.
    client.force_login(cast.viewer_a)
    assert "Cranmore urgent care" not in _pages(client, cast.org_a.code)
    url = reverse("activity_detail", kwargs={"code": cast.org_a.code, "activity_id": theirs.pk})
    assert client.get(url).status_code == 404


def test_a_local_authority_in_no_system_sees_none(client, cast):
    _systems(cast, b_in_a=False, b_in_c=False)
    ours = make(cast.org_a, cast.lead_a, title="Alderley urgent care")
    client.force_login(cast.lead_b)
    assert "Alderley urgent care" not in _pages(client, cast.org_b.code)
    url = reverse("activity_detail", kwargs={"code": cast.org_b.code, "activity_id": ours.pk})
    assert client.get(url).status_code == 404


def test_overlaps_are_found_across_the_system_and_places_and_partners_checked(cast):
    _systems(cast, b_in_a=True, b_in_c=False)
    outsider = OrganisationFactory(
        name="Far Council", code="E99999999", type=Organisation.Type.LOCAL_AUTHORITY
    )
    theirs = make(cast.org_b, cast.lead_b, title="Brackenfield carers forum", place_ids={cast.org_b.pk})
    ours = make(
        cast.org_a,
        cast.lead_a,
        title="Alderley carers survey",
        place_ids={cast.org_b.pk},
        partner_ids={cast.org_b.pk},
        planned_start=datetime.date(2027, 4, 1),
        planned_end=datetime.date(2027, 4, 2),
    )
    found = overlaps.find(overlaps.Probe.of(ours))
    assert [o.activity.pk for o in found] == [theirs.pk]
    assert found[0].shared_places == [cast.org_b.name]
    with pytest.raises(services.ActivityInvalid) as refused:
        make(cast.org_a, cast.lead_a, place_ids={outsider.pk}, partner_ids={outsider.pk})
    assert set(refused.value.errors) == {"places", "partners"}
    services.activity_join(activity=ours, other=theirs, by=cast.lead_a)
    assert list(services.joined_with(theirs)) == [ours]
    # As the activity's page reads them: from either side, with the other's organisation.
    assert reading.joined(theirs) == [(ours.pk, ours.title, (cast.org_a.pk, cast.org_a.name))]
    assert reading.joined(ours) == [(theirs.pk, theirs.title, (cast.org_b.pk, cast.org_b.name))]


def test_the_register_reads_a_systems_organisations_as_the_organisations_app_defines_them(cast):
    """activities.systems.system_members writes organisations_in_systems_of out as SQL: the two
    agree for an ICS, a local authority in two systems, partners (one in two systems) and an
    organisation in none."""
    org_c = _systems(cast, b_in_a=True, b_in_c=True)
    partner = OrganisationFactory(name="Alderley Healthwatch", code="PA1", type=Organisation.Type.PARTNER)
    shared = OrganisationFactory(name="Both Hospitals Trust", code="PB1", type=Organisation.Type.PARTNER)
    alone = OrganisationFactory(name="Lone Council", code="E99999997", type=Organisation.Type.LOCAL_AUTHORITY)
    a, c = System.objects.get(ics=cast.org_a), System.objects.get(ics=org_c)
    a.partners.add(partner, shared)
    c.partners.add(shared)
    for organisation in (cast.org_a, cast.org_b, org_c, partner, shared, alone):
        members = system_members(organisation)
        expected = set(organisations_in_systems_of(organisation).values_list("pk", flat=True)) | {
            organisation.pk
        }
        assert {m.pk for m in members} == expected, organisation.name
        assert [m.name for m in members] == sorted(m.name for m in members)
        assert len(members) == len(expected)
    assert {m.name for m in system_members(partner)} == {
        cast.org_a.name,
        cast.org_b.name,
        partner.name,
        shared.name,
    }
    assert [m.pk for m in system_members(alone)] == [alone.pk]
