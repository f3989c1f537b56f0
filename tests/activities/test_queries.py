"""The register's busy pages read in a fixed number of queries (issues 17 and 19): at most 15, and
the same for a small register as for one several times larger. The pages: the system's list
(unfiltered and filtered), the timeline, the organisation's own list, and an activity's page with
its overlap check, as its organisation and as a partner in its system see it (bench/pages.py
times the system's list and the overlap check over the national dataset). Runs on SQLite and on
PostgreSQL alike.

Each page is requested once before it is counted, as a gunicorn worker that has served it
before would answer (tests/test_page_queries.py does the same)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from organisations.models import System
from tests.activities.helpers import community, make, topic
from tests.clients import PortalClient

pytestmark = pytest.mark.django_db

LIMIT = 15


class Register:
    """Alderley's system: the ICS (org_a) and a local authority (org_b), each with activities
    that overlap a probe of Alderley's (shared topics, communities and places, alike titles),
    some joined with it; and a closed, published activity. `grow` adds more of each."""

    def __init__(self, cast):
        self.cast = cast
        system = System.objects.create(ics=cast.org_a)
        system.local_authorities.add(cast.org_b)
        self.probe = make(
            cast.org_a,
            cast.lead_a,
            title="Probe: mental health listening events",
            place_ids={cast.org_b.pk},
            partner_ids={cast.org_b.pk},
        )
        self.published = make(cast.org_a, cast.lead_a, title="Published", place_ids={cast.org_b.pk})
        services.activity_close(
            activity=self.published,
            by=cast.lead_a,
            closing=services.Closing(what_changed="Evening clinics.", participants_told=False, told_on=None),
        )
        services.activity_publish(
            activity=self.published,
            by=cast.lead_a,
            words=services.PublicWords(asked="Asked.", heard="Heard.", changed="Changed."),
        )
        self.made = 0
        self.add(3, joined=1)

    def add(self, n: int, *, joined: int) -> None:
        for i in range(n):
            self.made += 1
            organisation, lead = (
                (self.cast.org_a, self.cast.lead_a) if i % 2 else (self.cast.org_b, self.cast.lead_b)
            )
            other = make(
                organisation,
                lead,
                title=f"Mental health listening {self.made}",
                topic_ids={topic().pk, topic("Maternity and neonatal care").pk},
                community_ids={community().pk, community("Women and pregnant people").pk},
                place_ids={self.cast.org_b.pk} if i % 3 else set(),
                planned_start=datetime.date(2027, 3, 1) + datetime.timedelta(days=self.made),
                planned_end=datetime.date(2027, 4, 1) + datetime.timedelta(days=self.made),
            )
            if i < joined:
                services.activity_join(activity=self.probe, other=other, by=self.cast.lead_a)

    def pages(self) -> dict[str, tuple[str, object]]:
        cast = self.cast
        a, b = cast.org_a.code, cast.org_b.code
        filters = (
            f"?topic={topic().pk}&community={community().pk}&place={cast.org_b.pk}&partner={cast.org_b.pk}"
        )
        return {
            "system_list": (reverse("activity_system_list", kwargs={"code": a}), cast.lead_a),
            "system_list_filtered": (
                reverse("activity_system_list", kwargs={"code": a}) + filters,
                cast.lead_a,
            ),
            "timeline": (reverse("activity_timeline", kwargs={"code": a}) + "?from=2027-01", cast.lead_a),
            "own_list": (reverse("activity_list", kwargs={"code": a}), cast.lead_a),
            "overlap_check": (
                reverse("activity_detail", kwargs={"code": a, "activity_id": self.probe.pk}),
                cast.lead_a,
            ),
            "partner_overlap_check": (
                reverse("activity_detail", kwargs={"code": b, "activity_id": self.probe.pk}),
                cast.viewer_b,
            ),
            "published": (
                reverse("activity_detail", kwargs={"code": a, "activity_id": self.published.pk}),
                cast.lead_a,
            ),
        }


def count(path: str, user) -> tuple[int, str]:
    client = PortalClient()
    client.force_login(user)
    assert client.get(path).status_code == 200  # the first request fills what is cached for good
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_the_busy_pages_read_in_a_fixed_number_of_queries_as_the_register_grows(cast):
    register = Register(cast)
    small = {name: count(path, user) for name, (path, user) in register.pages().items()}
    register.add(12, joined=4)
    large = {name: count(path, user) for name, (path, user) in register.pages().items()}

    # The larger register really is larger on every page (so the comparison means something).
    for name in ("system_list", "system_list_filtered", "timeline", "own_list"):
        assert large[name][1].count("Mental health listening") > small[name][1].count(
            "Mental health listening"
        ), name
    for name in ("overlap_check", "partner_overlap_check"):
        assert large[name][1].count("Topics: ") > small[name][1].count("Topics: ") >= 3, name
        assert large[name][1].count("Places: ") > small[name][1].count("Places: ") >= 1, name
    assert large["overlap_check"][1].count("Unjoin") == 5 and small["overlap_check"][1].count("Unjoin") == 1
    assert "Published on “You said, we did”" in large["published"][1]

    small_counts = {name: n for name, (n, _) in small.items()}
    large_counts = {name: n for name, (n, _) in large.items()}
    assert large_counts == small_counts
    assert max(small_counts.values()) <= LIMIT, small_counts
