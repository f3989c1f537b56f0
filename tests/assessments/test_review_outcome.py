"""The draft outcome, factual-accuracy comments and finalising."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Transition
from reviews import services
from reviews.models import FactualAccuracyComment, Outcome, Review
from tests.assessments import helpers
from tests.assessments.review_helpers import codes, in_review, score_all

pytestmark = pytest.mark.django_db

SECRET = "CQC-only: chair seemed unprepared"


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _share_form(assessment, deadline=None, **summaries):
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=14)
    data = {f"summary-{n}": summaries.get(f"s{n}", f"Summary of principle {n}.") for n in range(1, 9)}
    data.update(
        {"deadline-day": deadline.day, "deadline-month": deadline.month, "deadline-year": deadline.year}
    )
    return data


def _scored(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    services.notes_save(assessment=assessment, by=cast.assessor, expected_version=0, notes=SECRET)
    return assessment


def test_sharing_needs_every_criterion_scored(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    response = client.post(
        reverse("review_outcome", kwargs=_kw(assessment)), _share_form(assessment, s1="Kept")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Score every criterion first" in page and "Kept" in page
    assert not Outcome.objects.exists()


def test_bad_deadline_or_missing_summary_is_refused_keeping_words(client, cast):
    assessment = _scored(cast)
    client.force_login(cast.assessor)
    url = reverse("review_outcome", kwargs=_kw(assessment))
    data = _share_form(assessment, s1="Typed summary")
    data["deadline-month"] = "13"
    response = client.post(url, data)
    assert response.status_code == 400 and "Enter a real date" in response.content.decode()
    assert "Typed summary" in response.content.decode()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert client.post(url, _share_form(assessment, yesterday)).status_code == 400
    data = _share_form(assessment)
    data["summary-3"] = " "
    response = client.post(url, data)
    assert response.status_code == 400 and "Missing: 3" in response.content.decode()


def test_draft_shared_then_comment_response_and_finalise(client, cast):
    assessment = _scored(cast)
    client.force_login(cast.assessor)
    assert (
        client.post(reverse("review_outcome", kwargs=_kw(assessment)), _share_form(assessment)).status_code
        == 302
    )
    # The organisation sees the draft, never CQC's notes, and comments.
    client.force_login(cast.lead_a)
    url = reverse("assessment_outcome", kwargs=_kw(assessment))
    page = client.get(url).content.decode()
    assert "Draft outcome" in page and "Summary of principle 1." in page and SECRET not in page
    assert "Assessor&#x27;s view of" not in page and "Assessor's view of" not in page
    overview = client.get(reverse("assessment_overview", kwargs=_kw(assessment))).content.decode()
    assert "See the draft outcome" in overview and SECRET not in overview
    assert client.post(url, {"comment": " "}).status_code == 400
    assert (
        client.post(url, {"comment": "The March meeting was in April.", "principle": "2"}).status_code == 302
    )
    comment = FactualAccuracyComment.objects.get()
    assert (comment.principle_number, comment.author) == (2, cast.lead_a)
    # Finalising with an unanswered comment is refused.
    client.force_login(cast.assessor)
    response = client.post(reverse("review_finalise", kwargs=_kw(assessment)))
    assert (
        response.status_code == 400
        and "Respond to every factual-accuracy comment" in response.content.decode()
    )
    respond = reverse("review_fa_respond", kwargs=_kw(assessment, comment_id=comment.pk))
    assert client.post(respond, {"response": " "}).status_code == 400
    assert client.post(respond, {"response": "Corrected to April."}).status_code == 302
    assert client.post(reverse("review_finalise", kwargs=_kw(assessment))).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSESSED
    t = Transition.objects.filter(assessment=assessment).last()
    assert (t.from_status, t.to_status, t.by) == ("in_review", "assessed", cast.assessor)
    outcome = Outcome.objects.get()
    assert outcome.final["rating"] and outcome.finalised_by == cast.assessor
    # The final outcome is read-only and shown to the organisation, without CQC's notes.
    client.force_login(cast.viewer_a)
    page = client.get(url).content.decode()
    assert "CQC&#x27;s outcome" in page or "CQC's outcome" in page
    assert "Corrected to April." in page and SECRET not in page
    assert client.post(url, {"comment": "Late"}).status_code == 403
    client.force_login(cast.lead_a)
    assert client.post(url, {"comment": "After final"}).status_code == 400
    # Scores can no longer change.
    with pytest.raises(ValidationError):
        services.score_save(
            assessment=assessment, criterion_code=codes(assessment)[0], by=cast.assessor,
            expected_version=1, score=1, not_evidenced=False, rationale="",
        )  # fmt: skip


def test_finalising_with_unscored_criteria_is_refused(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    with pytest.raises(ValidationError, match="Score every criterion first"):
        services.outcome_finalise(assessment=assessment, by=cast.assessor)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW


def test_finalising_before_a_draft_is_shared_is_refused(cast):
    assessment = _scored(cast)
    with pytest.raises(ValidationError, match="Share a draft outcome"):
        services.outcome_finalise(assessment=assessment, by=cast.assessor)


def test_comments_close_after_the_deadline(cast):
    assessment = _scored(cast)
    outcome = services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): "S" for n in range(1, 9)},
        fa_deadline=timezone.localdate(),
    )
    services.fa_comment_add(assessment=assessment, by=cast.contributor_a, body="On the deadline day")
    Outcome.objects.filter(pk=outcome.pk).update(
        fa_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="closed"):
        services.fa_comment_add(assessment=assessment, by=cast.lead_a, body="Too late")


def test_who_may_comment(client, cast):
    assessment = _scored(cast)
    services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): "S" for n in range(1, 9)},
        fa_deadline=timezone.localdate(),
    )
    for person in (cast.viewer_a, cast.assessor, cast.lead_b):
        with pytest.raises(PermissionDenied):
            services.fa_comment_add(assessment=assessment, by=person, body="No")
    url = reverse("assessment_outcome", kwargs=_kw(assessment))
    for person in (cast.lead_b, cast.assessor):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_no_outcome_page_before_one_is_shared(client, cast):
    assessment = _scored(cast)
    client.force_login(cast.lead_a)
    assert client.get(reverse("assessment_outcome", kwargs=_kw(assessment))).status_code == 404
    assert Review.objects.get(assessment=assessment).cqc_notes == SECRET
