"""Systems (an ICS's footprint) and partners' people contributing to a system's self-assessment."""

from __future__ import annotations

import io
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import services
from assessments.models import CriterionResponse
from organisations.models import Membership, Organisation, System, organisations_in_systems_of, systems_of
from organisations.people import name_of, partner_names, who_can_start
from tests.assessments.helpers import cite, evidence_file, open_cycle, response, start
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def footprint(cast):
    """Org A (an ICS) with org B (a local authority) and a Healthwatch partner; org B also sits
    in a second ICS's system."""
    healthwatch = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    second_ics = OrganisationFactory(name="Coldwater ICS", code="QC9")
    system = System.objects.create(ics=cast.org_a)
    system.local_authorities.add(cast.org_b)
    system.partners.add(healthwatch)
    other = System.objects.create(ics=second_ics)
    other.local_authorities.add(cast.org_b)
    priya = UserFactory(username="priya", first_name="Priya", last_name="Shah")
    MembershipFactory(user=priya, organisation=healthwatch, role=Membership.Role.CONTRIBUTOR)
    MembershipFactory(
        user=priya, organisation=cast.org_a, role=Membership.Role.CONTRIBUTOR, partner=healthwatch
    )
    return {
        "system": system,
        "other": other,
        "healthwatch": healthwatch,
        "second_ics": second_ics,
        "priya": priya,
    }


def test_an_organisation_knows_its_systems_and_their_organisations(cast, footprint):
    assert list(systems_of(cast.org_a)) == [footprint["system"]]
    # A local authority may sit in two systems.
    assert set(systems_of(cast.org_b)) == {footprint["system"], footprint["other"]}
    assert list(systems_of(footprint["healthwatch"])) == [footprint["system"]]
    assert set(organisations_in_systems_of(footprint["healthwatch"])) == {
        cast.org_a,
        cast.org_b,
        footprint["healthwatch"],
    }
    assert set(organisations_in_systems_of(cast.org_b)) == {
        cast.org_a,
        cast.org_b,
        footprint["healthwatch"],
        footprint["second_ics"],
    }
    loner = OrganisationFactory()
    assert not systems_of(loner).exists() and not organisations_in_systems_of(loner).exists()


def test_organisations_in_systems_is_one_query(cast, footprint, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(organisations_in_systems_of(cast.org_b))) == 4


def test_a_partner_must_be_a_partner_of_the_organisations_system(cast, footprint):
    stranger = OrganisationFactory(name="Healthwatch Elsewhere", type=Organisation.Type.PARTNER)
    membership = Membership(
        user=UserFactory(), organisation=cast.org_a, role=Membership.Role.CONTRIBUTOR, partner=stranger
    )
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert "partner" in refused.value.message_dict
    membership.partner = footprint["healthwatch"]
    membership.full_clean()


def test_a_partners_person_is_never_a_lead(cast, footprint):
    membership = Membership(
        user=UserFactory(),
        organisation=cast.org_a,
        role=Membership.Role.LEAD,
        partner=footprint["healthwatch"],
    )
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert "role" in refused.value.message_dict
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_a_partners_person_is_named_with_their_partner(cast, footprint):
    partners = partner_names(cast.org_a)
    assert partners == {footprint["priya"].pk: "Healthwatch Alderley"}
    assert name_of(footprint["priya"], partners) == "Priya Shah, Healthwatch Alderley"
    # In Healthwatch itself, and where nobody speaks for a partner, just the name.
    assert name_of(footprint["priya"], partner_names(footprint["healthwatch"])) == "Priya Shah"
    assert name_of(cast.lead_a, partners) == cast.lead_a.get_full_name()


def test_a_partners_answers_uploads_and_citations_show_their_partner(client, cast, footprint):
    assessment = start(cast, open_cycle())
    priya = footprint["priya"]
    answer = response(assessment, "1.1")
    services.response_save(
        response=answer,
        by=priya,
        expected_version=answer.version,
        score=3,
        not_evidenced=False,
        narrative="Healthwatch heard from 400 people.",
    )
    file = evidence_file(cast.org_a, priya, title="Healthwatch report")
    cite(assessment, "1.1", file, priya)

    client.force_login(cast.lead_a)
    criterion = client.get(
        reverse("assessment_criterion", kwargs={"code": "QA1", "cycle": "2026-27", "criterion": "1.1"})
    )
    page = criterion.content.decode()
    assert "by Priya Shah, Healthwatch Alderley." in page  # the answer
    assert page.count("Priya Shah, Healthwatch Alderley") >= 2  # and the citation
    item = client.get(
        reverse("evidence_item", kwargs={"code": "QA1", "item_id": file.item_id})
    ).content.decode()
    assert item.count("by Priya Shah, Healthwatch Alderley") == 2  # the item and its file


