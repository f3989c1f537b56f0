"""The activities register: recording, changing, closing, joining, the lists, and every write's
audit trail (issue 17, part 1)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from activities import services
from activities.models import Activity, Community, OverlapFound, Topic
from audit.models import AuditEvent
from tests.activities.helpers import community, data, form_data, make, topic

pytestmark = pytest.mark.django_db


def test_the_lists_are_seeded():
    assert Topic.objects.filter(name="Mental health").exists()
    assert Community.objects.filter(name="Unpaid carers", group="carers").exists()
    assert set(Community.objects.values_list("group", flat=True)) >= {
        "age",
        "protected",
        "inclusion",
        "carers",
        "service_users",
        "staff",
    }


def test_a_contributor_records_an_activity_through_the_form(client, cast):
    client.force_login(cast.contributor_a)
    response = client.post(reverse("activity_new", kwargs={"code": cast.org_a.code}), form_data())
    activity = Activity.objects.get(organisation=cast.org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "activity_detail", kwargs={"code": cast.org_a.code, "activity_id": activity.pk}
    )
    assert activity.title == "Maternity voices"
    assert activity.status == "planned"
    assert (activity.period_start, activity.period_end) == (
        datetime.date(2027, 4, 1),
        datetime.date(2027, 4, 30),
    )
    assert [t.name for t in activity.topics.all()] == ["Maternity and neonatal care"]
    assert activity.created_by == cast.contributor_a
    event = AuditEvent.objects.get(action="activity.created")
    assert (event.organisation_id, event.actor_id, event.object_id) == (
        cast.org_a.pk,
        cast.contributor_a.pk,
        str(activity.pk),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"planned_end_0": "1", "planned_end_1": "3", "planned_end_2": "2027"},
            "planned_end",
            "The planned end must be on or after the planned start",
        ),
        ({"topics": ["999999"]}, "topics", "Choose topics from the list"),
        ({"communities": []}, "communities", "Choose at least one community or group"),
        ({"title": ""}, "title", "Enter a title"),
        ({"contact_email": "not an email"}, "contact_email", "Enter an email address in the correct format"),
        ({"participants": "-3"}, "participants", "Enter a number between 0 and 10,000,000"),
    ],
)
def test_bad_input_is_refused_with_the_message_by_its_field_and_nothing_is_stored(
    client, cast, overrides, field, message
):
    client.force_login(cast.lead_a)
    response = client.post(reverse("activity_new", kwargs={"code": cast.org_a.code}), form_data(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}' in page
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="activity.").exists()
    # What the person typed is kept.
    assert "How should antenatal classes change?" in page or field == "purpose"


def test_a_retired_topic_cannot_be_chosen_but_stays_on_activities_that_have_it(cast):
    activity = make(cast.org_a, cast.lead_a)
    retired = topic()
    services.term_retire(term=retired, by=cast.rubric_admin, retired=True)
    with pytest.raises(services.ActivityInvalid) as refused:
        make(cast.org_a, cast.lead_a, title="Another")
    assert refused.value.errors == {"topics": "Choose topics from the list"}
    # Saving the older activity with its retired topic still works.
    services.activity_update(activity=activity, by=cast.lead_a, data=data(title="Renamed"))
    assert list(activity.topics.all()) == [retired]


def test_a_place_or_partner_outside_the_system_is_refused(cast):
    with pytest.raises(services.ActivityInvalid) as refused:
        make(cast.org_a, cast.lead_a, place_ids={cast.org_b.pk}, partner_ids={cast.org_b.pk})
    assert refused.value.errors == {
        "places": "Choose places in your system's area",
        "partners": "Choose partners from your system's organisations",
    }
    assert not Activity.objects.exists()


def test_services_check_the_role_themselves(cast):
    with pytest.raises(PermissionDenied):
        make(cast.org_a, cast.viewer_a)
    with pytest.raises(PermissionDenied):
        make(cast.org_a, cast.lead_b)
    activity = make(cast.org_a, cast.lead_a)
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, by=cast.contributor_b, data=data())
    with pytest.raises(PermissionDenied):
        services.activity_publish(
            activity=activity, by=cast.contributor_a, words=services.PublicWords("a", "b", "c")
        )


def test_closing_asks_what_changed_and_records_the_status_change(client, cast):
    activity = make(
        cast.org_a,
        cast.lead_a,
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 3, 20),
    )
    url = reverse("activity_close", kwargs={"code": cast.org_a.code, "activity_id": activity.pk})
    client.force_login(cast.contributor_a)
    refused = client.post(url, {"what_changed": "", "participants_told": "yes"})
    assert "Say what changed as a result, or why nothing changed" in refused.content.decode()
    activity.refresh_from_db()
    assert activity.status == "planned"
    no_date = client.post(url, {"what_changed": "More evening clinics", "participants_told": "yes"})
    assert "Enter the date participants were told" in no_date.content.decode()
    response = client.post(
        url,
        {
            "what_changed": "More evening clinics",
            "participants_told": "yes",
            "told_on_0": "2",
            "told_on_1": "4",
            "told_on_2": "2026",
            "actual_end_0": "31",
            "actual_end_1": "3",
            "actual_end_2": "2026",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "closed"
    assert activity.what_changed == "More evening clinics"
    assert activity.participants_told is True
    assert activity.told_on == datetime.date(2026, 4, 2)
    assert activity.closed_on == datetime.date(2026, 3, 31)
    event = AuditEvent.objects.get(action="activity.status")
    assert event.detail["from"] == "planned" and event.detail["to"] == "closed"


def test_changing_an_activity_is_recorded_and_a_status_change_too(cast):
    activity = make(cast.org_a, cast.lead_a)
    services.activity_update(activity=activity, by=cast.contributor_a, data=data(status="running"))
    assert AuditEvent.objects.filter(action="activity.changed").count() == 1
    assert AuditEvent.objects.get(action="activity.status").detail["to"] == "running"


def test_the_activity_page_shows_the_whole_record_to_its_organisation(client, cast):
    activity = make(cast.org_a, cast.lead_a, internal_notes="Budget is tight", what_heard="Long waits")
    client.force_login(cast.viewer_a)
    page = client.get(
        reverse("activity_detail", kwargs={"code": cast.org_a.code, "activity_id": activity.pk})
    ).content.decode()
    assert "Budget is tight" in page and "Long waits" in page and "sam.patel@example.org" in page
    assert "Change</a>" not in page  # viewers only read


def test_joining_two_activities_and_unjoining(client, cast):
    first = make(cast.org_a, cast.lead_a)
    second = make(cast.org_a, cast.lead_a, title="Carers' crisis support survey")
    assert OverlapFound.objects.filter(first=first, second=second).exists()
    client.force_login(cast.contributor_a)
    url = reverse("activity_join", kwargs={"code": cast.org_a.code, "activity_id": second.pk})
    assert client.post(url, {"other": first.pk}).status_code == 302
    assert list(services.joined_with(first)) == [second]
    assert list(services.joined_with(second)) == [first]
    assert AuditEvent.objects.filter(action="activity.joined").count() == 2
    page = client.get(
        reverse("activity_detail", kwargs={"code": cast.org_a.code, "activity_id": first.pk})
    ).content.decode()
    assert "Carers&#x27; crisis support survey" in page and "Unjoin" in page
    unjoin = reverse("activity_unjoin", kwargs={"code": cast.org_a.code, "activity_id": first.pk})
    assert client.post(unjoin, {"other": second.pk}).status_code == 302
    assert not services.joined_with(first).exists()


def test_an_activity_of_another_organisation_cannot_be_joined(client, cast):
    ours = make(cast.org_a, cast.lead_a)
    theirs = make(cast.org_b, cast.lead_b)
    client.force_login(cast.lead_a)
    url = reverse("activity_join", kwargs={"code": cast.org_a.code, "activity_id": ours.pk})
    assert client.post(url, {"other": theirs.pk}).status_code == 404
    assert client.post(url, {"other": "junk"}).status_code == 404
    assert not services.joined_with(ours).exists()


def test_rubric_admins_keep_the_lists(client, cast):
    client.force_login(cast.rubric_admin)
    url = reverse("activity_terms", kwargs={"kind": "topics"})
    assert client.post(url, {"name": "  Digital   inclusion "}).status_code == 302
    added = Topic.objects.get(name="Digital inclusion")
    duplicate = client.post(url, {"name": "digital inclusion"})
    assert "is already on the list" in duplicate.content.decode()
    assert Topic.objects.filter(name__iexact="digital inclusion").count() == 1
    retire = reverse("activity_term_retire", kwargs={"kind": "topics", "term_id": added.pk})
    client.post(retire, {"retire": "yes"})
    added.refresh_from_db()
    assert added.retired
    assert AuditEvent.objects.filter(action="activity.list_changed").count() == 2
    # A retired topic is not offered on the form.
    client.force_login(cast.lead_a)
    form = client.get(reverse("activity_new", kwargs={"code": cast.org_a.code})).content.decode()
    offered = set(re.findall(r'name="topics"[^>]*value="(\d+)"', form, re.S))
    assert str(added.pk) not in offered and str(topic().pk) in offered
    group = reverse("activity_terms", kwargs={"kind": "communities"})
    client.force_login(cast.rubric_admin)
    assert "Choose a group" in client.post(group, {"name": "Veterans"}).content.decode()
    assert community().group == "carers"
