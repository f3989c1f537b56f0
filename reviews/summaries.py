"""What waits in CQC's review, summed up for home pages, in a fixed number of queries.

For an organisation's people (`organisation_steps`): per self-assessment, CQC's questions still
waiting for an answer and their reply-by date while it is returned, and a draft outcome with its
factual-accuracy deadline while it is shared and not finalised: the same rows the questions page
(`services.sent_questions`, `services.reply_by_date`) and the outcome page (`services.shared_outcome`)
read. For an assessor (`assessor_summary`): the counts behind the review queue's filters, with
the queue's own statuses (`services.REVIEWABLE`) and due dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from assessments.models import Assessment, Submission, Transition
from reviews.models import Clarification, FactualAccuracyComment, Review


@dataclass(frozen=True)
class OrganisationSteps:
    """CQC's side of one self-assessment, as its organisation's people see it."""

    questions_waiting: int = 0  # sent, not yet answered (while returned)
    questions_sent: int = 0
    reply_by: datetime.date | None = None  # while returned
    draft_shared: bool = False  # a draft outcome shared and not finalised
    fa_deadline: datetime.date | None = None
    comments_sent: int = 0  # the organisation's factual-accuracy comments on that draft


def organisation_steps(assessments: list[Assessment]) -> dict[int, OrganisationSteps]:
    """One query, however many assessments, questions and comments."""
    ids = [a.pk for a in assessments]
    if not ids:
        return {}
    sent = Clarification.objects.filter(
        assessment=OuterRef("assessment"), parent=None, sent_at__isnull=False
    ).order_by()

    def counted(rows):
        return Subquery(rows.values("assessment").annotate(n=Count("pk")).values("n")[:1])

    comments = FactualAccuracyComment.objects.filter(outcome__review=OuterRef("pk")).order_by()
    steps = {}
    for row in (
        Review.objects.filter(assessment_id__in=ids)
        .annotate(
            sent_count=counted(sent),
            waiting_count=counted(sent.filter(answered_at__isnull=True)),
            comment_count=Subquery(
                comments.values("outcome__review").annotate(n=Count("pk")).values("n")[:1]
            ),
        )
        # Into a dict, so unsorted: Review's ordering ("assessment") joined the assessment's
        # cycle and organisation only to sort.
        .order_by()
        .values(
            "assessment_id",
            "assessment__status",
            "reply_by",
            "sent_count",
            "waiting_count",
            "comment_count",
            "outcome__shared_at",
            "outcome__finalised_at",
            "outcome__fa_deadline",
        )
    ):
        returned = row["assessment__status"] == Assessment.Status.RETURNED
        shared = (
            row["assessment__status"] == Assessment.Status.IN_REVIEW
            and row["outcome__shared_at"] is not None
            and row["outcome__finalised_at"] is None
        )
        steps[row["assessment_id"]] = OrganisationSteps(
            questions_waiting=(row["waiting_count"] or 0) if returned else 0,
            questions_sent=row["sent_count"] or 0,
            reply_by=row["reply_by"] if returned else None,
            draft_shared=shared,
            fa_deadline=row["outcome__fa_deadline"] if shared else None,
            comments_sent=(row["comment_count"] or 0) if shared else 0,
        )
    return steps


@dataclass(frozen=True)
class AssessorSummary:
    """What waits for one assessor, and for CQC as a whole."""

    assigned_waiting: int  # assigned to them, submitted or in review (waiting on CQC)
    assigned_submitted: int  # of those, submitted and not yet taken into review
    resubmissions: int  # of those, resubmissions (a second or later submission)
    returned: int  # assigned to them, returned to the organisation
    replies: int  # answers received to their questions on those, since they were returned
    drafts_shared: int  # assigned to them, a draft outcome shared and not finalised
    drafts_with_comments: int  # of those, with comments not yet answered
    comments_waiting: int  # factual-accuracy comments not yet answered, on those
    overdue: int  # assigned to them, a reply or comments date passed
    unassigned: int  # submitted and assigned to nobody: anyone may take them


def assessor_summary(user, today: datetime.date) -> AssessorSummary:
    """Three queries, however many self-assessments, questions and comments."""
    mine = Q(review__assigned_to=user)
    waiting_on_cqc = Q(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.IN_REVIEW])
    later_submission = Exists(Submission.objects.filter(assessment=OuterRef("pk"), number__gt=1))
    shared = Q(
        status=Assessment.Status.IN_REVIEW,
        review__outcome__shared_at__isnull=False,
        review__outcome__finalised_at__isnull=True,
    )
    unanswered = FactualAccuracyComment.objects.filter(
        outcome__review__assessment=OuterRef("pk"), responded_at__isnull=True
    )
    counts = Assessment.objects.annotate(
        resubmitted=later_submission, commented=Exists(unanswered)
    ).aggregate(
        assigned_waiting=Count("pk", filter=mine & waiting_on_cqc),
        assigned_submitted=Count("pk", filter=mine & Q(status=Assessment.Status.SUBMITTED)),
        resubmissions=Count("pk", filter=mine & waiting_on_cqc & Q(resubmitted=True)),
        returned=Count("pk", filter=mine & Q(status=Assessment.Status.RETURNED)),
        drafts_shared=Count("pk", filter=mine & shared),
        drafts_with_comments=Count("pk", filter=mine & shared & Q(commented=True)),
        overdue=Count(
            "pk",
            filter=mine
            & (
                Q(status=Assessment.Status.RETURNED, review__reply_by__lt=today)
                | (shared & Q(review__outcome__fa_deadline__lt=today))
            ),
        ),
        unassigned=Count(
            "pk",
            filter=Q(status=Assessment.Status.SUBMITTED)
            & (Q(review__isnull=True) | Q(review__assigned_to__isnull=True)),
        ),
    )
    # Answers to the questions of the latest return, on what is returned to the organisation.
    returned_at = (
        Transition.objects.filter(assessment=OuterRef("assessment"), to_status=Assessment.Status.RETURNED)
        .order_by("-pk")
        .values("at")[:1]
    )
    replies = (
        Clarification.objects.filter(
            assessment__status=Assessment.Status.RETURNED,
            assessment__review__assigned_to=user,
            parent=None,
            sent_at__isnull=False,
            answered_at__isnull=False,
        )
        .annotate(returned_at=Subquery(returned_at))
        .filter(answered_at__gte=F("returned_at"))
        .count()
    )
    comments_waiting = FactualAccuracyComment.objects.filter(
        responded_at__isnull=True,
        outcome__review__assigned_to=user,
        outcome__shared_at__isnull=False,
        outcome__finalised_at__isnull=True,
        outcome__review__assessment__status=Assessment.Status.IN_REVIEW,
    ).count()
    return AssessorSummary(replies=replies, comments_waiting=comments_waiting, **counts)
