"""Writes to self-assessments: starting, answering, citing evidence, submitting, returning.

Every function is keyword-only and runs in one transaction. Each locks the assessment row
(`select_for_update`) before checking its status, so an answer cannot be saved while the same
assessment is being submitted, and checks the person's role itself: the views check first only
so they can explain a refusal, and a service called from anywhere else is just as safe.

Two people editing the same answer are kept apart by optimistic locking: a save names the
version of the answer it started from and is refused (StaleAnswerError) if someone saved in
between, so nobody's words are silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from assessments import answers as answers_module
from assessments import cqc_questions, notices
from assessments.models import (
    Assessment,
    AssessmentCycle,
    CriterionResponse,
    FrozenAssessmentError,
    Submission,
    Transition,
)
from assessments.signals import assessment_submitted
from audit.services import record
from engagement_portal.lib.hashing import json_sha256
from evidence.models import Citation, EvidenceFile
from organisations.models import Membership, Organisation
from organisations.people import name_of, partner_names
from organisations.roles import is_assessor
from principles.models import Criterion
from principles.scoring import format_percentage
from principles.services import current_version

SNAPSHOT_FORMAT = "engagement-self-assessment/1"
NARRATIVE_MAX_LENGTH = 10_000
NOT_IN_LIBRARY = "Choose evidence from your organisation's library"
# The same words whether the id is another organisation's file or no file at all, so the
# message never confirms that another organisation's file exists.
OUTSIDE_LIBRARY = (
    "The evidence sent with the form is not in {organisation}'s library, so nothing was cited, "
    "and this has been recorded. Choose evidence from your organisation's library"
)


class StaleAnswerError(Exception):
    """Someone saved the answer after this person opened it. `current` is what is saved now."""

    def __init__(self, current: CriterionResponse):
        self.current = current
        super().__init__(f"Answer {current.pk} is at version {current.version}")


class SubmissionRefused(Exception):
    """The assessment cannot be submitted yet; `problems` says why, in plain English."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class CitationRefused(ValueError):
    """The evidence cannot be cited: not in the organisation's library, or already cited there.

    `outside_library` is set when the posted file id is not one of the organisation's files at
    all (another organisation's, or none): the form never offers such an id, so someone
    changed it. `owner_id` is the organisation whose file it is, if it exists."""

    def __init__(self, message: str, *, outside_library: bool = False, owner_id: int | None = None):
        super().__init__(message)
        self.outside_library = outside_library
        self.owner_id = owner_id


# ---------------------------------------------------------------------------------------------
# Checks every write makes


def role_in(user, organisation_id: int) -> str | None:
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def _require_editor(user, assessment: Assessment) -> None:
    if role_in(user, assessment.organisation_id) not in {Membership.Role.LEAD, Membership.Role.CONTRIBUTOR}:
        raise PermissionDenied("Only the organisation's leads and contributors can change answers")


def _require_lead(user, organisation_id: int) -> None:
    if role_in(user, organisation_id) != Membership.Role.LEAD:
        raise PermissionDenied("Only the organisation's leads can do this")