def test_a_partners_person_cannot_submit(cast, footprint):
    assessment = start(cast, open_cycle())
    with pytest.raises(PermissionDenied):
        services.assessment_submit(
            assessment=assessment, by=footprint["priya"], declaration=True, acknowledged_warnings=True
        )


def test_a_partner_with_no_lead_points_to_its_systems_leads(client, cast, footprint):
    open_cycle()
    who = who_can_start(footprint["healthwatch"])
    assert who.leads == [] and {m.user for m in who.system_leads} == {cast.lead_a, cast.lead_b}

    client.force_login(footprint["priya"])
    page = client.get(reverse("assessment_list", kwargs={"code": "HWA"})).content.decode()
    assert "Healthwatch Alderley has no lead in the portal" in page
    assert f"mailto:{cast.lead_a.email}" in page and cast.org_a.name in page
    assert "a site administrator can make someone its lead" in page
    detail = client.get(reverse("organisation_detail", kwargs={"code": "HWA"})).content.decode()
    assert "has no lead in the portal" in detail
    assert "Health and care system: Alderley Integrated Care System" in detail


def test_an_organisation_with_no_lead_says_who_can_make_one(client, cast, settings):
    open_cycle()
    leaderless = OrganisationFactory(name="Fallow ICS", code="QF1")
    member = MembershipFactory(organisation=leaderless, role=Membership.Role.CONTRIBUTOR).user
    client.force_login(member)
    page = client.get(reverse("assessment_list", kwargs={"code": "QF1"})).content.decode()
    assert "Fallow ICS has no lead in the portal yet" in page
    assert f"mailto:{settings.FEEDBACK_EMAIL}" in page


def test_a_member_who_cannot_start_is_told_who_can_and_how(client, cast):
    open_cycle()
    client.force_login(cast.contributor_a)
    page = client.get(reverse("assessment_list", kwargs={"code": "QA1"})).content.decode()
    assert "Only its lead can start it" in page and f"mailto:{cast.lead_a.email}" in page


def test_who_can_start_reads_in_two_queries(cast, footprint, django_assert_max_num_queries):
    for _ in range(3):
        MembershipFactory(organisation=cast.org_b, role=Membership.Role.LEAD)
    with django_assert_max_num_queries(2):
        who = who_can_start(footprint["healthwatch"])
        assert len(who.system_leads) == 5 and all(m.user.email for m in who.system_leads)


def test_site_admins_keep_systems_in_site_administration(client, cast, footprint):
    client.force_login(cast.site_admin)
    listing = client.get(reverse("admin:organisations_system_changelist"))
    assert listing.status_code == 200 and "Alderley Integrated Care System" in listing.content.decode()
    new_ics = OrganisationFactory(name="Dunmore ICS", code="QD1")
    added = client.post(
        reverse("admin:organisations_system_add"),
        {"ics": new_ics.pk, "local_authorities": [cast.org_b.pk], "partners": [footprint["healthwatch"].pk]},
    )
    assert added.status_code == 302
    assert set(systems_of(cast.org_b)) == {footprint["system"], footprint["other"], new_ics.system}


def test_the_demo_has_a_system_with_a_partner_contributing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    northmoor = System.objects.get(ics__code="QZ1")
    assert {o.code for o in northmoor.local_authorities.all()} == {"E99000001"}
    assert {o.code for o in northmoor.partners.all()} == {"HW001"}
    eastbrook = Organisation.objects.get(code="E99000001")
    assert systems_of(eastbrook).count() == 2
    kiran = Membership.objects.get(user__username="contributor.healthwatch", organisation__code="QZ1")
    assert kiran.partner.code == "HW001" and kiran.role == Membership.Role.CONTRIBUTOR
    assert CriterionResponse.objects.filter(
        assessment__organisation__code="QZ1", updated_by=kiran.user, score__isnull=False
    ).exists()


def test_the_benchmark_data_makes_every_ics_a_system_with_its_local_authorities(monkeypatch, settings):
    monkeypatch.syspath_prepend(str(settings.BASE_DIR / "bench"))  # the scripts run from bench/
    from bench.seed import ICS_COUNT, LA_COUNT, Seeder

    Seeder(random.Random(1)).people_and_organisations()
    assert System.objects.count() == ICS_COUNT
    las = Organisation.objects.filter(type=Organisation.Type.LOCAL_AUTHORITY)
    assert las.count() == LA_COUNT
    assert not las.filter(systems_as_local_authority__isnull=True).exists()
    assert any(systems_of(la).count() == 2 for la in las[:11])
