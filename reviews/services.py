"""Writes to CQC reviews. Keyword-only, one transaction each; every one checks that the person
is a CQC assessor and locks the assessment before checking its status (as assessments.services
does), and records who did what in ReviewEvent (status changes in assessments.Transition)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments import answers as answers_module
from assessments import cqc_questions
from assessments.models import Assessment
from assessments.services import transition_record
from audit.services import record
from engagement_portal.dates import add_working_days, govuk_date
from organisations.roles import is_assessor
from principles.scoring import NOT_ENOUGH_EVIDENCE
from reviews import notices
from reviews.models import (
    AssessorScore,
    Clarification,
    FactualAccuracyComment,
    Outcome,
    PrincipleDecision,
    PrincipleModeration,
    Review,
    ReviewEvent,
)
from reviews.people import assessors  # noqa: F401 (the review pages' list of assessors)

REVIEWABLE = frozenset(
    {
        Assessment.Status.SUBMITTED,
        Assessment.Status.IN_REVIEW,
        Assessment.Status.RETURNED,
        Assessment.Status.ASSESSED,
    }
)


UNCHECKED = object()  # review_assign: no check of who had the review


class StaleScoreError(Exception):
    """Someone saved this score (or these notes) after the assessor opened the page."""

    def __init__(self, current):
        self.current = current
        super().__init__("Saved by someone else in the meantime")


def _require_assessor(user) -> None:
    if not is_assessor(user):
        raise PermissionDenied("Only CQC assessors can do this")


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def review_for(assessment: Assessment) -> Review:
    """The assessment's review row, made on first use (for a submitted assessment only)."""
    if assessment.status not in REVIEWABLE:
        raise ValidationError("Only a submitted self-assessment can be reviewed.")
    review, _ = Review.objects.get_or_create(assessment=assessment)
    return review


def _require_in_review(locked: Assessment) -> None:
    if locked.status != Assessment.Status.IN_REVIEW:
        raise ValidationError(
            f"This self-assessment is {locked.get_status_display().lower()}, not in review: "
            "start the review before you score it."
        )


@transaction.atomic
def review_assign(*, assessment: Assessment, by, assignee, expected=UNCHECKED) -> Review:
    """Assign the review to an assessor (oneself or another), or to nobody (`assignee=None`).
    `expected` is the id of whoever had it (None for nobody) when the person chose: if that has
    changed since, the change is refused, so nobody takes a review from a colleague unawares."""
    _require_assessor(by)
    locked = _lock(assessment)
    if assignee is not None and not is_assessor(assignee):
        raise ValidationError("Choose a CQC assessor.")
    if locked.status == Assessment.Status.ASSESSED:
        raise ValidationError("The outcome is final, so the review's assessor can no longer change.")
    review = review_for(locked)
    if expected is not UNCHECKED and review.assigned_to_id != expected:
        holder = review.assigned_to
        name = (holder.get_full_name() or holder.get_username()) if holder else "nobody"
        raise ValidationError(
            f"The review was assigned to {name} in the meantime, so nothing changed. "
            "Reassign it from the review's page if you need to."
        )
    changed = review.assigned_to_id != (assignee.pk if assignee else None)
    review.assigned_to = assignee
    review.save(update_fields=["assigned_to", "updated_at"])
    event = ReviewEvent.objects.create(
        review=review,
        kind=ReviewEvent.Kind.ASSIGNED,
        detail=assignee.get_username() if assignee else "nobody",
        by=by,
    )
    if changed:
        notices.assigned(locked, assignee=assignee, by=by, event_id=event.pk)
    return review