def _lock(assessment: Assessment) -> Assessment:
    """The assessment's row, locked until the transaction ends, with its current status."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _lock_editable(assessment: Assessment) -> Assessment:
    locked = _lock(assessment)
    if not locked.is_editable:
        raise FrozenAssessmentError(
            f"This self-assessment is {locked.get_status_display().lower()}, so it cannot be changed."
        )
    return locked


def transition_record(
    *, assessment: Assessment, from_status: str, to_status: str, by, comment: str = ""
) -> Transition:
    """Record a status change: a Transition row for the assessment's history, and an audit
    event for the organisation's activity page. Every status change (here and in reviews)
    goes through this, inside the transaction that makes it."""
    transition = Transition.objects.create(
        assessment=assessment, from_status=from_status, to_status=to_status, by=by, comment=comment
    )
    labels = dict(Assessment.Status.choices)
    what = f"the {assessment.cycle.label} self-assessment"
    if from_status:
        summary = f"Moved {what} from {labels[from_status].lower()} to {labels[to_status].lower()}"
    else:
        summary = f"Started {what}"
    record(
        "assessment.transition",
        summary,
        actor=by,
        organisation=assessment.organisation_id,
        obj=assessment,
        detail={"object": f"{assessment.cycle.label} self-assessment", "from": from_status, "to": to_status},
    )
    # The notifications that asked for this leave people's home pages.
    notices.acted_on(assessment, to_status)
    return transition


# ---------------------------------------------------------------------------------------------
# Starting


@transaction.atomic
def assessment_start(
    *, organisation: Organisation, cycle: AssessmentCycle, by, check_dates: bool = True
) -> Assessment:
    """Start the organisation's assessment for an open cycle, pinned to the current rubric.

    The rubric version published now is the one the answers are given against, for good: a
    version published later never changes it. An answer row is made for every criterion
    straight away, so that every save (even the first) is an optimistic-locking update.
    Starting twice returns the assessment already started. `check_dates=False` is for demo
    data, which includes an earlier cycle's assessment."""
    _require_lead(by, organisation.pk)
    # Two leads pressing "Start" at once: the second waits here, then finds the first's.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    existing = Assessment.objects.filter(organisation=organisation, cycle=cycle).first()
    if existing is not None:
        return existing
    if check_dates and not cycle.is_open_on(timezone.localdate()):
        raise ValidationError(f"The {cycle.label} cycle is not open, so its assessment cannot be started.")
    if not cycle.includes(organisation):
        raise ValidationError(
            f"The {cycle.label} cycle does not ask {organisation.name} for a self-assessment."
        )
    # The cycle's rubric version when CQC chose one (cycles/), else the one published now.
    version = cycle.rubric_version or current_version()
    if version is None:
        raise ValidationError("No rubric has been published yet, so an assessment cannot be started.")
    assessment = Assessment.objects.create(
        organisation=organisation, cycle=cycle, rubric_version=version, started_by=by
    )
    criteria = Criterion.objects.filter(principle__version=version).order_by("principle__number", "position")
    CriterionResponse.objects.bulk_create(
        CriterionResponse(assessment=assessment, criterion=criterion) for criterion in criteria
    )
    transition_record(assessment=assessment, from_status="", to_status=Assessment.Status.DRAFT, by=by)
    return assessment


# ---------------------------------------------------------------------------------------------
# Answering


