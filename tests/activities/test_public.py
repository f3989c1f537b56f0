""" "You said, we did": publishing, the public page and its Atom feed, withdrawing (part 5)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from activities import services
from audit.models import AuditEvent
from tests.activities.helpers import make

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _closed(cast, **overrides):
    activity = make(
        cast.org_a,
        cast.lead_a,
        internal_notes="SECRET internal note",
        participant_profile="PROFILE 40 carers",
        what_heard="HEARD raw notes",
        contact_name="Sam Patel",
        **overrides,
    )
    return services.activity_close(
        activity=activity,
        by=cast.lead_a,
        closing=services.Closing(what_changed="Evening clinics", participants_told=False, told_on=None),
    )


def _publish(client, cast, activity):
    client.force_login(cast.lead_a)
    url = reverse("activity_publish", kwargs={"code": cast.org_a.code, "activity_id": activity.pk})
    form = client.get(url).content.decode()
    assert "Evening clinics" in form  # what changed, offered as a start
    return client.post(
        url,
        {
            "asked": "How could crisis support be easier to reach?",
            "heard": "Waits at night were too long.",
            "changed": "We opened evening clinics.",
        },
    )


def test_a_lead_publishes_a_closed_activity_and_anyone_reads_it(client, cast):
    activity = _closed(cast)
    assert _publish(client, cast, activity).status_code == 302
    assert AuditEvent.objects.filter(action="activity.published", object_id=str(activity.pk)).exists()
    client.logout()
    response = client.get(reverse("you_said_we_did", kwargs={"code": cast.org_a.code}))
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "Mental health listening events",
        "Waits at night were too long.",
        "We opened evening clinics.",
    ):
        assert words in page
    for private in ("SECRET", "PROFILE", "HEARD raw", "Sam Patel", "sam.patel@example.org"):
        assert private not in page
    feed = client.get(reverse("you_said_we_did_feed", kwargs={"code": cast.org_a.code}))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - the portal's own feed, in a test
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Mental health listening events"]
    assert "We opened evening clinics." in entries[0].find(f"{ATOM}summary").text
    assert b"SECRET" not in feed.content and b"sam.patel" not in feed.content


def test_an_activity_not_closed_cannot_be_published(client, cast):
    activity = make(cast.org_a, cast.lead_a)
    client.force_login(cast.lead_a)
    url = reverse("activity_publish", kwargs={"code": cast.org_a.code, "activity_id": activity.pk})
    assert client.get(url).status_code == 302
    with pytest.raises(services.ActivityInvalid):
        services.activity_publish(
            activity=activity, by=cast.lead_a, words=services.PublicWords("a", "b", "c")
        )


def test_a_withdrawn_entry_leaves_the_public_page_and_the_feed(client, cast):
    activity = _closed(cast)
    _publish(client, cast, activity)
    withdraw = reverse("activity_withdraw", kwargs={"code": cast.org_a.code, "activity_id": activity.pk})
    assert client.post(withdraw).status_code == 302
    assert AuditEvent.objects.filter(action="activity.withdrawn").count() == 1
    client.logout()
    page = client.get(reverse("you_said_we_did", kwargs={"code": cast.org_a.code})).content.decode()
    assert "Nothing has been published here yet." in page
    feed = client.get(reverse("you_said_we_did_feed", kwargs={"code": cast.org_a.code}))
    assert ET.fromstring(feed.content)  # noqa: S314 - the portal's own feed, in a test.findall(f"{ATOM}entry") == []


def test_each_public_page_shows_only_its_own_organisations_entries(client, cast):
    _publish(client, cast, _closed(cast))
    client.logout()
    page = client.get(reverse("you_said_we_did", kwargs={"code": cast.org_b.code})).content.decode()
    assert "Mental health listening events" not in page
    assert client.get(reverse("you_said_we_did", kwargs={"code": "NOPE"})).status_code == 404
