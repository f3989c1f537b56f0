"""Moderation by a second assessor, per principle."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews import services
from reviews.models import PrincipleModeration, ReviewEvent
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review, score_all, second_assessor, workspace

pytestmark = pytest.mark.django_db


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _scored(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)  # assigned to cast.assessor
    score_all(assessment, cast.assessor, 3)
    return assessment


def test_second_assessor_agrees(client, cast):
    assessment = _scored(cast)
    other = second_assessor()
    client.force_login(other)
    url = reverse("review_moderate", kwargs=_kw(assessment, number=1))
    assert client.post(url, {"moderation": "agree", "reason": ""}).status_code == 302
    row = PrincipleModeration.objects.get()
    assert (row.agrees, row.reviewed_score, row.moderator) == (True, 3, other)
    assert workspace(assessment).principles[0].final == 3
    page = client.get(reverse("review_principle", kwargs=_kw(assessment, number=1))).content.decode()
    assert "agreed with the score of 3" in page


def test_moderated_score_with_a_reason_stands(client, cast):
    assessment = _scored(cast)
    other = second_assessor()
    client.force_login(other)
    url = reverse("review_moderate", kwargs=_kw(assessment, number=2))
    response = client.post(url, {"moderation": "2", "reason": " "})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    response = client.post(url, {"moderation": "", "reason": "Typed reason kept"})
    assert response.status_code == 400 and "Typed reason kept" in response.content.decode()
    assert client.post(url, {"moderation": "2", "reason": "Evidence is thin"}).status_code == 302
    assert workspace(assessment).principles[1].final == 2
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.MODERATED, subject="2").exists()


def test_the_assigned_assessor_cannot_moderate_their_own_review(client, cast):
    assessment = _scored(cast)
    with pytest.raises(PermissionDenied):
        services.moderate(
            assessment=assessment, principle_number=1, by=cast.assessor, agrees=True, score=None, reason=""
        )
    client.force_login(cast.assessor)
    page = client.get(reverse("review_principle", kwargs=_kw(assessment, number=1))).content.decode()
    assert "A second assessor moderates" in page


def test_moderation_needs_scores_and_an_assessor(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    other = second_assessor()
    with pytest.raises(ValidationError):
        services.moderate(
            assessment=assessment, principle_number=1, by=other, agrees=True, score=None, reason=""
        )
    with pytest.raises(PermissionDenied):
        services.moderate(
            assessment=assessment, principle_number=1, by=cast.lead_a, agrees=True, score=None, reason=""
        )


def test_a_second_assessor_has_a_moderation_entry_naming_whose_scores_it_shows(client, cast):
    assessment = _scored(cast)
    cast.assessor.first_name, cast.assessor.last_name = "Laura", "Evans"
    cast.assessor.save()
    other = second_assessor()
    url = reverse("review_moderate", kwargs=_kw(assessment, number=3))
    workspace_url = reverse("review_workspace", kwargs=_kw(assessment))
    # The review's own assessor is not offered it, and its page has no form for them.
    client.force_login(cast.assessor)
    assert f'href="{url}"' not in client.get(workspace_url).content.decode()
    page = client.get(url).content.decode()
    assert "You are this review's assessor" in page and 'name="moderation"' not in page
    # A second assessor finds "Moderate principle 3" in the workspace.
    client.force_login(other)
    page = client.get(workspace_url).content.decode()
    assert f'<a class="govuk-link" href="{url}">Moderate principle 3</a>' in page
    page = client.get(url).content.decode()
    assert "Moderate principle 3:" in page
    assert "Laura Evans's scores" in page
    assert "Assessor&#x27;s view of 3.1." in page  # the first assessor's rationale
    assert 'name="moderation"' in page
    assert client.post(url, {"moderation": "2", "reason": "Thin evidence"}).status_code == 302
    page = client.get(workspace_url).content.decode()
    assert "Moderated to 2 by Sam Second" in page
