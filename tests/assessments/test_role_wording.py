"""Role-correct wording (issue 13, item 9): a viewer's home does not say they assess public
engagement; a contributor is told to ask a lead to resubmit, never to resubmit; CQC's outcome
page speaks of the organisation's self-assessed score, the organisation's of "your" score."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services as review_services
from reviews.models import Clarification
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review, score_all
from tests.assessments.test_pages import text_of
from tests.assessments.test_review_clarifications import _kw, _returned_with_questions

pytestmark = pytest.mark.django_db


def home_text(client, person) -> str:
    client.force_login(person)
    return text_of(client.get(reverse("home")))


def test_each_role_is_told_what_it_does_on_the_home_page(client, cast):
    viewer = home_text(client, cast.viewer_a)
    assert "You assess public engagement" not in viewer
    org = cast.org_a.name
    assert f"You can read {org}'s self-assessment of its public engagement" in viewer
    assert f"You lead {org}'s self-assessment" in home_text(client, cast.lead_a)
    assert f"You help answer {org}'s self-assessment" in home_text(client, cast.contributor_a)


def test_a_contributor_is_told_to_ask_a_lead_to_resubmit(client, cast):
    assessment = _returned_with_questions(client, cast)
    question = Clarification.objects.filter(parent=None).first()

    client.force_login(cast.contributor_a)
    overview = text_of(client.get(reverse("assessment_overview", kwargs=_kw(assessment))))
    assert "ask a lead to resubmit it" in overview
    assert "answer CQC's questions and resubmit" not in overview
    questions = text_of(client.get(reverse("assessment_questions", kwargs=_kw(assessment))))
    assert "ask a lead to resubmit it when the questions are answered" in questions
    assert "check your answers and resubmit" not in questions
    check = text_of(client.get(reverse("assessment_check", kwargs=_kw(assessment))))
    assert "Ask a lead to resubmit it when CQC's questions are answered." in check
    answered = client.post(
        reverse("assessment_questions", kwargs=_kw(assessment)),
        {"question": question.pk, "body": "The minutes of 12 March."},
        follow=True,
    )
    assert "CQC will see it when a lead resubmits the self-assessment." in text_of(answered)

    # A lead is offered the way to resubmit.
    client.force_login(cast.lead_a)
    overview = text_of(client.get(reverse("assessment_overview", kwargs=_kw(assessment))))
    assert "answer CQC's questions and resubmit" in overview
    assert "ask a lead" not in overview
    questions = text_of(client.get(reverse("assessment_questions", kwargs=_kw(assessment))))
    assert "check your answers and resubmit" in questions


def test_cqcs_outcome_page_speaks_of_the_organisations_self_assessed_score(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 2)
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"Summary {n}" for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(cast.lead_a)
    own = text_of(client.get(reverse("assessment_outcome", kwargs=_kw(assessment))))
    assert "Your self-assessed score: 3 of 4" in own
    # CQC's page shows the final outcome with the table; finalise through the service.
    review_services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="Test: early.")
    client.force_login(cast.assessor)
    cqc = text_of(client.get(reverse("review_outcome", kwargs=_kw(assessment))))
    assert "The organisation's self-assessed score: 3 of 4" in cqc
    assert "Your self-assessed score" not in cqc
