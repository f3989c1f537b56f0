"""A confirmation is shown where the person lands (issue 20): after a form that returns them to a
place further down a long page, the success message is beside that place, focusable, and the
address's fragment is the message itself, so the browser scrolls to it and focuses it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Clarification, FactualAccuracyComment
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review, score_all

pytestmark = pytest.mark.django_db


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def confirmed_beside(response, place: str, text: str, before: str) -> None:
    """Followed to the page: its address ends in the banner's id; the banner, focusable, holds
    the message and comes just before `before`; the message is nowhere else on the page."""
    url, status = response.redirect_chain[-1]
    assert status == 302 and url.endswith(f"#{place}-message"), url
    page = response.content.decode()
    banner = re.search(rf'<div class="govuk-notification-banner[^"]*"[^>]*id="{place}-message"[^>]*>', page)
    assert banner is not None, f"no banner for {place}"
    assert 'tabindex="-1"' in banner.group(0) and 'role="alert"' in banner.group(0)
    assert page.count(text) == 1
    start = banner.start()
    assert start < page.index(text) < page.index(before, start)
    # Nothing comes between the banner and what it confirms but the banner itself.
    assert page.count("govuk-notification-banner__content", start, page.index(before, start)) == 1


def test_a_reply_to_a_question_is_confirmed_beside_its_thread(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    question = services.question_ask(
        assessment=assessment, by=cast.assessor, criterion_code="1.1", body="Which minutes show this?"
    )
    Clarification.objects.filter(pk=question.pk).update(sent_at=timezone.now())
    client.force_login(cast.assessor)
    url = reverse("review_reply", kwargs=_kw(assessment, question_id=question.pk))
    response = client.post(url, {"body": "And the page, please."}, follow=True)
    confirmed_beside(response, f"question-{question.pk}", "Reply saved.", f'id="question-{question.pk}"')


def test_a_question_for_the_whole_assessment_is_confirmed_beside_the_questions(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    url = reverse("review_question", kwargs=_kw(assessment))
    response = client.post(url, {"question": "Who signed this off?"}, follow=True)
    confirmed_beside(response, "questions", "Question saved.", 'id="questions"')


def test_a_response_to_a_factual_accuracy_comment_is_confirmed_beside_it(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"Summary {n}." for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    comment = services.fa_comment_add(assessment=assessment, by=cast.lead_a, body="It met three times.")
    client.force_login(cast.assessor)
    url = reverse("review_fa_respond", kwargs=_kw(assessment, comment_id=comment.pk))
    response = client.post(url, {"response": "Corrected."}, follow=True)
    confirmed_beside(response, f"comment-{comment.pk}", "Response saved.", f'id="comment-{comment.pk}"')
    assert FactualAccuracyComment.objects.get().response == "Corrected."


def test_the_organisations_answer_to_a_question_is_confirmed_beside_it(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    question = services.question_ask(
        assessment=assessment, by=cast.assessor, criterion_code="1.1", body="Which minutes show this?"
    )
    services.assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    client.force_login(cast.lead_a)
    url = reverse("assessment_questions", kwargs=_kw(assessment))
    response = client.post(url, {"question": question.pk, "body": "Item 4 of March's."}, follow=True)
    confirmed_beside(
        response, f"question-{question.pk}", "Your answer has been saved.", f'id="question-{question.pk}"'
    )


def test_a_score_is_confirmed_beside_its_principle(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion="2.1"))
    response = client.post(url, {"score": "3", "rationale": "Plans state it.", "version": "0"}, follow=True)
    confirmed_beside(response, "principle-2", "Score for 2.1 saved.", 'id="principle-2"')
