"""The demo's engagement activities (seed_demo): overlapping plans, a joined pair, closed
activities with what changed, published "You said, we did" entries; seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from activities import overlaps
from activities.models import Activity, Publication

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_the_activities_once(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Activity.objects.count()
    call_command("seed_demo")
    assert Activity.objects.count() == count >= 8
    published = Publication.objects.filter(withdrawn_at__isnull=True).select_related("activity__organisation")
    assert {p.activity.organisation.code for p in published} == {"QZ1", "E99000001"}
    closed = Activity.objects.filter(status="closed")
    assert all(a.what_changed for a in closed)
    # The ICS's planned urgent-care activity overlaps its partner Eastbrook's.
    urgent = Activity.objects.get(title="Getting the right urgent care first time")
    found = [o.activity.organisation.code for o in overlaps.find(overlaps.Probe.of(urgent))]
    assert "E99000001" in found
    page = client.get(reverse("you_said_we_did", kwargs={"code": "QZ1"})).content.decode()
    assert "Mental health crisis support listening events" in page
    assert "priya.shah" not in page and "Budget agreed" not in page
