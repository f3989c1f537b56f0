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
    page = response.content.decode()
    assert 'href="#summary-3"' in page  # the error summary leads to the empty summary
    assert 'id="summary-3-error"' in page and 'id="summary-2-error"' not in page


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
    assert (
        client.post(
            reverse("review_finalise", kwargs=_kw(assessment)), {"reason": "The organisation has no more."}
        ).status_code
        == 302
    )
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


def _shared(cast, days: int = 14):
    assessment = _scored(cast)
    services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"Summary {n}" for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=days),
    )
    return assessment


def test_finalising_is_confirmed_on_a_page_that_says_what_will_happen(client, cast):
    assessment = _shared(cast)
    client.force_login(cast.assessor)
    outcome_page = client.get(reverse("review_outcome", kwargs=_kw(assessment))).content.decode()
    # The outcome page only leads to the confirmation: it has no form that finalises.
    finalise = reverse("review_finalise", kwargs=_kw(assessment))
    assert f'href="{finalise}"' in outcome_page and f'action="{finalise}"' not in outcome_page
    page = client.get(finalise).content.decode()
    assert "You cannot undo this." in page
    assert "can no longer send factual-accuracy comments" in page
    assert "Why are you finalising before the factual-accuracy deadline?" in page
    assert "Yes, finalise the outcome" in page
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW  # looking changes nothing


def test_finalising_before_the_deadline_needs_a_reason_which_is_recorded(client, cast):
    from audit.models import AuditEvent
    from reviews.models import ReviewEvent

    assessment = _shared(cast)
    client.force_login(cast.assessor)
    url = reverse("review_finalise", kwargs=_kw(assessment))
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "give your reason for finalising before the factual-accuracy deadline" in page
    assert 'href="#reason"' in page  # the error summary leads to the field
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW
    reason = "The lead wrote that they have no comments."
    assert client.post(url, {"reason": reason}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSESSED
    event = ReviewEvent.objects.get(kind=ReviewEvent.Kind.FINALISED)
    assert reason in event.detail and "before the factual-accuracy deadline" in event.detail
    audit = AuditEvent.objects.get(action="review.finalise")
    assert audit.detail["early"] is True and audit.detail["reason"] == reason
    assert audit.actor_id == cast.assessor.pk


def test_finalising_before_the_deadline_still_needs_every_comment_answered(cast):
    assessment = _shared(cast)
    services.fa_comment_add(assessment=assessment, by=cast.lead_a, body="Wrong month")
    with pytest.raises(ValidationError, match="Respond to every factual-accuracy comment"):
        services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="No time to wait")


def test_finalising_after_the_deadline_needs_no_reason(client, cast):
    from audit.models import AuditEvent

    assessment = _shared(cast)
    Outcome.objects.update(fa_deadline=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(cast.assessor)
    url = reverse("review_finalise", kwargs=_kw(assessment))
    assert "Why are you finalising" not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSESSED
    assert AuditEvent.objects.get(action="review.finalise").detail["early"] is False


def test_after_finalising_the_workspace_says_final_and_assignment_cannot_change(client, cast):
    from tests.assessments.review_helpers import second_assessor

    assessment = _shared(cast)
    other = second_assessor()
    services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="Agreed with the lead.")
    client.force_login(cast.assessor)
    workspace = reverse("review_workspace", kwargs=_kw(assessment))
    page = client.get(workspace).content.decode()
    status = page.split('id="outcome-status">', 1)[1].split("</dd>", 1)[0]
    assert status.startswith("<strong>Final</strong>")
    assign = reverse("review_assign", kwargs=_kw(assessment))
    assert f'action="{assign}"' not in page
    with pytest.raises(ValidationError, match="can no longer change"):
        services.review_assign(assessment=assessment, by=cast.assessor, assignee=other)
    response = client.post(assign, {"assignee": other.pk, "back": "workspace"}, follow=True)
    assert "can no longer change" in response.content.decode()
    assert Review.objects.get(assessment=assessment).assigned_to == cast.assessor
    queue = client.get(reverse("review_queue")).content.decode()
    assert f'action="{assign}"' not in queue
    # Finalising cannot happen twice.
    response = client.post(reverse("review_finalise", kwargs=_kw(assessment)), {"reason": "Again"})
    assert response.status_code == 400
