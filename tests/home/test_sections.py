"""The home page's next steps (home/sections.py): what waits for a lead and for a site admin, in
a fixed number of queries however much there is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import services
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _invite(cast, count: int, start: int = 0) -> None:
    services.invitations_create(
        organisation=cast.org_a,
        emails_to_invite=[f"p{n}@example.org" for n in range(start, start + count)],
        role="contributor",
        by=cast.lead_a,
        link_for=str,
    )


def _queries(client) -> tuple[int, str]:
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    return len(queries), page


def test_a_lead_sees_invitations_waiting(client, cast):
    _invite(cast, 2)
    client.force_login(cast.lead_a)
    page = client.get("/").content.decode()
    assert "Invitations not yet accepted" in page and "2 invitations waiting" in page
    client.force_login(cast.contributor_a)
    assert "Invitations not yet accepted" not in client.get("/").content.decode()


def test_a_site_admin_sees_organisations_with_no_lead(client, cast):
    OrganisationFactory(name="Fallow ICS", code="QF1")
    client.force_login(cast.site_admin)
    page = client.get("/").content.decode()
    assert "Fallow ICS" in page and "/organisations/QF1/people/invite/" in page
    assert "Alderley" not in page.split("have no lead")[1].split("</ul>")[0]


def test_the_sections_read_in_a_fixed_number_of_queries(client, cast):
    _invite(cast, 1)
    OrganisationFactory(code="QF1")
    client.force_login(cast.lead_a)
    lead_small, _ = _queries(client)
    client.force_login(cast.site_admin)
    admin_small, _ = _queries(client)

    _invite(cast, 15, start=1)
    for n in range(15):
        OrganisationFactory(code=f"QF{n + 2}")
    client.force_login(cast.lead_a)
    lead_large, page = _queries(client)
    assert "16 invitations waiting" in page
    client.force_login(cast.site_admin)
    admin_large, _ = _queries(client)
    assert (lead_large, admin_large) == (lead_small, admin_small)
