from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_without_sign_in_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("engagement_portal.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_accessibility_statement_needs_no_sign_in(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "Accessibility statement" in response.content.decode()


@pytest.mark.parametrize(
    ("person", "sees", "does_not_see"),
    [
        ("lead_a", ["Your organisations", "Alderley"], ["Reviewing for CQC", "Brackenfield"]),
        ("viewer_a", ["Viewer"], ["Site administration", "Brackenfield"]),
        ("assessor", ["As a CQC assessor", "Go to the review queue"], ["Your organisations"]),
        (
            "rubric_admin",
            ["As a rubric admin", "Manage rubric versions"],
            ["Go to the review queue", "Organisations</a>"],
        ),
        ("site_admin", ["Site administration"], ["Your organisations"]),
        ("outsider", ["not part of any organisation"], ["Organisations</a>"]),
    ],
)
def test_home_page_depends_on_roles(client, cast, person, sees, does_not_see):
    client.force_login(cast.person(person))
    page = client.get("/").content.decode()
    for text in sees:
        assert text in page
    for text in does_not_see:
        assert text not in page


def test_navigation_marks_the_current_page(client, cast):
    client.force_login(cast.lead_a)
    page = client.get("/account/").content.decode()
    assert 'href="/account/" aria-current="page"' in page


def test_assessor_sees_every_organisation_and_a_member_only_their_own(client, cast):
    client.force_login(cast.assessor)
    page = client.get("/organisations/").content.decode()
    assert "Alderley" in page and "Brackenfield" in page
    client.force_login(cast.lead_a)
    page = client.get("/organisations/").content.decode()
    assert "Alderley" in page and "Brackenfield" not in page


def test_lead_changes_a_colleagues_role(client, cast):
    client.force_login(cast.lead_a)
    membership = Membership.objects.get(user=cast.viewer_a)
    url = f"/organisations/QA1/people/{membership.pk}/role/"
    response = client.post(url, {"role": "contributor"}, follow=True)
    membership.refresh_from_db()
    assert membership.role == "contributor"
    assert "is now a contributor" in response.content.decode()


def test_the_only_lead_cannot_step_down(client, cast):
    client.force_login(cast.lead_a)
    membership = Membership.objects.get(user=cast.lead_a)
    url = f"/organisations/QA1/people/{membership.pk}/role/"
    page = client.post(url, {"role": "viewer"}).content.decode()
    membership.refresh_from_db()
    assert membership.role == "lead"
    assert "<title>Error: " in page
    assert "only lead" in page
    # What the person chose is still selected.
    checked = re.findall(r'value="(\w+)"\s+checked', page)
    assert checked == ["viewer"]
    assert "---------" not in page


def test_a_role_that_does_not_exist_is_refused(client, cast):
    client.force_login(cast.lead_a)
    membership = Membership.objects.get(user=cast.viewer_a)
    page = client.post(f"/organisations/QA1/people/{membership.pk}/role/", {"role": "owner"}).content.decode()
    membership.refresh_from_db()
    assert membership.role == "viewer"
    assert "Select a role from the list" in page


def test_one_membership_per_person_and_organisation(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=cast.lead_a, organisation=cast.org_a, role="viewer")


def test_seed_demo_is_idempotent_and_prints_sign_in_details(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert (Organisation.objects.count(), Membership.objects.count()) == counts
    assert "lead.northmoor" in output and "demo-password-2026" in output
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"lead", "contributor", "viewer"}
    from django.contrib.auth.models import Group

    for group in Group.objects.all():
        assert group.user_set.exists(), f"no demo person in {group.name}"


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")


def test_a_page_that_does_not_exist_gets_the_gov_uk_not_found_page(client, cast):
    client.force_login(cast.lead_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_another_organisations_page_looks_exactly_like_a_missing_one(client, cast):
    client.force_login(cast.lead_a)
    theirs = client.get(f"/organisations/{cast.org_b.code}/")
    missing = client.get("/organisations/NOPE/")
    assert theirs.status_code == missing.status_code == 404
    assert "Brackenfield" not in theirs.content.decode()


def test_a_refusal_gets_the_gov_uk_page_explaining_why(client, cast):
    client.force_login(cast.viewer_a)
    membership = Membership.objects.get(user=cast.contributor_a)
    response = client.get(f"/organisations/QA1/people/{membership.pk}/role/")
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_the_error_page_needs_nothing_from_the_database(rf):
    from engagement_portal.views import server_error

    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Engagement self-assessment" in response.content.decode()
