"""Overlap warnings (issue 17, part 3): the system's other activities that share a topic, a
community or a place within 90 days either side, or read alike; ranked; never another system's,
never outside the window (a Hypothesis property); and never in the way of saving."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import overlaps
from activities.models import Activity, Community, OverlapFound, Topic
from organisations.models import Organisation
from tests.activities.helpers import community, make, topic
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DAY0 = datetime.date(2027, 1, 1)


def test_the_similarity_is_pg_trgm_s():
    assert overlaps.similarity("word", "word") == 1.0
    assert overlaps.similarity("", "word") == 0.0
    # pg_trgm: similarity('word', 'two words') = 4 shared of 11 trigrams.
    assert overlaps.similarity("word", "two words") == pytest.approx(4 / 11)


def test_the_overlaps_are_found_ranked_and_recorded(cast):
    mine = make(cast.org_a, cast.lead_a, title="Crisis support listening events")
    same_terms = make(cast.org_a, cast.lead_a, title="Unrelated name entirely", purpose="Something else")
    alike_only = make(
        cast.org_a,
        cast.lead_a,
        title="Crisis support listening event series",
        topic_ids={topic("Dental services").pk},
        community_ids={community("Staff").pk},
    )
    too_late = make(
        cast.org_a,
        cast.lead_a,
        title="Later crisis support listening events",
        planned_start=datetime.date(2027, 7, 1),
        planned_end=datetime.date(2027, 7, 31),
    )
    unrelated = make(
        cast.org_a,
        cast.lead_a,
        title="Dental access",
        purpose="Where do families find a dentist?",
        topic_ids={topic("Dental services").pk},
        community_ids={community("Staff").pk},
    )
    found = overlaps.find(overlaps.Probe.of(mine), system_ids={cast.org_a.pk})
    ids = [o.activity.pk for o in found]
    assert set(ids) == {same_terms.pk, alike_only.pk}
    assert ids[0] == same_terms.pk  # sharing a topic and a community ranks above a similar title
    assert found[0].shared_topics == ["Mental health"] and found[0].shared_communities == ["Unpaid carers"]
    assert found[1].similarity >= overlaps.SIMILAR and "A similar title or purpose" in found[1].reasons
    assert too_late.pk not in ids and unrelated.pk not in ids
    # Saving recorded each pair found, once, for the figures.
    assert OverlapFound.objects.filter(first=mine, second=same_terms).count() == 1


def test_a_wider_window_finds_more(cast):
    mine = make(cast.org_a, cast.lead_a)
    later = make(
        cast.org_a,
        cast.lead_a,
        planned_start=datetime.date(2027, 8, 1),
        planned_end=datetime.date(2027, 8, 2),
    )
    probe = overlaps.Probe.of(mine)
    assert later.pk not in [o.activity.pk for o in overlaps.find(probe, system_ids={cast.org_a.pk})]
    assert later.pk in [
        o.activity.pk for o in overlaps.find(probe, window_days=200, system_ids={cast.org_a.pk})
    ]


def test_the_check_is_one_indexed_range_query_for_candidates(cast, django_assert_max_num_queries):
    mine = make(cast.org_a, cast.lead_a)
    for n in range(5):
        make(cast.org_a, cast.lead_a, title=f"Other {n}")
    probe = overlaps.Probe.of(mine)
    with django_assert_max_num_queries(7):
        overlaps.find(probe, system_ids={cast.org_a.pk})


# ---------------------------------------------------------------------------------------------
# The property: whatever the activities, the check lists none outside the system or the window,
# and every one inside them that shares a term.

specs = st.lists(
    st.tuples(
        st.integers(0, 3),  # organisation
        st.integers(-300, 300),  # start, days from DAY0
        st.integers(0, 60),  # length in days
        st.sets(st.integers(0, 2), max_size=2),  # topics
        st.sets(st.integers(0, 2), max_size=2),  # communities
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=specs,
    probe_start=st.integers(-200, 200),
    probe_length=st.integers(0, 60),
    in_system=st.sets(st.integers(1, 3)),
    window=st.sampled_from([0, 30, 90]),
)
def test_no_activity_outside_the_window_or_the_system_is_ever_listed(
    cast, specs, probe_start, probe_length, in_system, window
):
    with transaction.atomic():  # each example starts from the same database
        _check_the_property(cast, specs, probe_start, probe_length, in_system, window)
        transaction.set_rollback(True)


def _check_the_property(cast, specs, probe_start, probe_length, in_system, window) -> None:
    orgs = list(Organisation.objects.order_by("pk")[:2]) + [
        OrganisationFactory(code=f"PX{n}") for n in range(2)
    ]
    topics = list(Topic.objects.order_by("pk")[:3])
    communities = list(Community.objects.order_by("pk")[:3])
    system = {orgs[0].pk} | {orgs[n].pk for n in in_system}
    start = DAY0 + datetime.timedelta(days=probe_start)
    probe = overlaps.Probe(
        organisation_id=orgs[0].pk,
        start=start,
        end=start + datetime.timedelta(days=probe_length),
        title="Probe",
        purpose="Zzz",
        topic_ids=frozenset({topics[0].pk}),
        community_ids=frozenset({communities[0].pk}),
    )
    made = []
    for org, offset, length, ts, cs in specs:
        begin = DAY0 + datetime.timedelta(days=offset)
        activity = Activity.objects.create(
            organisation=orgs[org],
            title=f"Activity {len(made)}",
            purpose="Something",
            method="survey",
            influence="consult",
            planned_start=begin,
            planned_end=begin + datetime.timedelta(days=length),
            contact_name="A",
            contact_email="a@example.org",
            created_by=cast.lead_a,
        )
        activity.topics.set([topics[t] for t in ts])
        activity.communities.set([communities[c] for c in cs])
        made.append((activity, ts, cs))
    found = {o.activity.pk for o in overlaps.find(probe, window_days=window, system_ids=system)}
    reach = datetime.timedelta(days=window)
    for activity, ts, cs in made:
        inside = (
            activity.organisation_id in system
            and activity.period_start <= probe.end + reach
            and activity.period_end >= probe.start - reach
        )
        if activity.pk in found:
            assert inside, f"{activity} ({activity.period_start} to {activity.period_end}) listed"
        elif inside and (0 in ts or 0 in cs):
            pytest.fail(f"{activity} shares a term inside the window and system but was not listed")
