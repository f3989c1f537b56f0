"""Who is told what at each step of CQC's review (notifications/ sends it).

Called by reviews.services inside the transaction that makes the change (and on the
`assessment_submitted` signal, sent inside the submitting transaction), so a change that rolls
back tells nobody and the emails go once it commits. Emails to the organisation carry names,
dates and links: never CQC's notes, rationales, scores or the comments themselves.
"""

from __future__ import annotations

from django.dispatch import receiver

from assessments.models import Assessment, Submission
from assessments.notices import about, context, members, org_link
from assessments.signals import assessment_submitted
from notifications.models import Kind
from notifications.services import long_datetime, notify, resolve
from organisations.models import Membership
from reviews.models import Review
from reviews.people import assessors


def _assessors_for(assessment: Assessment) -> tuple[list, bool]:
    """The assessor the review is assigned to, or every CQC assessor if nobody is yet."""
    review = Review.objects.filter(assessment=assessment).select_related("assigned_to").first()
    if review is not None and review.assigned_to is not None and review.assigned_to.is_active:
        return [review.assigned_to], True
    return assessors(superusers=False), False


def _review_link(name: str, assessment: Assessment, **kwargs) -> str:
    return org_link(name, assessment, **kwargs)


@receiver(assessment_submitted, dispatch_uid="reviews.notices.submitted")
def submitted(sender, *, assessment: Assessment, submission: Submission, **kwargs) -> None:
    """A note to the assigned assessor (or every assessor): a first submission waits for review;
    a resubmission answers their questions."""
    people, assigned = _assessors_for(assessment)
    first = submission.number == 1
    notify(
        Kind.SUBMITTED_FOR_REVIEW if first else Kind.RESUBMITTED,
        people,
        **about(assessment),
        occasion=f"submission:{submission.number}",
        context=context(
            assessment,
            submission_number=submission.number,
            submitted_at=long_datetime(submission.submitted_at),
            assigned=assigned,
        ),
        link=_review_link("review_workspace" if first else "review_changes", assessment),
    )


def assigned(assessment: Assessment, *, assignee, by, event_id: int) -> None:
    if assignee is None or assignee.pk == by.pk:
        return  # nobody, or oneself: nobody needs telling
    notify(
        Kind.ASSIGNED,
        [assignee],
        **about(assessment),
        occasion=f"assigned:{event_id}",
        context=context(assessment, assigned_by=by.get_full_name() or by.get_username()),
        link=_review_link("review_workspace", assessment),
    )


def returned(assessment: Assessment, *, question_count: int, transition_id: int, reply_by=None) -> None:
    notify(
        Kind.RETURNED,
        members(assessment.organisation_id, [Membership.Role.LEAD, Membership.Role.CONTRIBUTOR]),
        **about(assessment),
        occasion=f"returned:{transition_id}",
        context=context(assessment, question_count=question_count),
        link=org_link("assessment_questions", assessment),
        due_on=reply_by,
    )


def draft_outcome_shared(assessment: Assessment, *, outcome) -> None:
    notify(
        Kind.DRAFT_OUTCOME,
        members(assessment.organisation_id, [Membership.Role.LEAD]),
        **about(assessment),
        # Shared again (a new draft, a new deadline): told again.
        occasion=f"shared:{outcome.shared_at.isoformat()}",
        context=context(assessment),
        link=org_link("assessment_outcome", assessment),
        due_on=outcome.fa_deadline,
    )


def fa_comment_received(assessment: Assessment, *, comment_id: int) -> None:
    people, _ = _assessors_for(assessment)
    notify(
        Kind.FA_COMMENT,
        people,
        **about(assessment),
        occasion=f"fa_comment:{comment_id}",
        context=context(assessment),
        link=_review_link("review_outcome", assessment),
    )


def fa_comment_answered(assessment: Assessment, *, comment_id: int) -> None:
    """The assessor answered the comment: the note that it came in leaves their home page."""
    resolve(
        about_key=about(assessment)["about_key"], kinds=[Kind.FA_COMMENT], occasion=f"fa_comment:{comment_id}"
    )


def finalised(assessment: Assessment) -> None:
    notify(
        Kind.OUTCOME_FINALISED,
        members(assessment.organisation_id),
        **about(assessment),
        occasion="finalised",
        context=context(assessment),
        link=org_link("assessment_outcome", assessment),
    )