@transaction.atomic
def response_save(
    *,
    response: CriterionResponse,
    by,
    expected_version: int,
    score: int | None,
    not_evidenced: bool,
    narrative: str,
) -> CriterionResponse:
    """Save an answer, unless someone else saved it since `expected_version` was read.

    The write is `UPDATE ... WHERE version = expected_version`: if it changes no row, another
    save got there first and StaleAnswerError carries what is saved now, so the page can show
    both and lose neither. Saving exactly what is already saved changes nothing (and is not a
    conflict, whatever the version), so pressing "Save and continue" on an unchanged page
    never bumps the version under a colleague."""
    assessment = _lock_editable(response.assessment)
    _require_editor(by, assessment)
    if score is not None and not 1 <= score <= 4:
        raise ValidationError("A score must be from 1 to 4.")
    if score is not None and not_evidenced:
        raise ValidationError("An answer is either a score or not evidenced, not both.")
    if len(narrative) > NARRATIVE_MAX_LENGTH:
        raise ValidationError(f"The narrative must be {NARRATIVE_MAX_LENGTH:,} characters or fewer.")
    current = CriterionResponse.objects.select_related("updated_by").get(pk=response.pk)
    if (current.score, current.not_evidenced, current.narrative) == (score, not_evidenced, narrative):
        return current
    updated = CriterionResponse.objects.filter(pk=response.pk, version=expected_version).update(
        score=score,
        not_evidenced=not_evidenced,
        narrative=narrative,
        version=F("version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
        # What was marked ready for the lead is no longer what is there: the mark goes.
        ready_by=None,
        ready_at=None,
    )
    if not updated:
        raise StaleAnswerError(current)
    if current.ready_at is not None:
        record(
            "assessment.not_ready",
            f"Criterion {response.criterion.code} of the {assessment.cycle.label} self-assessment is no "
            "longer ready for the lead: its answer changed",
            actor=by,
            organisation=assessment.organisation_id,
            obj=current,
            detail={
                "object": f"Criterion {response.criterion.code}, {assessment.cycle.label} self-assessment",
                "criterion": response.criterion.code,
                "reason": "answer changed",
            },
        )
    return CriterionResponse.objects.select_related("updated_by").get(pk=response.pk)


# ---------------------------------------------------------------------------------------------
# Work shared out: the lead gives criteria to members; members mark them ready for the lead


class AssignmentRefused(ValueError):
    """The criteria cannot be given to this person; the message says why, in plain English."""


class ReadyRefused(ValueError):
    """The criterion cannot be marked ready yet; the message says why, in plain English."""


def assignable_members(organisation_id: int):
    """The members work can be given to: the organisation's leads and contributors (partners'
    people included), not viewers, who change nothing."""
    return (
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=[Membership.Role.LEAD, Membership.Role.CONTRIBUTOR]
        )
        .select_related("user", "partner")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


@transaction.atomic
def criteria_assign(*, assessment: Assessment, by, criterion_ids: list[int], assignee) -> int:
    """Give these criteria of the assessment to `assignee` (a lead or contributor of the
    organisation), or to nobody when `assignee` is None. Only leads share out the work, and only
    while the assessment is with the organisation. Returns how many criteria changed hands;
    criteria already with that person are left as they are. One audit event for the lot."""
    locked = _lock_editable(assessment)
    _require_lead(by, locked.organisation_id)
    if not criterion_ids:
        raise AssignmentRefused("Choose at least one criterion or principle")
    if assignee is not None and not assignable_members(locked.organisation_id).filter(user=assignee).exists():
        raise AssignmentRefused(
            "Choose a lead or contributor of this organisation: viewers and people outside it cannot be "
            "given work"
        )
    responses = CriterionResponse.objects.filter(assessment=locked, criterion_id__in=set(criterion_ids))
    if responses.count() != len(set(criterion_ids)):
        raise AssignmentRefused("Choose criteria of this self-assessment")
    changing = (
        responses.exclude(assigned_to=assignee)
        if assignee is not None
        else responses.exclude(assigned_to=None)
    )
    codes = sorted(
        changing.values_list("criterion__code", flat=True),
        key=lambda code: [int(part) if part.isdigit() else part for part in code.split(".")],
    )
    if not codes:
        return 0
    now = timezone.now()
    changing.update(
        assigned_to=assignee,
        assigned_by=by if assignee is not None else None,
        assigned_at=now if assignee is not None else None,
    )
    cycle = locked.cycle.label
    who = (assignee.get_full_name() or assignee.get_username()) if assignee is not None else "nobody"
    record(
        "assessment.assigned",
        f"Gave criteria {answers_module.and_list(codes)} of the {cycle} self-assessment to {who}",
        actor=by,
        organisation=locked.organisation_id,
        obj=locked,
        detail={
            "object": f"{cycle} self-assessment",
            "criteria": codes,
            "assignee": assignee.get_username() if assignee is not None else None,
        },
    )
    return len(codes)


@transaction.atomic
def assignments_release(*, organisation_id: int, user, by=None) -> int:
    """A person removed from an organisation keeps none of its work: the criteria given to them
    in its self-assessments still with the organisation go back to nobody, with one audit event
    per assessment. Called on `organisations.signals.member_removed` (apps.py)."""
    released = 0
    for assessment in (
        Assessment.objects.select_for_update()
        .filter(organisation_id=organisation_id, status__in=Assessment.EDITABLE)
        .order_by("pk")
    ):
        responses = CriterionResponse.objects.filter(assessment=assessment, assigned_to=user)
        codes = sorted(
            responses.values_list("criterion__code", flat=True),
            key=lambda code: [int(part) if part.isdigit() else part for part in code.split(".")],
        )
        if not codes:
            continue
        responses.update(assigned_to=None, assigned_by=None, assigned_at=None)
        released += len(codes)
        record(
            "assessment.assigned",
            f"Criteria {answers_module.and_list(codes)} of the {assessment.cycle.label} self-assessment are "
            f"no longer given to {user.get_full_name() or user.get_username()}, who left the organisation",
            actor=by,
            organisation=organisation_id,
            obj=assessment,
            detail={
                "object": f"{assessment.cycle.label} self-assessment",
                "criteria": codes,
                "assignee": None,
                "released_from": user.get_username(),
            },
        )
    return released


def member_removed(sender, *, organisation, user, by=None, **kwargs) -> None:
    """Receiver of organisations.signals.member_removed (connected in apps.py)."""
    assignments_release(organisation_id=organisation.pk, user=user, by=by)


@transaction.atomic
def response_mark_ready(*, response: CriterionResponse, by, ready: bool) -> CriterionResponse:
    """Mark a criterion's answer "ready for the lead" (`ready=True`), or take the mark back.

    Any lead or contributor may, not only the person it is assigned to: the lead keeps the
    last word. Only an answered criterion can be ready, and a level needs its reasoning first
    (as submitting does). Marking twice, or taking back what is not marked, changes nothing."""
    assessment = _lock_editable(response.assessment)
    _require_editor(by, assessment)
    current = CriterionResponse.objects.select_related("criterion").get(pk=response.pk)
    if ready == current.is_ready:
        return current
    code = current.criterion.code
    if ready:
        if not current.is_answered:
            raise ReadyRefused(f"Answer criterion {code} before you mark it ready for the lead")
        if current.score is not None and not current.narrative.strip():
            raise ReadyRefused(
                f"Give the evidence and reasoning for criterion {code} before you mark it ready for the lead"
            )
    CriterionResponse.objects.filter(pk=current.pk).update(
        ready_by=by if ready else None, ready_at=timezone.now() if ready else None
    )
    label = assessment.cycle.label
    record(
        "assessment.ready" if ready else "assessment.not_ready",
        f"Marked criterion {code} of the {label} self-assessment ready for the lead"
        if ready
        else f"Took back criterion {code} of the {label} self-assessment: not ready for the lead",
        actor=by,
        organisation=assessment.organisation_id,
        obj=current,
        detail={"object": f"Criterion {code}, {label} self-assessment", "criterion": code},
    )
    return CriterionResponse.objects.select_related("criterion", "ready_by").get(pk=current.pk)


def citable_files(organisation: Organisation):
    """Files the organisation may cite: clean revisions of its own items that are not deleted."""
    return EvidenceFile.objects.filter(
        item__organisation=organisation,
        item__deleted_at__isnull=True,
        scan_status=EvidenceFile.ScanStatus.CLEAN,
    )


@transaction.atomic
def citation_add(*, response: CriterionResponse, by, file_id: Any, location: str, note: str) -> Citation:
    """Cite one revision of a file from the organisation's own library.

    The file is looked up within the organisation's library, so another organisation's file id
    and an id that does not exist get the same answer, and nothing is saved."""
    assessment = _lock_editable(response.assessment)
    _require_editor(by, assessment)
    try:
        file = citable_files(assessment.organisation).get(pk=int(file_id))
    except (EvidenceFile.DoesNotExist, TypeError, ValueError):
        owner_id = (
            EvidenceFile.objects.filter(pk=int(file_id))
            .values_list("item__organisation_id", flat=True)
            .first()
            if str(file_id).isdigit()
            else None
        )
        if owner_id == assessment.organisation_id:
            # Theirs, but deleted or not clean since the page was shown.
            raise CitationRefused(NOT_IN_LIBRARY) from None
        raise CitationRefused(
            OUTSIDE_LIBRARY.format(organisation=assessment.organisation.name),
            outside_library=True,
            owner_id=owner_id,
        ) from None
    if Citation.objects.filter(response=response, file=file, location=location).exists():
        raise CitationRefused("You have already cited this place in this file for this criterion")
    try:
        with transaction.atomic():
            return Citation.objects.create(
                response=response, file=file, location=location, note=note, created_by=by
            )
    except IntegrityError:
        raise CitationRefused("You have already cited this place in this file for this criterion") from None


def citation_refusal_record(
    *, response: CriterionResponse, by, file_id: Any, refused: CitationRefused
) -> None:
    """Record a citation form that named a file outside the organisation's library, against the
    organisation whose file it is (so its leads see that someone outside tried), or the
    citing organisation's when no such file exists. Called after the refusal's transaction."""
    assessment = response.assessment
    record(
        "access.refused",
        f"Refused a citation of evidence file {str(file_id)[:20]}, which is not in the citing "
        "organisation's library",
        actor=by,
        organisation=refused.owner_id or assessment.organisation_id,
        detail={
            "object": f"Evidence file {str(file_id)[:20]}",
            "field": "file",
            "posted_id": str(file_id)[:20],
            "citing_organisation": assessment.organisation.code,
        },
    )


@transaction.atomic
def citation_remove(*, citation: Citation, by) -> None:
    assessment = _lock_editable(citation.response.assessment)
    _require_editor(by, assessment)
    citation.delete()


# ---------------------------------------------------------------------------------------------
# Submitting and returning


def snapshot_sha256(data: dict[str, Any]) -> str:
    """The snapshot's proof: the same answers give the same hash, whatever order a database
    gives its keys back in."""
    return json_sha256(data)


def _person(user) -> dict[str, str]:
    return {"username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def _when(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def build_snapshot(*, assessment: Assessment, number: int, by, at, reply: str = "") -> dict[str, Any]:
    """Everything that was submitted, as plain JSON data: the proof of what CQC received.

    Each citation carries the SHA-256 of the exact file revision cited, so the file can be
    checked later; the rubric version carries its content hash, so the wording can be."""
    loaded = answers_module.load(assessment, with_previous=False)
    # Who wrote each answer and uploaded each file, as the pages name them: "Priya Shah,
    # Healthwatch Northmoor" for a partner's person.
    partners = partner_names(assessment.organisation)
    citations: dict[int, list[dict[str, Any]]] = {}
    for c in (
        Citation.objects.filter(response__assessment=assessment)
        .select_related("file__item", "file__uploaded_by")
        .order_by("response_id", "pk")
    ):
        item, file = c.file.item, c.file
        citations.setdefault(c.response_id, []).append(
            {
                "title": item.title,
                "category": item.category,
                "kind": item.kind,
                "evidence_date": item.evidence_date.isoformat() if item.evidence_date else None,
                "original_name": file.original_name,
                "revision": file.revision,
                "sha256": file.sha256,
                "size": file.size,
                "content_type": file.content_type,
                "uploaded_at": _when(file.uploaded_at),
                "uploaded_by": name_of(file.uploaded_by, partners),
                "location": c.location,
                "note": c.note,
            }
        )
    version = assessment.rubric_version
    overall = loaded.overall
    # CQC's questions so far, each with the organisation's answers (none before a first return).
    questions = [q.as_snapshot() for q in cqc_questions.sent_questions(assessment)]
    return {
        **({"questions": questions} if questions else {}),
        "format": SNAPSHOT_FORMAT,
        "organisation": {"code": assessment.organisation.code, "name": assessment.organisation.name},
        "cycle": assessment.cycle.label,
        "submission": number,
        "submitted_at": _when(at),
        "submitted_by": _person(by),
        "reply": reply,
        "rubric": {"label": version.label, "title": version.title, "content_hash": version.content_hash},
        "self_assessed": {
            "rating": overall.rating,
            "percentage": format_percentage(overall.percentage) if overall.percentage is not None else None,
            "points": overall.points,
            "max_points": overall.max_points,
            "indicative": overall.indicative,
        },
        "principles": [
            {
                "number": p.principle.number,
                "title": p.principle.title,
                "self_assessed": {
                    "score": p.result.score,
                    "percentage": format_percentage(p.result.percentage)
                    if p.result.percentage is not None
                    else None,
                    "points": p.result.points,
                    "max_points": p.result.max_points,
                    "shortfalls": list(p.result.shortfalls),
                },
                "criteria": [
                    {
                        "code": c.criterion.code,
                        "text": c.criterion.text,
                        "score": c.response.score,
                        "not_evidenced": c.response.not_evidenced,
                        "narrative": c.response.narrative,
                        "answered_by": name_of(c.response.updated_by, partners),
                        "citations": citations.get(c.response.pk, []),
                    }
                    for c in p.criteria
                ],
            }
            for p in loaded.principles
        ],
    }


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, by, declaration: bool, acknowledged_warnings: bool, reply: str = ""
) -> Submission:
    """Submit to CQC: freeze a snapshot with its SHA-256, record it, and make the answers read-only.

    Only leads submit, and only with the declaration confirmed. Every criterion must be answered;
    warnings (a high score with no evidence, a principle with evidence from too few categories)
    must be acknowledged. Resubmitting after CQC returned the assessment needs a reply to CQC's
    questions, which is recorded as the transition's comment and in the snapshot."""
    locked = _lock_editable(assessment)
    _require_lead(by, locked.organisation_id)
    current = Assessment.objects.select_related("organisation", "cycle", "rubric_version").get(pk=locked.pk)
    reply = reply.strip()
    problems = []
    if not declaration:
        problems.append(
            "Confirm that the self-assessment is accurate and that you have authority to submit it"
        )
    if current.status == Assessment.Status.DRAFT and current.cycle.is_closed:
        problems.append(
            f"The {current.cycle.label} cycle is closed, so this self-assessment can no longer be submitted"
        )
    if current.status == Assessment.Status.RETURNED:
        # CQC's questions are answered one by one on the questions page; a return that sent
        # none (a comment only) is answered in the reply.
        questions = cqc_questions.sent_questions(current)
        unanswered_questions = [q.subject for q in questions if not q.answered]
        if unanswered_questions:
            subjects = answers_module.and_list(unanswered_questions)
            problems.append(
                f"Answer every one of CQC's questions before you resubmit. Not answered yet: {subjects}"
            )
        elif not questions and not reply:
            problems.append("Answer CQC's questions before you resubmit")
    loaded = answers_module.load(current, with_previous=False)
    unanswered = loaded.unanswered()
    if unanswered:
        codes = answers_module.and_list([c.criterion.code for c in unanswered])
        problems.append(f"Answer every criterion before you submit. Not answered yet: {codes}")
    unreasoned = loaded.unreasoned()
    if unreasoned:
        codes = answers_module.and_list([c.criterion.code for c in unreasoned])
        problems.append(f"A score needs its reasoning. Give the evidence and reasoning for: {codes}")
    if loaded.warnings() and not acknowledged_warnings:
        problems.append("Confirm that you have read the warnings and want to submit anyway")
    if problems:
        raise SubmissionRefused(problems)

    now = timezone.now().replace(microsecond=0)
    number = (current.submissions.aggregate(last=Max("number"))["last"] or 0) + 1
    snapshot = build_snapshot(assessment=current, number=number, by=by, at=now, reply=reply)
    submission = Submission.objects.create(
        assessment=current,
        number=number,
        snapshot=snapshot,
        sha256=snapshot_sha256(snapshot),
        submitted_by=by,
        submitted_at=now,
    )
    transition_record(
        assessment=current,
        from_status=current.status,
        to_status=Assessment.Status.SUBMITTED,
        by=by,
        comment=reply,
    )
    current.status = Assessment.Status.SUBMITTED
    current.save(update_fields=["status"])
    assessment.status = current.status
    notices.submitted(current, submission)
    assessment_submitted.send(sender=Assessment, assessment=current, submission=submission)
    return submission


def assessment_resubmit(
    *, assessment: Assessment, by, reply: str, acknowledged_warnings: bool = False, declaration: bool
) -> Submission:
    """Submit again after CQC returned the assessment with questions; `reply` answers them."""
    if assessment.status != Assessment.Status.RETURNED:
        raise FrozenAssessmentError("Only an assessment CQC has returned can be resubmitted.")
    return assessment_submit(
        assessment=assessment,
        by=by,
        declaration=declaration,
        acknowledged_warnings=acknowledged_warnings,
        reply=reply,
    )


@transaction.atomic
def assessment_return(*, assessment: Assessment, by, comment: str) -> Transition:
    """CQC sends a submitted assessment back with questions; the organisation can change it again.

    (The assessor's pages come in a later issue; for now tests and the shell call this.)"""
    if not is_assessor(by):
        raise PermissionDenied("Only CQC assessors can return a self-assessment")
    comment = comment.strip()
    if not comment:
        raise ValidationError("Say what CQC needs to know: a return needs questions.")
    locked = _lock(assessment)
    if locked.status not in {Assessment.Status.SUBMITTED, Assessment.Status.IN_REVIEW}:
        raise ValidationError(f"A {locked.get_status_display().lower()} self-assessment cannot be returned.")
    transition = transition_record(
        assessment=locked,
        from_status=locked.status,
        to_status=Assessment.Status.RETURNED,
        by=by,
        comment=comment,
    )
    locked.status = Assessment.Status.RETURNED
    locked.save(update_fields=["status"])
    assessment.status = locked.status
    return transition


def report_download_record(*, assessment: Assessment, by, submission: Submission | None = None) -> None:
    """A report leaving the portal: a draft of the live answers (`submission=None`), or what one
    submission sent to CQC. Recorded as it is sent, like evidence downloads."""
    what = f"the {assessment.cycle.label} self-assessment"
    if submission is None:
        label = f"Draft report of {what}"
    else:
        label = f"Report of submission {submission.number} of {what}"
    record(
        "report.download",
        f"Downloaded the {label[0].lower()}{label[1:]}",
        actor=by,
        organisation=assessment.organisation_id,
        obj=submission or assessment,
        detail={"object": label, "submission": submission.number if submission else None},
    )


@dataclass(frozen=True)
class SubmissionCheck:
    """Whether a stored snapshot still hashes to the SHA-256 recorded when it was submitted."""

    recorded: str
    computed: str

    @property
    def matches(self) -> bool:
        return self.recorded == self.computed


def submission_check(submission: Submission) -> SubmissionCheck:
    return SubmissionCheck(recorded=submission.sha256, computed=snapshot_sha256(submission.snapshot))
