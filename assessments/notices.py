"""Who is told what when a self-assessment changes hands (notifications/ sends it).

Called by assessments.services inside the transaction that makes the change: the notifications
roll back with it, and are sent only once it commits. Emails carry names, dates, links and the
submission's SHA-256, never answers, evidence or anything of CQC's. CQC's side (the note to the
assessor when an organisation submits) is sent by reviews, on the `assessment_submitted` signal.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Assessment, Submission
from notifications.models import Kind
from notifications.services import long_datetime, notify, resolve
from organisations.models import Membership


def members(organisation_id: int, roles=None):
    """Active people of the organisation, with the given roles (all roles when None)."""
    rows = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return get_user_model().objects.filter(pk__in=rows.values("user_id")).order_by("username")


def about(assessment: Assessment) -> dict:
    """What a notification about this assessment is about, for `notify`'s keyword arguments."""
    return {
        "about": f"{assessment.organisation.name} {assessment.cycle.label} self-assessment",
        "about_key": f"assessment:{assessment.pk}",
        "organisation_id": assessment.organisation_id,
    }


def context(assessment: Assessment, **more) -> dict:
    return {"organisation": assessment.organisation.name, "cycle": assessment.cycle.label, **more}


def org_link(name: str, assessment: Assessment, **kwargs) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **kwargs}
    )


def submitted(assessment: Assessment, submission: Submission) -> None:
    """A receipt to the organisation's leads, with the SHA-256 of what CQC received."""
    notify(
        Kind.SUBMISSION_RECEIPT,
        members(assessment.organisation_id, [Membership.Role.LEAD]),
        **about(assessment),
        occasion=f"submission:{submission.number}",
        context=context(
            assessment,
            submission_number=submission.number,
            sha256=submission.sha256,
            submitted_by=submission.submitted_by.get_full_name() or submission.submitted_by.get_username(),
            submitted_at=long_datetime(submission.submitted_at),
        ),
        link=org_link("submission_detail", assessment, number=submission.number),
    )


# What a status change does for the notifications that asked for it (notifications.models,
# DISMISSABLE_KINDS and what follows): they leave the home page of everyone told.
ACTED_ON = {
    # Submitted or resubmitted: CQC's questions are answered, and the cycle's closing date met.
    Assessment.Status.SUBMITTED: (Kind.RETURNED, Kind.REPLY_BY_DUE),
    # Taken into review: the notes to the assessors that it waits for them.
    Assessment.Status.IN_REVIEW: (Kind.SUBMITTED_FOR_REVIEW, Kind.RESUBMITTED),
    # Assessed: the draft outcome, its deadline and its comments are done with.
    Assessment.Status.ASSESSED: (
        Kind.DRAFT_OUTCOME,
        Kind.FA_DEADLINE_DUE,
        Kind.FA_COMMENT,
        Kind.SUBMITTED_FOR_REVIEW,
        Kind.RESUBMITTED,
    ),
}


def acted_on(assessment: Assessment, to_status: str) -> None:
    """Called by `services.transition_record` inside the transaction of every status change."""
    kinds = ACTED_ON.get(to_status)
    if kinds:
        resolve(about_key=about(assessment)["about_key"], kinds=kinds)
    if to_status == Assessment.Status.SUBMITTED:
        resolve(
            about_key=f"cycle:{assessment.cycle_id}:organisation:{assessment.organisation_id}",
            kinds=[Kind.CYCLE_CLOSING],
        )