@transaction.atomic
def review_start(*, assessment: Assessment, by) -> Review:
    """Submitted → in review, recorded as a Transition. Assigns the review to the starter if it
    is not assigned yet."""
    _require_assessor(by)
    locked = _lock(assessment)
    if locked.status != Assessment.Status.SUBMITTED:
        raise ValidationError(
            f"Only a submitted self-assessment can be taken into review; this one is "
            f"{locked.get_status_display().lower()}."
        )
    review = review_for(locked)
    transition_record(
        assessment=locked, from_status=locked.status, to_status=Assessment.Status.IN_REVIEW, by=by
    )
    locked.status = Assessment.Status.IN_REVIEW
    locked.save(update_fields=["status"])
    assessment.status = locked.status
    review.started_by, review.started_at = by, timezone.now()
    if review.assigned_to_id is None:
        review.assigned_to = by
    review.save()
    ReviewEvent.objects.create(review=review, kind=ReviewEvent.Kind.STARTED, by=by)
    return review


@transaction.atomic
def score_save(
    *,
    assessment: Assessment,
    criterion_code: str,
    by,
    expected_version: int,
    score: int | None,
    not_evidenced: bool,
    rationale: str,
) -> AssessorScore:
    """Save the assessor's score for a criterion, unless someone saved since `expected_version`."""
    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    if score is not None and not 1 <= score <= 4:
        raise ValidationError("A score must be from 1 to 4.")
    if score is not None and not_evidenced:
        raise ValidationError("A score is either 1 to 4 or not evidenced, not both.")
    if score is None and not not_evidenced:
        raise ValidationError("Choose a score, or not evidenced.")
    review = review_for(locked)
    row, _ = AssessorScore.objects.get_or_create(
        review=review, criterion_code=criterion_code, defaults={"created_by": by, "updated_by": by}
    )
    if (row.score, row.not_evidenced, row.rationale) == (score, not_evidenced, rationale) and row.version:
        return row
    updated = AssessorScore.objects.filter(pk=row.pk, version=expected_version).update(
        score=score,
        not_evidenced=not_evidenced,
        rationale=rationale,
        version=F("version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if not updated:
        raise StaleScoreError(row)
    given = "not evidenced" if not_evidenced else str(score)
    ReviewEvent.objects.create(
        review=review, kind=ReviewEvent.Kind.SCORED, subject=criterion_code, detail=given, by=by
    )
    saved = AssessorScore.objects.get(pk=row.pk)
    record(
        "review.score",
        f"Scored criterion {criterion_code}: {given}",
        actor=by,
        organisation=locked.organisation_id,
        obj=saved,
        detail={"object": f"Criterion {criterion_code}", "score": score, "not_evidenced": not_evidenced},
    )
    return saved


@transaction.atomic
def override_save(
    *,
    assessment: Assessment,
    principle_number: int,
    calculated: int | None,
    by,
    override: int | None,
    rationale: str,
) -> PrincipleDecision:
    """Override a principle's calculated score by one level, with a rationale; `override=None`
    removes an override. More than one level, no calculated score, or no rationale: refused."""
    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    rationale = rationale.strip()
    review = review_for(locked)
    if override is not None:
        if calculated is None:
            raise ValidationError("Score the principle's criteria before you override its score.")
        if not 1 <= override <= 4 or abs(override - calculated) != 1:
            raise ValidationError(
                f"An override can move the calculated score ({calculated}) by one level only, up or down."
            )
        if not rationale:
            raise ValidationError("Explain why you are overriding the calculated score.")
    decision, _ = PrincipleDecision.objects.get_or_create(
        review=review, principle_number=principle_number, defaults={"created_by": by, "updated_by": by}
    )
    decision.override_score = override
    decision.calculated_score = calculated
    decision.rationale = rationale if override is not None else ""
    decision.updated_by = by
    decision.save()
    ReviewEvent.objects.create(
        review=review,
        kind=ReviewEvent.Kind.OVERRIDE if override is not None else ReviewEvent.Kind.OVERRIDE_REMOVED,
        subject=str(principle_number),
        detail=f"{calculated} → {override}: {rationale}" if override is not None else "",
        by=by,
    )
    record(
        "review.override",
        f"Overrode principle {principle_number}'s calculated score {calculated} with {override}"
        if override is not None
        else f"Removed the override of principle {principle_number}'s score",
        actor=by,
        organisation=locked.organisation_id,
        obj=decision,
        detail={"object": f"Principle {principle_number}", "calculated": calculated, "override": override},
    )
    return decision


@transaction.atomic
def notes_save(*, assessment: Assessment, by, expected_version: int, notes: str) -> Review:
    """CQC-only notes, with optimistic locking."""
    _require_assessor(by)
    locked = _lock(assessment)
    review = review_for(locked)
    if review.cqc_notes == notes:
        return review
    updated = Review.objects.filter(pk=review.pk, notes_version=expected_version).update(
        cqc_notes=notes, notes_version=F("notes_version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleScoreError(review)
    ReviewEvent.objects.create(review=review, kind=ReviewEvent.Kind.NOTES, by=by)
    review.refresh_from_db()
    return review


# ---------------------------------------------------------------------------------------------
# Clarifications


def _member_role(user, assessment: Assessment) -> str | None:
    from assessments.services import role_in

    return role_in(user, assessment.organisation_id)


@transaction.atomic
def question_ask(
    *, assessment: Assessment, by, body: str, criterion_code: str = "", principle_number: int | None = None
) -> Clarification:
    """An assessor's question on a criterion, a principle, or the whole assessment; sent to the
    organisation when the assessment is returned."""
    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    body = body.strip()
    if not body:
        raise ValidationError("Write your question.")
    review = review_for(locked)
    question = Clarification.objects.create(
        assessment=locked,
        criterion_code=criterion_code,
        principle_number=principle_number,
        author=by,
        from_cqc=True,
        body=body,
    )
    ReviewEvent.objects.create(
        review=review, kind=ReviewEvent.Kind.QUESTION, subject=question.subject[:20], by=by
    )
    return question


# How long an organisation has to answer CQC's questions, unless the assessor chooses otherwise.
REPLY_BY_WORKING_DAYS = 10


def default_reply_by(assessment: Assessment) -> datetime.date:
    """The reply-by date the return form suggests: the assessment's cycle's reply-by period
    (set by CQC's cycle managers, 10 working days unless they chose otherwise) from today."""
    days = assessment.cycle.reply_by_working_days or REPLY_BY_WORKING_DAYS
    return add_working_days(timezone.localdate(), days)


@transaction.atomic
def assessment_return_with_questions(
    *, assessment: Assessment, by, comment: str = "", reply_by: datetime.date | None = None
) -> int:
    """In review → returned (assessments.services.assessment_return), sending every question not
    sent yet, with the date the organisation should reply by (today or later; the default
    reply-by date when not given). Refused with nothing to ask. Returns how many questions were
    sent."""
    from assessments.services import assessment_return

    _require_assessor(by)
    locked = _lock(assessment)
    if locked.status != Assessment.Status.IN_REVIEW:
        raise ValidationError("Only a self-assessment in review can be returned to the organisation.")
    reply_by = reply_by or default_reply_by(locked)
    if reply_by < timezone.localdate():
        raise ValidationError("The reply-by date must be today or in the future.")
    unsent = Clarification.objects.filter(assessment=locked, parent=None, from_cqc=True, sent_at=None)
    count = unsent.count()
    comment = comment.strip()
    if not count and not comment:
        raise ValidationError("Ask at least one question before you return the self-assessment.")
    summary = comment or f"CQC has {count} question{'s' if count != 1 else ''} for you."
    transition = assessment_return(assessment=locked, by=by, comment=summary)
    unsent.update(sent_at=timezone.now())
    review = review_for(locked)
    review.reply_by = reply_by
    review.save(update_fields=["reply_by", "updated_at"])
    notices.returned(locked, question_count=count, transition_id=transition.pk, reply_by=reply_by)
    ReviewEvent.objects.create(
        review=review,
        kind=ReviewEvent.Kind.RETURNED,
        detail=f"reply by {govuk_date(reply_by)}: {summary}",
        by=by,
    )
    assessment.status = locked.status
    return count


@transaction.atomic
def question_reply(*, question: Clarification, by, body: str) -> Clarification:
    """A reply in a question's thread: from the organisation's leads and contributors while the
    assessment is returned to them (which marks the question answered), or from an assessor."""
    locked = _lock(question.assessment)
    body = body.strip()
    if question.parent_id is not None:
        raise ValidationError("Reply to the question, not to a reply.")
    if is_assessor(by) and _member_role(by, locked) is None:
        from_cqc = True
    else:
        if _member_role(by, locked) not in {"lead", "contributor"}:
            raise PermissionDenied(
                "Only the organisation's leads and contributors can answer CQC's questions"
            )
        if question.sent_at is None:
            raise PermissionDenied("This question has not been sent to the organisation")
        if locked.status != Assessment.Status.RETURNED:
            raise ValidationError(
                "You can answer CQC's questions only while the self-assessment is returned to you."
            )
        from_cqc = False
    if not body:
        raise ValidationError("Write your reply.")
    reply = Clarification.objects.create(
        assessment=locked,
        parent=question,
        criterion_code=question.criterion_code,
        principle_number=question.principle_number,
        author=by,
        from_cqc=from_cqc,
        body=body,
        sent_at=timezone.now(),
    )
    if not from_cqc and question.answered_at is None:
        Clarification.objects.filter(pk=question.pk).update(answered_at=timezone.now())
    review = Review.objects.filter(assessment=locked).first()
    if review is not None:
        ReviewEvent.objects.create(
            review=review, kind=ReviewEvent.Kind.REPLY, subject=question.subject[:20], by=by
        )
    return reply


def reply_by_date(assessment: Assessment) -> datetime.date | None:
    """The date CQC asked the organisation to answer its questions by, while the assessment is
    returned to it (None otherwise): the one field of the review the organisation's pages read."""
    if assessment.status != Assessment.Status.RETURNED:
        return None
    return Review.objects.filter(assessment=assessment).values_list("reply_by", flat=True).first()


def sent_questions(assessment: Assessment):
    """The questions (with replies) the organisation may see: only those sent."""
    return (
        Clarification.objects.filter(assessment=assessment, parent=None, sent_at__isnull=False)
        .select_related("author")
        .prefetch_related("replies__author")
    )


def questions_with_answers(assessment: Assessment) -> list[cqc_questions.CqcQuestion]:
    """The questions CQC has sent, oldest first, each with the organisation's replies: what check
    your answers lists and a resubmission's snapshot freezes (registered in
    assessments.cqc_questions by this app's AppConfig.ready). Never a question still in draft,
    and never CQC's own replies in a thread."""

    def name(person) -> str:
        return person.get_full_name() or person.get_username()

    questions = []
    for q in sent_questions(assessment).order_by("sent_at", "pk"):
        answers = tuple(
            cqc_questions.QuestionAnswer(
                body=r.body, by=name(r.author), at=r.created_at.isoformat(timespec="seconds")
            )
            for r in sorted(q.replies.all(), key=lambda r: (r.created_at, r.pk))
            if not r.from_cqc
        )
        questions.append(
            cqc_questions.CqcQuestion(
                subject=q.subject,
                body=q.body,
                asked_by=name(q.author),
                asked_at=q.sent_at.isoformat(timespec="seconds"),
                answers=answers,
                criterion_code=q.criterion_code,
                principle_number=q.principle_number,
                pk=q.pk,
            )
        )
    return questions


# ---------------------------------------------------------------------------------------------
# Draft outcome, factual accuracy and finalising


def outcome_shown(data: dict | None, assessment: Assessment) -> dict | None:
    """An outcome's frozen JSON as the pages show it, on a copy: the organisation's self-assessed
    principle scores worked out again from the assessed (latest) submission's snapshot by the
    scoring rule, since outcomes frozen before the sufficiency rule was kept carry the scores
    that submission stored, and each principle's scores in words."""
    if not data:
        return data
    submission = assessment.submissions.order_by("-number").only("snapshot").first()
    scores = (
        answers_module.snapshot_scores(submission.snapshot, assessment.rubric_version.rule())
        if submission is not None
        else None
    )
    principles = []
    for p in data.get("principles", []):
        result = scores.principle(p.get("number")) if scores else None
        self_score = result.score if result else p.get("self_score")
        principles.append(
            {
                **p,
                "self_score": self_score,
                "self_label": result.label if result else (f"{self_score} of 4" if self_score else "None"),
                "score_label": f"{p['score']} of 4"
                if p.get("score")
                else (NOT_ENOUGH_EVIDENCE if p.get("not_enough_evidence") else "No score"),
            }
        )
    return {**data, "principles": principles}


AREAS_MAX = 10
AREA_MAX_CHARS = 1000


def areas_from_text(text: str) -> list[str]:
    """Areas for improvement as the outcome form takes them: one a line, blank lines ignored."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def outcome_data(ws, summaries: dict[str, str], areas: dict[str, list[str]] | None = None) -> dict:
    """What the organisation is shown: scores, the rating, the summaries and any areas for
    improvement. Never CQC's notes or rationales."""
    from principles.scoring import format_percentage

    overall = ws.overall
    return {
        "rating": overall.rating if overall else None,
        "percentage": format_percentage(overall.percentage)
        if overall and overall.percentage is not None
        else None,
        # Some principle has no score (not enough evidence): the rating is not a full one.
        "indicative": bool(overall and overall.indicative),
        "principles": [
            {
                "number": p.number,
                "title": p.title,
                "score": p.final,
                "not_enough_evidence": p.not_enough_evidence,
                "self_score": p.self_score,
                "summary": summaries.get(str(p.number), ""),
                "areas_for_improvement": list((areas or {}).get(str(p.number), [])),
                "criteria": [
                    {"code": c.code, "self": c.self_label, "score": c.assessor_label} for c in p.criteria
                ],
            }
            for p in ws.principles
        ],
    }


def _workspace(locked: Assessment):
    from reviews.workspace import build

    return build(locked, review_for(locked))


def _refuse_unscored(ws) -> None:
    unscored = [c.code for c in ws.unscored]
    if unscored:
        shown = ", ".join(unscored[:10]) + (f" and {len(unscored) - 10} more" if len(unscored) > 10 else "")
        raise ValidationError(f"Score every criterion first. Not scored yet: {shown}")


@transaction.atomic
def outcome_share(
    *,
    assessment: Assessment,
    by,
    summaries: dict[str, str],
    fa_deadline,
    areas: dict[str, list[str]] | None = None,
) -> Outcome:
    """Share (or share again) the draft outcome with a factual-accuracy deadline, and any areas
    for improvement per principle (optional: at most AREAS_MAX a principle)."""
    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    ws = _workspace(locked)
    _refuse_unscored(ws)
    if fa_deadline is None:
        raise ValidationError("Enter the date factual-accuracy comments are due by.")
    if fa_deadline < timezone.localdate():
        raise ValidationError("The factual-accuracy deadline must be today or in the future.")
    summaries = {str(k): v.strip() for k, v in summaries.items()}
    missing = [str(p.number) for p in ws.principles if not summaries.get(str(p.number))]
    if missing:
        raise ValidationError(f"Write a summary for every principle. Missing: {', '.join(missing)}")
    numbers = {str(p.number) for p in ws.principles}
    areas = {
        str(k): [" ".join(a.split()) for a in v if a.strip()]
        for k, v in (areas or {}).items()
        if str(k) in numbers
    }
    areas = {k: v for k, v in areas.items() if v}
    for number, listed in sorted(areas.items()):
        if len(listed) > AREAS_MAX:
            raise ValidationError(f"Name at most {AREAS_MAX} areas for improvement in principle {number}.")
        if any(len(a) > AREA_MAX_CHARS for a in listed):
            raise ValidationError(
                f"Each area for improvement in principle {number} must be {AREA_MAX_CHARS:,} characters "
                "or fewer."
            )
    outcome, _ = Outcome.objects.get_or_create(review=ws.review)
    outcome.summaries = summaries
    outcome.areas = areas
    outcome.fa_deadline = fa_deadline
    outcome.draft = outcome_data(ws, summaries, areas)
    outcome.shared_at, outcome.shared_by = timezone.now(), by
    outcome.save()
    ReviewEvent.objects.create(review=ws.review, kind=ReviewEvent.Kind.SHARED, detail=str(fa_deadline), by=by)
    notices.draft_outcome_shared(locked, outcome=outcome)
    return outcome


def shared_outcome(assessment: Assessment) -> Outcome | None:
    return Outcome.objects.filter(review__assessment=assessment, shared_at__isnull=False).first()


@transaction.atomic
def fa_comment_add(*, assessment: Assessment, by, body: str, principle_number: int | None = None):
    """The organisation's factual-accuracy comment, on or before the deadline."""
    locked = _lock(assessment)
    if _member_role(by, locked) not in {"lead", "contributor"}:
        raise PermissionDenied(
            "Only the organisation's leads and contributors can comment on the draft outcome"
        )
    outcome = shared_outcome(locked)
    if outcome is None or outcome.final is not None or locked.status != Assessment.Status.IN_REVIEW:
        raise ValidationError("There is no draft outcome to comment on.")
    if timezone.localdate() > outcome.fa_deadline:
        raise ValidationError(f"Factual-accuracy comments closed on {govuk_date(outcome.fa_deadline)}.")
    body = body.strip()
    if not body:
        raise ValidationError("Write your comment.")
    comment = FactualAccuracyComment.objects.create(
        outcome=outcome, principle_number=principle_number, body=body, author=by
    )
    ReviewEvent.objects.create(review=outcome.review, kind=ReviewEvent.Kind.FA_COMMENT, by=by)
    notices.fa_comment_received(locked, comment_id=comment.pk)
    return comment


@transaction.atomic
def fa_respond(*, comment: FactualAccuracyComment, by, response: str) -> FactualAccuracyComment:
    _require_assessor(by)
    locked = _lock(comment.outcome.review.assessment)
    _require_in_review(locked)
    response = response.strip()
    if not response:
        raise ValidationError("Write your response to the comment.")
    comment.response, comment.responded_by, comment.responded_at = response, by, timezone.now()
    comment.save()
    ReviewEvent.objects.create(review=comment.outcome.review, kind=ReviewEvent.Kind.FA_RESPONSE, by=by)
    notices.fa_comment_answered(locked, comment_id=comment.pk)
    return comment


def finalising_early(outcome: Outcome | None) -> bool:
    """Whether finalising now comes before the factual-accuracy deadline closes: the organisation
    may still comment until the end of the deadline day."""
    return bool(outcome and outcome.fa_deadline and timezone.localdate() <= outcome.fa_deadline)


def finalise_refusals(outcome: Outcome | None) -> list[str]:
    """Why the outcome cannot be finalised now, whatever the reason given (empty if it can)."""
    if outcome is None or outcome.shared_at is None:
        return ["Share a draft outcome for factual-accuracy comments before you finalise."]
    if outcome.final is not None:
        return ["The outcome is already final."]
    if outcome.comments.filter(responded_at__isnull=True).exists():
        return ["Respond to every factual-accuracy comment before you finalise."]
    return []


@transaction.atomic
def outcome_finalise(*, assessment: Assessment, by, reason: str = "") -> Outcome:
    """In review → assessed: the final outcome is frozen and shown to the organisation; it cannot
    be undone. Refused while any criterion is unscored, before a draft was shared, or while a
    factual-accuracy comment has no response; before the factual-accuracy deadline has passed,
    refused unless the assessor gives a reason for finalising early (recorded in the review's
    history and the audit trail)."""
    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    ws = _workspace(locked)
    _refuse_unscored(ws)
    outcome = shared_outcome(locked)
    refusals = finalise_refusals(outcome)
    if refusals:
        raise ValidationError(refusals[0])
    early = finalising_early(outcome)
    reason = reason.strip()
    if early and not reason:
        raise ValidationError(
            f"The organisation can comment until {govuk_date(outcome.fa_deadline)}: give your reason "
            "for finalising before the factual-accuracy deadline."
        )
    outcome.final = outcome_data(ws, outcome.summaries, outcome.areas)
    outcome.finalised_at, outcome.finalised_by = timezone.now(), by
    outcome.save()
    transition_record(
        assessment=locked, from_status=locked.status, to_status=Assessment.Status.ASSESSED, by=by
    )
    locked.status = Assessment.Status.ASSESSED
    locked.save(update_fields=["status"])
    assessment.status = locked.status
    rating = outcome.final.get("rating") or "no rating"
    early_words = f"before the factual-accuracy deadline of {govuk_date(outcome.fa_deadline)}"
    detail = f"{rating}; {early_words}, because: {reason}" if early else rating
    ReviewEvent.objects.create(review=ws.review, kind=ReviewEvent.Kind.FINALISED, detail=detail, by=by)
    record(
        "review.finalise",
        f"Finalised the outcome ({rating})" + (f" {early_words}: {reason}" if early else ""),
        actor=by,
        organisation=locked.organisation_id,
        obj=outcome,
        detail={
            "object": "Outcome",
            "rating": outcome.final.get("rating"),
            "fa_deadline": outcome.fa_deadline.isoformat() if outcome.fa_deadline else None,
            "early": early,
            "reason": reason if early else "",
        },
    )
    notices.finalised(locked)
    return outcome


# ---------------------------------------------------------------------------------------------
# Moderation


@transaction.atomic
def moderate(
    *, assessment: Assessment, principle_number: int, by, agrees: bool, score: int | None, reason: str
) -> PrincipleModeration:
    """A second assessor agrees with a principle's score, or records a moderated score with a
    reason. The assessor the review is assigned to cannot moderate their own scores."""
    from reviews.workspace import build

    _require_assessor(by)
    locked = _lock(assessment)
    _require_in_review(locked)
    review = review_for(locked)
    if review.assigned_to_id is not None and review.assigned_to_id == by.pk:
        raise PermissionDenied("A second assessor moderates: you are this review's assessor.")
    ws = build(locked, review)
    principle = ws.principle(principle_number)
    if principle is None:
        raise ValidationError("No such principle.")
    if principle.not_enough_evidence:
        raise ValidationError(
            "This principle has not enough evidence to score, so it has no score to moderate."
        )
    if principle.assessed is None:
        raise ValidationError("Score every criterion of this principle before it is moderated.")
    reason = reason.strip()
    if not agrees:
        if score is None or not 1 <= score <= 4:
            raise ValidationError("Choose the moderated score, from 1 to 4.")
        if not reason:
            raise ValidationError("Give the reason for the moderated score.")
    row, _ = PrincipleModeration.objects.update_or_create(
        review=review,
        principle_number=principle_number,
        defaults={
            "agrees": agrees,
            "moderated_score": None if agrees else score,
            "reviewed_score": principle.assessed,
            "reason": reason,
            "moderator": by,
        },
    )
    ReviewEvent.objects.create(
        review=review,
        kind=ReviewEvent.Kind.MODERATED,
        subject=str(principle_number),
        detail="agrees" if agrees else f"{principle.assessed} → {score}: {reason}",
        by=by,
    )
    record(
        "review.moderation",
        f"Agreed with principle {principle_number}'s score of {principle.assessed}"
        if agrees
        else f"Moderated principle {principle_number}'s score from {principle.assessed} to {score}",
        actor=by,
        organisation=locked.organisation_id,
        obj=row,
        detail={
            "object": f"Principle {principle_number}",
            "reviewed": principle.assessed,
            "moderated": None if agrees else score,
        },
    )
    return row
