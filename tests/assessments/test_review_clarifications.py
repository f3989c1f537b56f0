"""CQC's questions: asked during the review, sent by returning the assessment, answered by the
organisation beside its criteria, then a resubmission and what changed between the two."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services as sa_services
from assessments.models import Assessment, CriterionResponse, Transition
from reviews import services
from reviews.changes import compare
from reviews.models import Clarification, ReviewEvent
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review

pytestmark = pytest.mark.django_db

LONG = "Why? " * 3000  # well past any usual cap: questions have none


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _return_form(comment: str = "", days: int = 14) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "comment": comment,
        "reply-by-day": day.day,
        "reply-by-month": day.month,
        "reply-by-year": day.year,
    }


def _returned_with_questions(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    url = reverse("review_question", kwargs=_kw(assessment))
    client.post(url, {"question": "Which board minutes show this?", "criterion": "1.1"})
    client.post(url, {"question": "How do you reach seldom-heard groups?", "principle": "2"})
    response = client.post(reverse("review_return", kwargs=_kw(assessment)), _return_form())
    assert response.status_code == 302
    assessment.refresh_from_db()
    return assessment


def test_questions_are_drafted_then_sent_on_return(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    response = client.post(
        reverse("review_question", kwargs=_kw(assessment)), {"question": LONG, "criterion": "1.1"}
    )
    assert response.status_code == 302
    question = Clarification.objects.get()
    assert question.body == LONG.strip() and question.sent_at is None and question.from_cqc
    # Not sent yet: the organisation does not see it.
    client.force_login(cast.lead_a)
    page = client.get(reverse("assessment_questions", kwargs=_kw(assessment))).content.decode()
    assert "Why?" not in page
    client.force_login(cast.assessor)
    client.post(reverse("review_return", kwargs=_kw(assessment)), _return_form())
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED
    transition = Transition.objects.filter(assessment=assessment).last()
    assert transition.to_status == "returned" and "1 question" in transition.comment
    assert Clarification.objects.get().sent_at is not None
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.RETURNED).exists()


def test_returning_with_nothing_to_ask_is_refused(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    response = client.post(reverse("review_return", kwargs=_kw(assessment)), _return_form("  "))
    assert response.status_code == 400
    assert "Ask at least one question" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW


def test_empty_question_keeps_the_page_and_says_why(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    response = client.post(
        reverse("review_question", kwargs=_kw(assessment)), {"question": " ", "principle": "1"}
    )
    assert response.status_code == 400 and "Write your question" in response.content.decode()


def test_questions_need_the_review_started(cast):
    assessment = helpers.submitted(cast)
    with pytest.raises(ValidationError):
        services.question_ask(assessment=assessment, by=cast.assessor, body="Why?")


def test_organisation_sees_questions_beside_criteria_and_answers(client, cast):
    assessment = _returned_with_questions(client, cast)
    client.force_login(cast.contributor_a)
    overview = client.get(reverse("assessment_overview", kwargs=_kw(assessment))).content.decode()
    assert "Which board minutes show this?" in overview and "seldom-heard" in overview
    criterion = client.get(reverse("assessment_criterion", kwargs=_kw(assessment, criterion="1.1"))).content
    assert b"Which board minutes show this?" in criterion and b"seldom-heard" not in criterion
    question = Clarification.objects.get(criterion_code="1.1")
    url = reverse("assessment_questions", kwargs=_kw(assessment))
    # An empty answer is refused; nothing typed elsewhere is lost.
    assert client.post(url, {"question": question.pk, "body": " "}).status_code == 400
    response = client.post(url, {"question": question.pk, "body": "Minutes of 12 March, item 4."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_at is not None
    reply = question.replies.get()
    assert (reply.author, reply.from_cqc) == (cast.contributor_a, False)
    # The assessor sees the answer in the thread.
    client.force_login(cast.assessor)
    assert (
        "Minutes of 12 March"
        in client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    )


def test_who_may_see_and_answer_the_organisations_questions_page(client, cast):
    assessment = _returned_with_questions(client, cast)
    question = Clarification.objects.filter(parent=None).first()
    url = reverse("assessment_questions", kwargs=_kw(assessment))
    client.force_login(cast.viewer_a)
    assert client.get(url).status_code == 200
    assert client.post(url, {"question": question.pk, "body": "Viewer"}).status_code == 403
    for person in (cast.lead_b, cast.assessor, cast.outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"question": question.pk, "body": "Not mine"}).status_code == 404
    assert not Clarification.objects.filter(body__in=["Viewer", "Not mine"]).exists()


def test_assessor_cannot_reply_as_the_organisation_and_organisation_not_as_cqc(client, cast):
    assessment = _returned_with_questions(client, cast)
    question = Clarification.objects.filter(parent=None).first()
    services.question_reply(question=question, by=cast.assessor, body="To add: page numbers please.")
    assert question.replies.get().from_cqc is True
    question.refresh_from_db()
    assert question.answered_at is None  # CQC's own reply does not answer it
    with pytest.raises(PermissionDenied):
        services.question_reply(question=question, by=cast.lead_b, body="Other organisation")
    client.force_login(cast.lead_a)
    assert (
        client.post(
            reverse("review_reply", kwargs=_kw(assessment, question_id=question.pk)), {"body": "x"}
        ).status_code
        == 403
    )


def _answer_every_question(assessment, by) -> None:
    """A resubmission needs an answer to each of CQC's questions."""
    for question in Clarification.objects.filter(assessment=assessment, parent=None, sent_at__isnull=False):
        services.question_reply(question=question, by=by, body=f"Our answer on {question.subject}.")


