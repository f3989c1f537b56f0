"""Impact figures over 12 months (issue 17, part 4): closed with a recorded change, the median
days to telling participants, communities engaged and not, overlaps found and joined; a joined
group counts once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import impact, services
from activities.models import Activity, Community
from tests.activities.helpers import community, make, topic

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _closed(cast, title, *, change="Changed", told_after=None, start=datetime.date(2026, 5, 1), **kw):
    activity = make(cast.org_a, cast.lead_a, title=title, planned_start=start, planned_end=start, **kw)
    end = start + datetime.timedelta(days=10)
    told_on = end + datetime.timedelta(days=told_after) if told_after is not None else None
    services.activity_close(
        activity=activity,
        by=cast.lead_a,
        closing=services.Closing(
            what_changed=change or "Nothing, because the service was already closing",
            participants_told=told_on is not None,
            told_on=told_on,
            actual_end=end,
        ),
    )
    if not change:  # an activity closed before closing asked for a change
        Activity.objects.filter(pk=activity.pk).update(what_changed="")
    return activity


def test_the_figures(cast):
    _closed(cast, "One", told_after=10)
    _closed(cast, "Two", told_after=30)
    _closed(cast, "Three", change="", told_after=None)
    _closed(cast, "Long ago", start=datetime.date(2025, 6, 1), told_after=1)  # closed over 12 months ago
    make(cast.org_a, cast.lead_a, title="Planned", community_ids={community("Staff").pk})
    figures = impact.figures({cast.org_a.pk}, today=TODAY)
    assert (figures.closed, figures.closed_with_change, figures.told) == (3, 2, 2)
    assert figures.percent_with_change == 67
    assert figures.median_days_to_tell == 20
    assert figures.communities_engaged == ["Unpaid carers"]  # "Planned" runs in 2027, outside
    assert (
        "Staff" in figures.communities_not_engaged and "Unpaid carers" not in figures.communities_not_engaged
    )
    assert len(figures.communities_not_engaged) == Community.objects.filter(retired=False).count() - 1


def test_a_joined_group_counts_once_and_overlaps_joined_are_counted(cast):
    first = _closed(cast, "Carers survey", told_after=5)
    second = _closed(cast, "Carers survey together", told_after=15)
    third = make(
        cast.org_a,
        cast.lead_a,
        title="Unrelated",
        purpose="Dental",
        topic_ids={topic("Dental services").pk},
        community_ids={community("Staff").pk},
        planned_start=datetime.date(2026, 5, 1),
        planned_end=datetime.date(2026, 5, 2),
    )
    before = impact.figures({cast.org_a.pk}, today=TODAY)
    assert (before.activities, before.closed, before.overlaps_found, before.overlaps_joined) == (3, 2, 1, 0)
    services.activity_join(activity=first, other=second, by=cast.lead_a)
    after = impact.figures({cast.org_a.pk}, today=TODAY)
    assert (after.activities, after.closed, after.told) == (2, 1, 1)
    assert after.median_days_to_tell == 5  # told on the earliest date any member was
    assert (after.overlaps_found, after.overlaps_joined, after.percent_joined) == (1, 1, 100)
    assert third.pk


def test_the_impact_page(client, cast):
    _closed(cast, "One", told_after=3, start=timezone.localdate() - datetime.timedelta(days=60))
    client.force_login(cast.viewer_a)
    page = client.get(reverse("activity_impact", kwargs={"code": cast.org_a.code})).content.decode()
    assert "1 of 1 closed (100%)" in page
    assert "3 days, for the 1 where participants were told" in page
