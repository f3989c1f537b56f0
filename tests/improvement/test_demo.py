"""The demo's improvement plan (seed_demo): Northmoor's 2025/26 self-assessment and CQC's outcome
became actions, some done, carried into its 2026/27 self-assessment; seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from improvement.models import Action, SuggestionDecision
from tests.improvement.helpers import text_of

pytestmark = pytest.mark.django_db


def test_seed_demo_carries_northmoors_plan_into_2026_27(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Action.objects.count()
    call_command("seed_demo")
    assert Action.objects.count() == count == 4
    assert set(Action.objects.values_list("status", flat=True)) == {
        "done",
        "in_progress",
        "planned",
        "dropped",
    }
    assert Action.objects.filter(source="cqc").count() == 2
    assert SuggestionDecision.objects.filter(decision="declined").count() == 1
    assert {a.assessment.cycle.slug for a in Action.objects.all()} == {"2025-26"}

    client.force_login(get_user_model().objects.get(username="lead.northmoor"))
    plan = text_of(client.get(reverse("improvement_plan", kwargs={"code": "QZ1"})))
    assert "CQC's areas for improvement" in plan and "Declined" in plan
    page = text_of(
        client.get(
            reverse("assessment_criterion", kwargs={"code": "QZ1", "cycle": "2026-27", "criterion": "1.1"})
        )
    )
    assert "Improvement action for 1.1 from earlier cycles" in page
    assert "Every board since June has had the item" in page
    check = text_of(client.get(reverse("assessment_check", kwargs={"code": "QZ1", "cycle": "2026-27"})))
    assert "improvement action" in check and "no update this cycle" in check
    overview = text_of(client.get(reverse("assessment_overview", kwargs={"code": "QZ1", "cycle": "2026-27"})))
    assert "4 actions from earlier cycles: 1 done, 1 in progress, 1 planned, 1 dropped." in overview
    # The overdue action is on the lead's home page, and on its owner's.
    assert "Overdue improvement actions" in text_of(client.get(reverse("home")))
    client.force_login(get_user_model().objects.get(username="contributor.healthwatch"))
    assert "Recruit young people" in text_of(client.get(reverse("home")))