def test_answers_only_while_returned(client, cast):
    assessment = _returned_with_questions(client, cast)
    _answer_every_question(assessment, cast.lead_a)
    helpers.submit(assessment, cast.lead_a, reply="We answered in the threads.")
    question = Clarification.objects.filter(parent=None).first()
    with pytest.raises(ValidationError):
        services.question_reply(question=question, by=cast.lead_a, body="Too late")


def test_resubmission_shows_what_changed(client, cast):
    assessment = _returned_with_questions(client, cast)
    response = CriterionResponse.objects.get(assessment=assessment, criterion__code="1.1")
    sa_services.response_save(
        response=response, by=cast.lead_a, expected_version=response.version,
        score=4, not_evidenced=False, narrative="Our evidence clearly shows this, see the March minutes.",
    )  # fmt: skip
    _answer_every_question(assessment, cast.lead_a)
    helpers.submit(assessment, cast.lead_a, reply="We added the minutes.")
    assessment.refresh_from_db()
    assert assessment.submissions.count() == 2
    client.force_login(cast.assessor)
    workspace = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assert 'id="changes-link"' in workspace
    page = client.get(reverse("review_changes", kwargs=_kw(assessment))).content.decode()
    assert "We added the minutes." in page
    assert re.search(r"<del>[^<]*3[^<]*</del> → <ins>[^<]*4[^<]*</ins>", page)
    assert re.search(r"<ins>[^<]*clearly[^<]*</ins>", page)
    assert 'id="change-1.2"' not in page
    # Only one submission: no comparison.
    other = helpers.start(cast, organisation=cast.org_b, lead=cast.lead_b)
    helpers.answer_all(other)
    helpers.submit(other, cast.lead_b)
    assert client.get(reverse("review_changes", kwargs=_kw(other))).status_code == 404


def test_compare_reports_citations_added_and_removed():
    old = {
        "principles": [
            {
                "criteria": [
                    {
                        "code": "1.1",
                        "score": 2,
                        "narrative": "a",
                        "citations": [{"sha256": "x", "title": "Old"}],
                    }
                ]
            }
        ]
    }
    new = {
        "principles": [
            {
                "criteria": [
                    {
                        "code": "1.1",
                        "score": 2,
                        "narrative": "a",
                        "citations": [{"sha256": "y", "title": "New"}],
                    }
                ]
            }
        ]
    }
    (change,) = compare(old, new)
    assert not change.score_changed and change.narrative is None
    assert [c["title"] for c in change.added] == ["New"] and [c["title"] for c in change.removed] == ["Old"]
    assert compare(new, new) == []
