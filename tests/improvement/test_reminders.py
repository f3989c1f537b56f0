"""Overdue improvement actions (issue 18, part 4): on the owner's and the leads' home pages, and
emailed once per due date by send_reminders."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.models import Action
from notifications import reminders
from notifications.models import Notification
from tests.improvement.helpers import add, text_of

pytestmark = pytest.mark.django_db


def _overdue(cast, days: int = 3, **kwargs) -> Action:
    action = add(cast, **kwargs)
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=days))
    action.refresh_from_db()
    return action


def test_overdue_actions_are_emailed_to_the_owner_and_leads_once(cast):
    action = _overdue(cast, what="Publish the engagement strategy")
    finished = _overdue(cast, what="Already done")
    services.action_status(action=finished, by=cast.lead_a, status="done")
    _overdue(cast, days=40, what="Long overdue")
    today = timezone.localdate()
    assert reminders.run(today)["improvement actions overdue"] == 2
    sent = Notification.objects.filter(kind="action_overdue")
    assert {n.recipient for n in sent} == {cast.contributor_a, cast.lead_a}
    assert all("Publish the engagement strategy" in n.body_text for n in sent)
    assert all(n.link.endswith(f"/improvement/#action-{action.pk}") for n in sent)
    assert reminders.run(today)["improvement actions overdue"] == 0
    # A new due date, passed in its turn, is reminded of again.
    Action.objects.filter(pk=action.pk).update(due_on=today - datetime.timedelta(days=1))
    assert reminders.run(today)["improvement actions overdue"] == 2


def test_overdue_actions_are_on_the_owners_and_leads_home_pages(client, cast):
    _overdue(cast, what="Publish the engagement strategy")
    add(cast, what="Not due yet")
    for person in (cast.lead_a, cast.contributor_a):
        client.force_login(person)
        page = text_of(client.get(reverse("home")))
        assert "Overdue improvement actions" in page
        assert "Publish the engagement strategy" in page and "Not due yet" not in page
    assert "You own it." in text_of(client.get(reverse("home")))
    for person in (cast.viewer_a, cast.lead_b):
        client.force_login(person)
        assert "Overdue improvement actions" not in text_of(client.get(reverse("home")))
