"""organisations.access.memberships_of: a person's memberships read once a request, for the
navigation and the page's own access check, and any change to them seen on the very next
request (and at once by code holding the same user object)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations import services
from organisations.access import get_organisation_for_user, membership_for, membership_in, memberships_of
from organisations.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def nav(response) -> str:
    html = response.content.decode()
    return html[html.index('id="navigation"') : html.index("</nav>")]


def test_read_once_for_the_navigation_and_the_page(cast):
    lead = User.objects.get(pk=cast.lead_a.pk)
    with CaptureQueriesContext(connection) as queries:
        assert [m.organisation for m in memberships_of(lead)] == [cast.org_a]
        assert membership_in(lead, cast.org_a.code).role == Membership.Role.LEAD
        assert membership_in(lead, cast.org_b.code) is None
        assert membership_for(lead, cast.org_a).role == Membership.Role.LEAD
        assert membership_for(lead, cast.org_b) is None
    assert len(queries.captured_queries) == 1
    assert get_organisation_for_user(lead, cast.org_a.code) == cast.org_a


def test_a_change_counts_at_once_for_a_user_object_already_asked(cast):
    lead = User.objects.get(pk=cast.lead_a.pk)
    assert membership_in(lead, cast.org_b.code) is None
    joined = MembershipFactory(user=cast.lead_a, organisation=cast.org_b, role=Membership.Role.VIEWER)
    assert membership_in(lead, cast.org_b.code).role == Membership.Role.VIEWER
    joined.role = Membership.Role.CONTRIBUTOR
    joined.save()
    assert membership_in(lead, cast.org_b.code).role == Membership.Role.CONTRIBUTOR
    joined.delete()
    assert membership_in(lead, cast.org_b.code) is None


def test_removed_from_an_organisation_the_next_request_is_a_404(client, cast):
    client.force_login(cast.contributor_a)
    evidence = reverse("evidence_library", kwargs={"code": cast.org_a.code})
    assert client.get(evidence).status_code == 200
    assert "Evidence" in nav(client.get(reverse("home")))
    Membership.objects.filter(user=cast.contributor_a, organisation=cast.org_a).delete()
    assert client.get(evidence).status_code == 404
    assert "Evidence" not in nav(client.get(reverse("home")))


def test_made_a_lead_the_next_page_shows_it(client, cast):
    client.force_login(cast.contributor_a)
    assert "Audit log" not in nav(client.get(reverse("home")))
    activity = reverse("organisation_activity", kwargs={"code": cast.org_a.code})
    assert client.get(activity).status_code == 403
    Membership.objects.filter(user=cast.contributor_a, organisation=cast.org_a).update(
        role=Membership.Role.LEAD
    )
    assert "Audit log" in nav(client.get(reverse("home")))
    assert client.get(activity).status_code == 200


def test_a_lead_made_a_viewer_cannot_change_answers_on_the_next_request(client, cast):
    client.force_login(cast.lead_a)
    upload = reverse("evidence_upload", kwargs={"code": cast.org_a.code})
    assert client.get(upload).status_code == 200
    Membership.objects.filter(user=cast.lead_a, organisation=cast.org_a).update(role=Membership.Role.VIEWER)
    assert client.get(upload).status_code == 403


def test_the_navigation_follows_the_first_organisation_by_name(client, cast):
    client.force_login(cast.viewer_a)
    first = OrganisationFactory(name="Aardvark Trust", code="AAA1")
    assert f"/organisations/{cast.org_a.code}/evidence/" in nav(client.get(reverse("home")))
    MembershipFactory(user=cast.viewer_a, organisation=first, role=Membership.Role.VIEWER)
    assert f"/organisations/{first.code}/evidence/" in nav(client.get(reverse("home")))


def test_removed_by_a_lead_through_the_service_their_pages_are_gone(client, cast):
    client.force_login(cast.contributor_a)
    evidence = reverse("evidence_library", kwargs={"code": cast.org_a.code})
    assert client.get(evidence).status_code == 200
    removed = Membership.objects.get(user=cast.contributor_a, organisation=cast.org_a)
    services.membership_remove(membership=removed, by=cast.lead_a)
    # Removal signs the person out everywhere; signed in again, the organisation is gone.
    client.force_login(cast.contributor_a)
    assert client.get(evidence).status_code == 404
    assert "Evidence" not in nav(client.get(reverse("home")))
