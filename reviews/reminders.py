"""Reminders of the organisation's deadlines in CQC's review (notifications.reminders):
3 days before answers to CQC's questions are due (the return's reply-by date), and 3 days
before factual-accuracy comments on a draft outcome close."""

from __future__ import annotations

import datetime

from assessments.models import Assessment
from assessments.notices import about, context, members, org_link
from notifications import reminders
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Membership
from reviews.models import Outcome, Review

DAYS_BEFORE = 3


@reminders.register("factual-accuracy deadline")
def fa_deadline(today: datetime.date) -> int:
    made = 0
    outcomes = Outcome.objects.filter(
        shared_at__isnull=False,
        final__isnull=True,
        fa_deadline__gte=today,
        fa_deadline__lte=today + datetime.timedelta(days=DAYS_BEFORE),
        review__assessment__status=Assessment.Status.IN_REVIEW,
    ).select_related("review__assessment__organisation", "review__assessment__cycle")
    for outcome in outcomes:
        assessment = outcome.review.assessment
        made += len(
            notify(
                Kind.FA_DEADLINE_DUE,
                members(assessment.organisation_id, [Membership.Role.LEAD, Membership.Role.CONTRIBUTOR]),
                **about(assessment),
                occasion=f"fa_deadline:{outcome.fa_deadline.isoformat()}:{DAYS_BEFORE}",
                context=context(assessment),
                link=org_link("assessment_outcome", assessment),
                due_on=outcome.fa_deadline,
            )
        )
    return made


@reminders.register("reply-by date")
def reply_by(today: datetime.date) -> int:
    made = 0
    reviews = Review.objects.filter(
        reply_by__gte=today,
        reply_by__lte=today + datetime.timedelta(days=DAYS_BEFORE),
        assessment__status=Assessment.Status.RETURNED,
    ).select_related("assessment__organisation", "assessment__cycle")
    for review in reviews:
        assessment = review.assessment
        made += len(
            notify(
                Kind.REPLY_BY_DUE,
                members(assessment.organisation_id, [Membership.Role.LEAD, Membership.Role.CONTRIBUTOR]),
                **about(assessment),
                occasion=f"reply_by:{review.reply_by.isoformat()}:{DAYS_BEFORE}",
                context=context(assessment),
                link=org_link("assessment_questions", assessment),
                due_on=review.reply_by,
            )
        )
    return made
