"""The busy pages keep the same number of queries as the register grows: the system's list, the
timeline, and an activity's page with its overlap check (in bench/pages.py too)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.activities.helpers import make

pytestmark = pytest.mark.django_db


def _counts(client, cast, probe) -> dict[str, int]:
    pages = {
        "list": reverse("activity_system_list", kwargs={"code": cast.org_a.code}),
        "timeline": reverse("activity_timeline", kwargs={"code": cast.org_a.code}) + "?from=2027-01",
        "detail": reverse("activity_detail", kwargs={"code": cast.org_a.code, "activity_id": probe.pk}),
    }
    counts = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[name] = len(queries)
    return counts


def test_query_counts_stay_the_same_as_the_register_grows(client, cast):
    probe = make(cast.org_a, cast.lead_a, title="Probe")
    client.force_login(cast.lead_a)
    for n in range(3):
        make(cast.org_a, cast.lead_a, title=f"Small {n}", planned_start=datetime.date(2027, 3, 2 + n))
    _counts(client, cast, probe)  # the first requests fill what is cached for good
    small = _counts(client, cast, probe)
    for n in range(12):
        make(cast.org_a, cast.lead_a, title=f"Large {n}", planned_start=datetime.date(2027, 3, 5 + n))
    large = _counts(client, cast, probe)
    assert large == small
    assert max(small.values()) <= 25, small
