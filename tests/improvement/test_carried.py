"""Carried forward (issue 18, part 2): the next cycle's self-assessment shows last cycle's open
and recently finished actions beside their criteria and asks how each went; check your answers
lists those with no update this cycle; the overview shows the plan's progress."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.models import Action, ProgressUpdate
from tests.assessments.helpers import open_cycle, start
from tests.improvement.helpers import add, text_of

pytestmark = pytest.mark.django_db


def _page(cast, name: str, assessment, **extra) -> str:
    return reverse(name, kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug, **extra})


def _two_cycles(cast):
    evaluate = add(cast, "Evaluate every engagement against its aims", codes=("7.1", "1.1"))
    done = add(cast, "Name a board lead for engagement", codes=("1.1",), owner=cast.lead_a)
    services.action_status(action=done, by=cast.lead_a, status="done")
    other = add(cast, "Publish an accessible information standard", codes=("6.1",))
    old = add(cast, "Dropped two years ago", codes=("1.1",))
    services.action_status(action=old, by=cast.lead_a, status="dropped", reason="Replaced")
    Action.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=800))
    services.progress_add(action=evaluate, by=cast.lead_a, body="Written last cycle")
    nxt = start(cast, open_cycle())
    return nxt, evaluate, done, other


def test_criterion_pages_show_last_cycles_actions_and_ask_how_they_went(client, cast):
    nxt, evaluate, _done, _other = _two_cycles(cast)
    client.force_login(cast.contributor_a)
    page = text_of(client.get(_page(cast, "assessment_criterion", nxt, criterion="1.1")))
    assert "Improvement actions for 1.1 from earlier cycles" in page
    assert "Evaluate every engagement against its aims" in page
    assert "Name a board lead for engagement" in page  # finished recently: still shown
    assert "Dropped two years ago" not in page  # finished long ago
    assert "Publish an accessible information standard" not in page  # another criterion's
    assert "No update this cycle" in page  # the update was written before this cycle began
    # How did it go: the progress page, and back to the criterion.
    html = client.get(_page(cast, "assessment_criterion", nxt, criterion="1.1")).content.decode()
    link = f"/organisations/{cast.org_a.code}/improvement/actions/{evaluate.pk}/progress/?back=2026-27:1.1"
    assert link in html
    assert "Back to the criterion" in client.get(link).content.decode()
    response = client.post(
        link, {"body": "Evaluated all six spring events", "status": "done", "back": "2026-27:1.1"}
    )
    assert response.status_code == 302
    assert response["Location"] == _page(cast, "assessment_criterion", nxt, criterion="1.1")
    page = text_of(client.get(response["Location"]))
    assert "Progress update saved." in page and "Updated this cycle" in page
    assert "Evaluated all six spring events" in page
    # 6.1's page shows the other action; 2.1's shows none.
    assert "Publish an accessible information standard" in text_of(
        client.get(_page(cast, "assessment_criterion", nxt, criterion="6.1"))
    )
    assert "from earlier cycles" not in text_of(
        client.get(_page(cast, "assessment_criterion", nxt, criterion="2.1"))
    )


def test_a_back_address_is_only_ever_a_criterion_page(client, cast):
    _nxt, evaluate, *_ = _two_cycles(cast)
    client.force_login(cast.lead_a)
    url = reverse("improvement_action_progress", kwargs={"code": cast.org_a.code, "action_id": evaluate.pk})
    response = client.post(url, {"body": "x", "status": "in_progress", "back": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("improvement_plan", kwargs={"code": cast.org_a.code}))


def test_viewers_see_the_actions_but_are_not_asked(client, cast):
    nxt, *_ = _two_cycles(cast)
    client.force_login(cast.viewer_a)
    page = text_of(client.get(_page(cast, "assessment_criterion", nxt, criterion="1.1")))
    assert "Evaluate every engagement against its aims" in page
    assert "Say how it went" not in page


def test_check_your_answers_lists_actions_with_no_update_this_cycle(client, cast):
    nxt, _evaluate, done, other = _two_cycles(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(_page(cast, "assessment_check", nxt)))
    assert "3 improvement actions have no update this cycle" in page
    services.progress_add(action=other, by=cast.lead_a, body="Standard drafted", status="in_progress")
    services.progress_add(action=done, by=cast.lead_a, body="The board lead reports quarterly", status="done")
    page = text_of(client.get(_page(cast, "assessment_check", nxt)))
    assert "1 improvement action has no update this cycle" in page
    assert "Evaluate every engagement against its aims" in page
    assert "Standard drafted" not in page


def test_the_overview_shows_the_plans_progress_beside_the_earlier_cycle(client, cast):
    nxt, _evaluate, _done, _other = _two_cycles(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(_page(cast, "assessment_overview", nxt)))
    assert "3 actions from earlier cycles: 1 done, 0 in progress, 2 planned." in page
    assert "3 have no update this cycle" in page
    assert "Actions from earlier cycles, by principle (beside the 2025/26 scores above)" in page
    # Each row names its principle, as the scores table above it does.
    assert "1. Strong leadership 2 1 1" in page
    assert "7. Learning and improving over time 1 0 1" in page


def test_the_criterion_page_reads_the_actions_in_a_fixed_number_of_queries(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nxt, evaluate, *_ = _two_cycles(cast)
    client.force_login(cast.lead_a)
    url = _page(cast, "assessment_criterion", nxt, criterion="1.1")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        action = Action.objects.create(
            **{
                f.attname: getattr(evaluate, f.attname)
                for f in Action._meta.concrete_fields
                if f.attname not in {"id", "what"}
            },
            what=f"Action {n}",
        )
        ProgressUpdate.objects.create(action=action, body="Going well", by=cast.lead_a, at=timezone.now())
    assert count() == few
