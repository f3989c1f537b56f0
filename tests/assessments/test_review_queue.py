"""The review queue's due dates and waiting times, the return's reply-by date, and assigning a
review (issue 13, item 12)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Transition
from reviews import services
from reviews.models import Outcome, Review
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review, score_all, second_assessor

pytestmark = pytest.mark.django_db


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _date_form(day: datetime.date, comment: str = "") -> dict:
    return {
        "comment": comment,
        "reply-by-day": day.day,
        "reply-by-month": day.month,
        "reply-by-year": day.year,
    }


def _row(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 12, 4)
    assert services.add_working_days(friday, 1) == datetime.date(2026, 12, 7)  # Monday
    assert services.add_working_days(friday, 10) == datetime.date(2026, 12, 18)
    wednesday = datetime.date(2026, 12, 2)
    assert services.add_working_days(wednesday, 10) == datetime.date(2026, 12, 16)


def test_return_form_suggests_ten_working_days_and_refuses_the_past(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    services.question_ask(
        assessment=assessment, by=cast.assessor, body="Which minutes?", criterion_code="1.1"
    )
    client.force_login(cast.assessor)
    url = reverse("review_return", kwargs=_kw(assessment))
    suggested = services.add_working_days(timezone.localdate(), 10)
    page = client.get(url).content.decode()
    assert f'name="reply-by-day" type="text" inputmode="numeric" value="{suggested.day}"' in page
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, _date_form(yesterday, "Kept message"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The reply-by date must be today or in the future" in page and "Kept message" in page
    assert 'href="#reply-by-day"' in page
    response = client.post(
        url, {"comment": "x", "reply-by-day": "31", "reply-by-month": "2", "reply-by-year": "2027"}
    )
    assert response.status_code == 400 and "Enter a real date" in response.content.decode()
    chosen = timezone.localdate() + datetime.timedelta(days=21)
    assert client.post(url, _date_form(chosen)).status_code == 302
    assert Review.objects.get(assessment=assessment).reply_by == chosen


def test_the_organisation_sees_the_reply_by_date_beside_the_questions(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    services.question_ask(
        assessment=assessment, by=cast.assessor, body="Which minutes?", criterion_code="1.1"
    )
    chosen = datetime.date(2030, 1, 15)
    services.assessment_return_with_questions(assessment=assessment, by=cast.assessor, reply_by=chosen)
    client.force_login(cast.contributor_a)
    questions = client.get(reverse("assessment_questions", kwargs=_kw(assessment))).content.decode()
    assert "Please reply by 15 January 2030" in questions
    overview = client.get(reverse("assessment_overview", kwargs=_kw(assessment))).content.decode()
    assert "Please reply by 15 January 2030" in overview


def test_queue_marks_resubmissions_days_waiting_and_what_is_due(client, cast):
    returned = in_review(helpers.submitted(cast), cast.assessor)
    services.question_ask(assessment=returned, by=cast.assessor, body="Which minutes?", criterion_code="1.1")
    overdue = timezone.localdate() - datetime.timedelta(days=2)
    services.assessment_return_with_questions(
        assessment=returned, by=cast.assessor, reply_by=timezone.localdate()
    )
    Review.objects.filter(assessment=returned).update(reply_by=overdue)
    # Returned five days ago.
    Transition.objects.filter(assessment=returned, to_status="returned").update(
        at=timezone.now() - datetime.timedelta(days=5)
    )
    client.force_login(cast.assessor)
    page = client.get(reverse("review_queue")).content.decode()
    row = _row(page, cast.org_a.name)
    assert "With the organisation for 5 days" in row
    assert "Overdue" in row and f"reply was due {overdue.day}" in row
    assert "Resubmission" not in row
    # Resubmitted (every question answered first): marked, and waiting on CQC again.
    for question in services.sent_questions(returned):
        services.question_reply(question=question, by=cast.lead_a, body="The minutes of 12 March.")
    helpers.submit(returned, cast.lead_a, reply="We answered on 1.1.")
    row = _row(client.get(reverse("review_queue")).content.decode(), cast.org_a.name)
    assert "Resubmission 2" in row and "With CQC for 0 days" in row


def test_queue_shows_the_factual_accuracy_deadline_and_sorts_by_what_is_due(client, cast):
    first = in_review(helpers.submitted(cast), cast.assessor)
    score_all(first, cast.assessor)
    deadline = timezone.localdate() + datetime.timedelta(days=9)
    services.outcome_share(
        assessment=first, by=cast.assessor, summaries={str(n): "S" for n in range(1, 9)}, fa_deadline=deadline
    )
    second = helpers.start(cast, organisation=cast.org_b, lead=cast.lead_b)
    helpers.answer_all(second)
    helpers.cite_everywhere(second, cast.lead_b)
    helpers.submit(second, cast.lead_b)
    second = in_review(second, cast.assessor)
    services.question_ask(assessment=second, by=cast.assessor, body="Who?", criterion_code="1.1")
    soon = timezone.localdate() + datetime.timedelta(days=2)
    services.assessment_return_with_questions(assessment=second, by=cast.assessor, reply_by=soon)
    client.force_login(cast.assessor)
    url = reverse("review_queue")
    page = client.get(url, {"sort": "due"}).content.decode()
    assert "Factual-accuracy comments due" in _row(page, cast.org_a.name)
    assert page.index(cast.org_b.name) < page.index(cast.org_a.name)  # due soonest first
    Review.objects.filter(assessment=second).update(reply_by=deadline + datetime.timedelta(days=1))
    page = client.get(url, {"sort": "due"}).content.decode()
    assert page.index(cast.org_a.name) < page.index(cast.org_b.name)
    assert Outcome.objects.count() == 1


def test_assign_to_me_is_offered_only_on_unassigned_rows(client, cast):
    assessment = helpers.submitted(cast)
    other = second_assessor()
    client.force_login(cast.assessor)
    assign = reverse("review_assign", kwargs=_kw(assessment))
    assert f'action="{assign}"' in client.get(reverse("review_queue")).content.decode()
    services.review_assign(assessment=assessment, by=other, assignee=other)
    page = client.get(reverse("review_queue")).content.decode()
    assert f'action="{assign}"' not in page and "Assign to me" not in page
    # A stale "Assign to me" (the row was unassigned when the page was shown) takes nothing.
    response = client.post(assign, {"assignee": cast.assessor.pk, "current": "none"}, follow=True)
    assert "in the meantime" in response.content.decode()
    assert Review.objects.get(assessment=assessment).assigned_to == other


def test_reassigning_is_a_separate_confirmed_step(client, cast):
    assessment = helpers.submitted(cast)
    other = second_assessor()
    services.review_assign(assessment=assessment, by=other, assignee=other)
    client.force_login(cast.assessor)
    workspace = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assign = reverse("review_assign", kwargs=_kw(assessment))
    assert f'href="{assign}"' in workspace and f'action="{assign}"' not in workspace
    page = client.get(assign).content.decode()
    assert "Sam Second" in page and "Reassign" in page
    assert f'name="current" value="{other.pk}"' in page
    response = client.post(assign, {"assignee": cast.assessor.pk, "current": other.pk, "back": "workspace"})
    assert response.status_code == 302
    assert Review.objects.get(assessment=assessment).assigned_to == cast.assessor
    with pytest.raises(ValidationError, match="in the meantime"):
        services.review_assign(assessment=assessment, by=other, assignee=other, expected=other.pk)
