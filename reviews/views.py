"""CQC's review pages, under /review/: for CQC assessors only.

Anyone else signed in gets a 403 on every page (organisation people are told these pages are
CQC's); an assessment that has never been submitted is a 404 even for assessors (a draft is the
organisation's private working material). Every write goes through reviews/services.py, which
checks the person and the assessment's status again; a refused write re-renders the page with
what was typed, and says why.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, DateField, F, Max, OuterRef, Q, Subquery, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.answers import score_label
from assessments.models import Assessment, AssessmentCycle, Submission, Transition
from engagement_portal.dates import govuk_date
from engagement_portal.lib.confirmations import confirmed_at
from engagement_portal.lib.pagination import paginate
from notifications.services import told
from organisations.models import Organisation
from organisations.roles import is_assessor
from principles.models import RubricVersion
from reviews import history, services, workspace
from reviews.changes import compare
from reviews.models import (
    AssessorScore,
    Clarification,
    FactualAccuracyComment,
    Outcome,
    PrincipleDecision,
    PrincipleModeration,
    Review,
)

ASSESSMENT_STATUSES = [(s, label) for s, label in Assessment.Status.choices if s in services.REVIEWABLE]
NOT_EVIDENCED = "not_evidenced"
# The queue holds every submission of every cycle, so it comes a page at a time.
QUEUE_PAGE_SIZE = 50


def _require_assessor(request: HttpRequest) -> None:
    if not is_assessor(request.user):
        raise PermissionDenied("These pages are for CQC assessors")


def _assessment(request: HttpRequest, code: str, cycle: str) -> Assessment:
    _require_assessor(request)
    # The latest submission comes with it, all but its snapshot (reviews/workspace.py's
    # latest_submission reads it, and keeps snapshots once read).
    latest = Submission.objects.filter(assessment=OuterRef("pk")).order_by("-number")
    try:
        return (
            Assessment.objects.select_related(
                "organisation", "cycle", "rubric_version", "review__assigned_to", "review__outcome"
            )
            .annotate(
                latest_submission_pk=Subquery(latest.values("pk")[:1]),
                latest_submission_number=Subquery(latest.values("number")[:1]),
                latest_submission_at=Subquery(latest.values("submitted_at")[:1]),
                latest_submission_sha256=Subquery(latest.values("sha256")[:1]),
            )
            .get(organisation__code=code, cycle__slug=cycle, status__in=services.REVIEWABLE)
        )
    except Assessment.DoesNotExist:
        raise Http404("No such submitted assessment") from None


def _kwargs(assessment: Assessment, **extra) -> dict:
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _url(name: str, assessment: Assessment, **extra) -> str:
    return reverse(name, kwargs=_kwargs(assessment, **extra))


def _review(assessment: Assessment) -> Review:
    """The assessment's review (read with it by `_assessment`), or an unsaved one."""
    try:
        return assessment.review
    except Review.DoesNotExist:
        return Review(assessment=assessment)


def _outcome(review: Review) -> Outcome | None:
    """The review's outcome (read with the assessment by `_assessment`), or None."""
    if review.pk is None:
        return None
    try:
        return review.outcome
    except Outcome.DoesNotExist:
        return None


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Nobody"


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue, read in Python: the template looked up every one of these through
    several attributes per row (and reversed two URLs), which was half the page's CPU time."""

    organisation_name: str
    organisation_type: str
    organisation_region: str
    cycle_label: str
    submitted_at: datetime.datetime | None
    submission_number: int
    status: str
    status_label: str
    assigned_name: str | None
    workspace_url: str
    assign_url: str | None
    waiting_on: str | None  # "CQC" or "the organisation"; None once assessed
    days_waiting: int | None
    due_what: str | None  # "Reply" or "Factual-accuracy comments"
    due: datetime.date | None
    overdue: bool

    @property
    def resubmitted(self) -> bool:
        return self.submission_number > 1

    @classmethod
    def of(cls, a: Assessment, user, today: datetime.date) -> QueueRow:
        review = getattr(a, "review", None)  # read with the row (select_related); None if none
        assignee = review.assigned_to if review is not None else None
        kwargs = {"code": a.organisation.code, "cycle": a.cycle.slug}
        # Only an unassigned review is offered to take: reassigning is the workspace's, confirmed.
        offer = assignee is None and a.status != Assessment.Status.ASSESSED
        since = a.changed_at or a.submitted_at
        waiting_on = {
            Assessment.Status.SUBMITTED: "CQC",
            Assessment.Status.IN_REVIEW: "CQC",
            Assessment.Status.RETURNED: "the organisation",
        }.get(a.status)
        due_what = None
        if a.due is not None:
            due_what = "Reply" if a.status == Assessment.Status.RETURNED else "Factual-accuracy comments"
        return cls(
            organisation_name=a.organisation.name,
            organisation_type=a.organisation.get_type_display(),
            organisation_region=a.organisation.get_region_display(),
            cycle_label=a.cycle.label,
            submitted_at=a.submitted_at,
            submission_number=a.submission_number or 1,
            status=a.status,
            status_label=a.get_status_display(),
            assigned_name=(assignee.get_full_name() or assignee.username) if assignee else None,
            workspace_url=reverse("review_workspace", kwargs=kwargs),
            assign_url=reverse("review_assign", kwargs=kwargs) if offer else None,
            waiting_on=waiting_on,
            days_waiting=(today - timezone.localdate(since)).days if waiting_on and since else None,
            due_what=due_what,
            due=a.due,
            overdue=a.due is not None and a.due < today,
        )


QUEUE_SORTS = {
    "oldest": ("submitted_at",),
    "newest": ("-submitted_at",),
    "waiting": ("changed_at",),
    "due": (F("due").asc(nulls_last=True), "submitted_at"),
}


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Every submitted assessment (never a draft), with filters; sorted by submission date, how
    long it has waited, or what is due first. Each row says whether it is a resubmission, who it
    is waiting on and for how many days, and what is due (a reply to CQC's questions, or
    factual-accuracy comments), marking what is overdue."""
    _require_assessor(request)
    f = {k: request.GET.get(k, "") for k in ("cycle", "type", "region", "status", "assigned", "sort")}
    # The latest status change (the one that made the current status).
    last_change = Transition.objects.filter(assessment=OuterRef("pk")).order_by("-pk")
    # The latest submission's time and number, each a subquery rather than an aggregate over a
    # join: no GROUP BY over every selected column, and a plan the database makes far faster.
    submissions = Submission.objects.filter(assessment=OuterRef("pk")).order_by().values("assessment")
    rows = (
        Assessment.objects.filter(status__in=services.REVIEWABLE)
        .select_related("organisation", "cycle", "review__assigned_to")
        .annotate(
            submitted_at=Subquery(submissions.annotate(at=Max("submitted_at")).values("at")),
            submission_number=Subquery(submissions.annotate(n=Max("number")).values("n")),
            changed_at=Subquery(last_change.values("at")[:1]),
            due=Case(
                When(status=Assessment.Status.RETURNED, then=F("review__reply_by")),
                When(
                    status=Assessment.Status.IN_REVIEW,
                    review__outcome__shared_at__isnull=False,
                    review__outcome__finalised_at__isnull=True,
                    then=F("review__outcome__fa_deadline"),
                ),
                default=None,
                output_field=DateField(),
            ),
        )
    )
    if f["cycle"]:
        rows = rows.filter(cycle__slug=f["cycle"])
    if f["type"]:
        rows = rows.filter(organisation__type=f["type"])
    if f["region"]:
        rows = rows.filter(organisation__region=f["region"])
    if f["status"]:
        rows = rows.filter(status=f["status"])
    if f["assigned"] == "none":
        rows = rows.filter(Q(review__isnull=True) | Q(review__assigned_to__isnull=True))
    elif f["assigned"] == "me":
        rows = rows.filter(review__assigned_to=request.user)
    elif f["assigned"].isdigit():
        rows = rows.filter(review__assigned_to_id=int(f["assigned"]))
    rows = rows.order_by(*QUEUE_SORTS.get(f["sort"], QUEUE_SORTS["oldest"]), "organisation__name")
    people = services.assessors()
    pages = paginate(request, rows, QUEUE_PAGE_SIZE)
    today = timezone.localdate()
    return render(
        request,
        "reviews/queue.html",
        {
            **pages,
            "rows": [QueueRow.of(a, request.user, today) for a in pages["page"].object_list],
            "filters": f,
            "sorts": [
                ("oldest", "Submitted, oldest first"),
                ("newest", "Submitted, newest first"),
                ("waiting", "Waiting longest"),
                ("due", "Due soonest"),
            ],
            "cycles": AssessmentCycle.objects.all(),
            "types": Organisation.Type.choices,
            "regions": Organisation.Region.choices,
            "statuses": ASSESSMENT_STATUSES,
            "assessors": people,
            "filtered": any(f[k] for k in ("cycle", "type", "region", "status", "assigned")),
        },
    )


@require_http_methods(["GET", "POST"])
def review_assign(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Assigning a review: "Assign to me" from the queue for an unassigned one, or the workspace's
    assign page, where changing who has it is a separate, confirmed step. Each form says who had
    the review when it was shown (`current`): if someone else assigned it in the meantime, the
    change is refused rather than silently taking the review from them."""
    assessment = _assessment(request, code, cycle)
    review = _review(assessment)
    if request.method == "GET":
        return _assign_page(request, assessment, review)
    value = request.POST.get("assignee", "")
    back = _url("review_workspace", assessment) if request.POST.get("back") == "workspace" else None
    back = back or reverse("review_queue")
    if value in {"", "none"}:
        assignee = None
    else:
        assignee = get_user_model().objects.filter(pk=int(value) if value.isdigit() else -1).first()
        if assignee is None or not is_assessor(assignee):
            return _assign_page(
                request,
                assessment,
                review,
                error="Choose a CQC assessor to assign the review to.",
                status=400,
            )
    current = request.POST.get("current")  # who had it when the form was shown ("none": nobody)
    if current is None:
        expected = services.UNCHECKED
    else:
        expected = None if current == "none" else int(current) if current.isdigit() else -1
    try:
        services.review_assign(assessment=assessment, by=request.user, assignee=assignee, expected=expected)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    messages.success(
        request,
        f"{assessment.organisation.name}'s {assessment.cycle.label} review: assigned to {_name(assignee)}.",
    )
    return redirect(back)


def _assign_page(request, assessment, review, *, error=None, status=200) -> HttpResponse:
    return render(
        request,
        "reviews/assign.html",
        {
            "assessment": assessment,
            "review": review,
            "assessors": [p for p in services.assessors() if p.pk != review.assigned_to_id],
            "final": assessment.status == Assessment.Status.ASSESSED,
            "errors": [("assignee", error)] if error else [],
        },
        status=status,
    )


def _questions(assessment: Assessment) -> list[Clarification]:
    """The assessment's questions, each with its replies (`q.replies.all`), in one query: every
    message of every thread is read at once and the replies are handed to their questions as a
    prefetch would."""
    messages_in_threads = list(
        Clarification.objects.filter(assessment=assessment)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    replies: dict[int, list[Clarification]] = defaultdict(list)
    for message in messages_in_threads:
        if message.parent_id is not None:
            replies[message.parent_id].append(message)
    questions = [m for m in messages_in_threads if m.parent_id is None]
    for question in questions:
        question._prefetched_objects_cache = {"replies": replies[question.pk]}
        question.place = f"question-{question.pk}"
    return questions


def _workspace_page(
    request, assessment, *, notes=None, notes_error=None, status=200, **extra
) -> HttpResponse:
    review = _review(assessment)
    ws = workspace.build(assessment, review)
    if ws is None:
        raise Http404("No submission")
    # Read only if the history names an assignee other than the review's (reviews/history.entries).
    people = services.assessors
    # Each criterion's and principle's link, reversed here rather than by {% url %} in the
    # template's loops (which looked up the organisation's code and cycle's slug every time).
    # A second assessor (anyone but the review's assessor) is led to each principle's moderation.
    moderator = assessment.status == Assessment.Status.IN_REVIEW and review.assigned_to_id != request.user.pk
    for p in ws.principles:
        p.url = _url("review_principle", assessment, number=p.number)
        p.place = f"principle-{p.number}"
        p.moderate_url = (
            _url("review_moderate", assessment, number=p.number) if moderator and p.assessed else None
        )
        for row in p.criteria:
            row.url = _url("review_criterion", assessment, criterion=row.code)
    questions = _questions(assessment)
    return render(
        request,
        "reviews/workspace.html",
        {
            "assessment": assessment,
            "review": review,
            "ws": ws,
            "outcome": _outcome(review),
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
            "can_start": assessment.status == Assessment.Status.SUBMITTED,
            "notes": review.cqc_notes if notes is None else notes,
            "notes_error": notes_error,
            # In the models' order within one assessment (at, pk), written out: their orderings
            # start with "assessment" and "review", which joined the assessment, its cycle and
            # organisation only to sort rows that all share them.
            "history": history.entries(
                assessment.transitions.select_related("by").order_by("at", "pk"),
                review.events.select_related("by").order_by("at", "pk") if review.pk else [],
                people,
                known=[review.assigned_to],
            ),
            "questions": questions,
            "has_changes": ws.submission.number > 1,
            # Confirmations shown beside what they confirm, where the assessor lands.
            "message_places": {p.place for p in ws.principles} | {"questions"} | {q.place for q in questions},
            **extra,
        },
        status=status,
    )


@require_GET
def review_workspace(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    return _workspace_page(request, _assessment(request, code, cycle))


@require_POST
def review_start(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    try:
        services.review_start(assessment=assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Review started: you can now score each criterion.")
    return redirect(_url("review_workspace", assessment))


@require_POST
def review_notes(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    notes = request.POST.get("notes", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.notes_save(assessment=assessment, by=request.user, expected_version=version, notes=notes)
    except services.StaleScoreError as error:
        return _workspace_page(
            request,
            assessment,
            notes=notes,
            notes_error="Someone else changed the notes since you opened this page. Their notes are "
            f"now saved; yours are below. Saved notes: {error.current.cqc_notes}",
            status=409,
        )
    messages.success(request, "CQC notes saved.")
    return redirect(_url("review_workspace", assessment))


def _criterion_page(request, assessment, ws, principle, row, *, form=None, errors=None, status=200, **extra):
    return render(
        request,
        "reviews/criterion.html",
        {
            "assessment": assessment,
            "ws": ws,
            "principle": principle,
            "row": row,
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
            "form": form
            or {
                "score": (
                    NOT_EVIDENCED
                    if row.assessor and row.assessor.not_evidenced
                    else str(row.assessor.score or "")
                    if row.assessor
                    else ""
                ),
                "rationale": row.assessor.rationale if row.assessor else "",
                "version": row.assessor.version if row.assessor else 0,
            },
            "errors": errors or [],
            "score_errors": [message for field, message in errors or [] if field == "score"],
            # In the order, and with the names and descriptors, of the organisation's own page.
            "levels": [
                (str(level), score_label(level), dict(row.descriptors).get(level, ""))
                for level in (1, 2, 3, 4)
            ]
            + [(NOT_EVIDENCED, "Not evidenced", "There is not enough evidence to score this criterion.")],
            "position": ws.position(row.code),
            "next_row": ws.after(row.code),
            "questions": [q for q in _questions(assessment) if q.criterion_code == row.code],
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def review_criterion(request: HttpRequest, code: str, cycle: str, criterion: str) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    review = _review(assessment)
    ws = workspace.build(assessment, review)
    found = ws.find(criterion) if ws else None
    if found is None:
        raise Http404("No such criterion")
    principle, row = found
    if request.method == "GET":
        return _criterion_page(request, assessment, ws, principle, row)
    choice = request.POST.get("score", "")
    rationale = request.POST.get("rationale", "")
    version_text = request.POST.get("version", "")
    form = {"score": choice, "rationale": rationale, "version": version_text}
    if choice == NOT_EVIDENCED:
        score, not_evidenced = None, True
    elif choice in {"1", "2", "3", "4"}:
        score, not_evidenced = int(choice), False
    else:
        return _criterion_page(
            request, assessment, ws, principle, row, form=form,
            errors=[("score", "Choose a score from 1 to 4, or not evidenced")], status=400,
        )  # fmt: skip
    try:
        services.score_save(
            assessment=assessment,
            criterion_code=row.code,
            by=request.user,
            expected_version=int(version_text) if version_text.isdigit() else -1,
            score=score,
            not_evidenced=not_evidenced,
            rationale=rationale,
        )
    except services.StaleScoreError as error:
        saved = error.current
        form["version"] = saved.version
        message = (
            f"Someone else scored this criterion since you opened it: {_name(saved.updated_by)} saved "
            f"“{'Not evidenced' if saved.not_evidenced else saved.score}”. Your score and rationale are "
            "below; save again to replace theirs."
        )
        return _criterion_page(
            request, assessment, ws, principle, row, form=form, errors=[("score", message)], status=409
        )
    except ValidationError as error:
        return _criterion_page(
            request, assessment, ws, principle, row, form=form,
            errors=[("score", m) for m in error.messages], status=400,
        )  # fmt: skip
    following = ws.after(row.code) if request.POST.get("then") == "next" else None
    if following is not None:
        messages.success(request, f"Score for {row.code} saved.")
        return redirect(_url("review_criterion", assessment, criterion=following.code))
    return _saved_at_principle(request, assessment, principle.number, f"Score for {row.code} saved.")


def _saved_at_principle(request, assessment, number: int, message: str) -> HttpResponse:
    """Back to the workspace at the principle, with the confirmation beside it, focused (the
    page is long: a message at the top would be out of sight)."""
    return confirmed_at(request, _url("review_workspace", assessment), f"principle-{number}", message)


def _principle_page(request, assessment, ws, principle, *, form=None, errors=None, status=200, **extra):
    return render(
        request,
        "reviews/principle.html",
        {
            "assessment": assessment,
            "ws": ws,
            "principle": principle,
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
            "form": form
            or {
                "override": str(principle.override or ""),
                "rationale": principle.decision.rationale if principle.decision else "",
            },
            "choices": (
                [s for s in (principle.calculated + 1, principle.calculated - 1) if 1 <= s <= 4]
                if principle.calculated
                else []
            ),
            "errors": errors or [],
            "questions": [q for q in _questions(assessment) if q.principle_number == principle.number],
            "can_moderate": ws.review.assigned_to_id != request.user.pk,
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def review_principle(request: HttpRequest, code: str, cycle: str, number: int) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    ws = workspace.build(assessment, _review(assessment))
    principle = ws.principle(number) if ws else None
    if principle is None:
        raise Http404("No such principle")
    if request.method == "GET":
        return _principle_page(request, assessment, ws, principle)
    choice = request.POST.get("override", "")
    rationale = request.POST.get("rationale", "")
    form = {"override": choice, "rationale": rationale}
    if choice not in {"", "none", "1", "2", "3", "4"}:
        return _principle_page(
            request, assessment, ws, principle, form=form,
            errors=[("override", "Choose a score one level above or below the calculated score")], status=400,
        )  # fmt: skip
    try:
        services.override_save(
            assessment=assessment,
            principle_number=number,
            calculated=principle.calculated,
            by=request.user,
            override=int(choice) if choice.isdigit() else None,
            rationale=rationale,
        )
    except ValidationError as error:
        field = "rationale" if "Explain" in error.messages[0] else "override"
        return _principle_page(
            request, assessment, ws, principle, form=form, errors=[(field, error.messages[0])], status=400
        )
    return _saved_at_principle(request, assessment, number, f"Principle {number}'s score saved.")


# ---------------------------------------------------------------------------------------------
# Questions, returning and what changed


@require_POST
def review_question(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Ask a question on a criterion, a principle or the whole assessment."""
    assessment = _assessment(request, code, cycle)
    body = request.POST.get("question", "")
    criterion = request.POST.get("criterion", "")
    number = request.POST.get("principle", "")
    ws = workspace.build(assessment, _review(assessment))
    found = ws.find(criterion) if criterion else None
    principle = ws.principle(int(number)) if number.isdigit() else None
    if (criterion and found is None) or (number and principle is None):
        raise Http404("No such criterion or principle")
    try:
        services.question_ask(
            assessment=assessment,
            by=request.user,
            body=body,
            criterion_code=criterion,
            principle_number=principle.number if principle else None,
        )
    except ValidationError as error:
        extra = {"question": body, "question_error": error.messages[0]}
        errors = [("question", error.messages[0])]
        if found:
            return _criterion_page(request, assessment, ws, *found, errors=errors, status=400, **extra)
        if principle:
            return _principle_page(request, assessment, ws, principle, errors=errors, status=400, **extra)
        return _workspace_page(request, assessment, status=400, **extra)
    saved = "Question saved. It is sent when you return the self-assessment."
    if found:
        messages.success(request, saved)
        return redirect(_url("review_criterion", assessment, criterion=criterion))
    if principle:
        messages.success(request, saved)
        return redirect(_url("review_principle", assessment, number=principle.number))
    return confirmed_at(request, _url("review_workspace", assessment), "questions", saved)


@require_POST
def review_reply(request: HttpRequest, code: str, cycle: str, question_id: int) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    question = Clarification.objects.filter(assessment=assessment, parent=None, pk=question_id).first()
    if question is None:
        raise Http404("No such question")
    body = request.POST.get("body", "")
    try:
        services.question_reply(question=question, by=request.user, body=body)
    except ValidationError as error:
        return _workspace_page(
            request, assessment, status=400, reply_to=question.pk, reply=body, reply_error=error.messages[0]
        )
    return confirmed_at(
        request, _url("review_workspace", assessment), f"question-{question.pk}", "Reply saved."
    )


@require_http_methods(["GET", "POST"])
def review_return(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Return the assessment to the organisation with the questions not sent yet, and the date
    it should reply by (suggested: services.default_reply_by)."""
    assessment = _assessment(request, code, cycle)
    unsent = [q for q in _questions(assessment) if q.sent_at is None and q.from_cqc]
    comment = request.POST.get("comment", "")
    errors = []
    suggested = services.default_reply_by(assessment)
    reply = {"day": suggested.day, "month": suggested.month, "year": suggested.year}
    if request.method == "POST":
        reply = {part: request.POST.get(f"reply-by-{part}", "") for part in ("day", "month", "year")}
        reply_by, date_error = _date_from(request.POST, "reply-by")
        if date_error or reply_by is None:
            errors = [("reply-by-day", date_error or "Enter the date the organisation should reply by")]
        else:
            try:
                count = services.assessment_return_with_questions(
                    assessment=assessment, by=request.user, comment=comment, reply_by=reply_by
                )
            except ValidationError as error:
                message = error.messages[0]
                errors = [("reply-by-day" if "reply-by" in message else "comment", message)]
            else:
                plural = "s" if count != 1 else ""
                messages.success(
                    request,
                    f"Returned to {assessment.organisation.name} with {count} question{plural}, "
                    f"to reply by {govuk_date(reply_by)}.",
                )
                return redirect(_url("review_workspace", assessment))
    return render(
        request,
        "reviews/return.html",
        {
            "assessment": assessment,
            "unsent": unsent,
            "comment": comment,
            "reply": reply,
            "errors": errors,
            "error_fields": {field: message for field, message in errors},
            "reply_error": next((message for field, message in errors if field == "reply-by-day"), None),
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
        },
        status=400 if errors else 200,
    )


@require_GET
def review_changes(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """What changed between the latest submission and the one before it."""
    assessment = _assessment(request, code, cycle)
    submissions = list(assessment.submissions.order_by("-number")[:2])
    if len(submissions) < 2:
        raise Http404("Only one submission")
    new, old = submissions
    return render(
        request,
        "reviews/changes.html",
        {
            "assessment": assessment,
            "old": old,
            "new": new,
            "changes": compare(old.snapshot, new.snapshot),
            "reply": new.snapshot.get("reply", ""),
        },
    )


@require_GET
def review_emails(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Who was told what about this self-assessment, and whether the email went: so the assessor
    knows the organisation was told (a page of its own, to keep the workspace's queries few)."""
    assessment = _assessment(request, code, cycle)
    return render(
        request,
        "reviews/emails.html",
        {"assessment": assessment, "told": list(told(about_key=f"assessment:{assessment.pk}")[:200])},
    )


# ---------------------------------------------------------------------------------------------
# Outcome: draft, factual accuracy, final


def _date_from(post, prefix: str = "deadline") -> tuple[datetime.date | None, str]:
    day, month, year = (post.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year"))
    if not (day or month or year):
        return None, ""
    try:
        return datetime.date(int(year), int(month), int(day)), ""
    except ValueError:
        return None, "Enter a real date, such as 27 3 2027"


def _outcome_page(request, assessment, *, form=None, errors=None, status=200, **extra):
    review = _review(assessment)
    ws = workspace.build(assessment, review)
    outcome = Outcome.objects.filter(review=review).first() if review.pk else None
    deadline = outcome.fa_deadline if outcome and outcome.fa_deadline else None
    comments = list(outcome.comments.select_related("author", "responded_by")) if outcome else []
    for comment in comments:
        comment.place = f"comment-{comment.pk}"
    if form is None:
        form = {
            "summaries": dict(outcome.summaries) if outcome else {},
            "areas": {k: "\n".join(v) for k, v in (outcome.areas if outcome else {}).items()},
            "day": deadline.day if deadline else "",
            "month": deadline.month if deadline else "",
            "year": deadline.year if deadline else "",
        }
    return render(
        request,
        "reviews/outcome.html",
        {
            "assessment": assessment,
            "ws": ws,
            "outcome": outcome,
            "final_shown": services.outcome_shown(outcome.final, assessment) if outcome else None,
            "comments": comments,
            "message_places": {c.place for c in comments},
            "principles": [
                (p, form["summaries"].get(str(p.number), ""), form.get("areas", {}).get(str(p.number), ""))
                for p in ws.principles
            ],
            "form": form,
            "errors": errors or [],
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def review_outcome(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Write the summaries and share the draft outcome; respond to comments; finalise."""
    assessment = _assessment(request, code, cycle)
    if request.method == "GET":
        return _outcome_page(request, assessment)
    summaries = {
        key.removeprefix("summary-"): value
        for key, value in request.POST.items()
        if key.startswith("summary-")
    }
    areas_typed = {
        key.removeprefix("areas-"): value for key, value in request.POST.items() if key.startswith("areas-")
    }
    form = {
        "summaries": summaries,
        "areas": areas_typed,
        "day": request.POST.get("deadline-day", ""),
        "month": request.POST.get("deadline-month", ""),
        "year": request.POST.get("deadline-year", ""),
    }
    deadline, date_error = _date_from(request.POST)
    if date_error:
        return _outcome_page(
            request, assessment, form=form, errors=[("deadline-day", date_error)], status=400
        )
    try:
        services.outcome_share(
            assessment=assessment,
            by=request.user,
            summaries=summaries,
            fa_deadline=deadline,
            areas={k: services.areas_from_text(v) for k, v in areas_typed.items()},
        )
    except ValidationError as error:
        message = error.messages[0]
        if message.startswith("Write a summary"):
            # Each principle without a summary is marked, and the error summary leads to the first.
            missing = sorted(int(k) for k, v in summaries.items() if k.isdigit() and not v.strip())
            field = f"summary-{missing[0]}" if missing else "summaries"
            return _outcome_page(
                request,
                assessment,
                form=form,
                errors=[(field, message)],
                status=400,
                missing_summaries=missing,
            )
        if "area" in message and "principle " in message:
            number = message.rsplit("principle ", 1)[1].split()[0].rstrip(".")
            return _outcome_page(
                request, assessment, form=form, errors=[(f"areas-{number}", message)], status=400
            )
        field = "deadline-day" if "date" in message or "deadline" in message else "summaries"
        return _outcome_page(request, assessment, form=form, errors=[(field, message)], status=400)
    messages.success(request, "Draft outcome shared with the organisation for factual-accuracy comments.")
    return redirect(_url("review_outcome", assessment))


@require_POST
def review_fa_respond(request: HttpRequest, code: str, cycle: str, comment_id: int) -> HttpResponse:
    assessment = _assessment(request, code, cycle)
    comment = FactualAccuracyComment.objects.filter(
        outcome__review__assessment=assessment, pk=comment_id
    ).first()
    if comment is None:
        raise Http404("No such comment")
    body = request.POST.get("response", "")
    try:
        services.fa_respond(comment=comment, by=request.user, response=body)
    except ValidationError as error:
        return _outcome_page(
            request,
            assessment,
            errors=[(f"response-{comment.pk}", error.messages[0])],
            status=400,
            respond_to=comment.pk,
            response=body,
        )
    return confirmed_at(
        request, _url("review_outcome", assessment), f"comment-{comment.pk}", "Response saved."
    )


@require_http_methods(["GET", "POST"])
def review_finalise(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Finalising, confirmed on a page of its own: what will happen, that it cannot be undone,
    and (before the factual-accuracy deadline has passed) the assessor's reason for finalising
    early. Refused, with the reason kept, while anything stands in the way."""
    assessment = _assessment(request, code, cycle)
    reason = request.POST.get("reason", "")
    errors = []
    if request.method == "POST":
        try:
            services.outcome_finalise(assessment=assessment, by=request.user, reason=reason)
        except ValidationError as error:
            message = error.messages[0]
            errors = [("reason" if "reason" in message else "finalise", message)]
        else:
            messages.success(request, "Outcome finalised: the self-assessment is assessed.")
            return redirect(_url("review_outcome", assessment))
    review = _review(assessment)
    ws = workspace.build(assessment, review)
    outcome = Outcome.objects.filter(review=review).first() if review.pk else None
    if assessment.status != Assessment.Status.IN_REVIEW:
        status = assessment.get_status_display().lower()
        refusals = [f"This self-assessment is {status}: only one in review can be finalised."]
    elif ws.unscored:
        refusals = [f"Score every criterion first: {len(ws.unscored)} not scored yet."]
    else:
        refusals = services.finalise_refusals(outcome)
    return render(
        request,
        "reviews/finalise.html",
        {
            "assessment": assessment,
            "ws": ws,
            "outcome": outcome,
            "early": services.finalising_early(outcome),
            "refusals": refusals,
            # What finalising would freeze, exactly as the organisation will be shown it.
            "data": services.outcome_data(ws, outcome.summaries, outcome.areas)
            if outcome and not refusals
            else None,
            "unanswered": [c for c in outcome.comments.all() if c.responded_at is None] if outcome else [],
            "reason": reason,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# A cycle: calibration and exports


def _cycle(request: HttpRequest, cycle: str) -> AssessmentCycle:
    _require_assessor(request)
    found = AssessmentCycle.objects.filter(slug=cycle).first()
    if found is None:
        raise Http404("No such cycle")
    return found


def _calibration_score(score: int | None, judged: bool) -> str:
    """A calibration cell's half: the score, "no score" when the scoring rule left the principle
    without one (not enough evidence), or a dash when it is not scored yet."""
    if score is not None:
        return str(score)
    return "no score" if judged else "–"


class _Calibration:
    """The calibration table's figures, worked out only when the page's cached fragment is
    missing (first read of `numbers`, `rows` or `distribution`)."""

    def __init__(self, assessments: list[Assessment], latest: dict[int, tuple[int, int]]):
        self.assessments = assessments
        self.latest = latest

    @cached_property
    def _table(self):
        # The rubric versions the scoring needs, read only now: a cached table needs none, and
        # reading one per assessment with them (select_related) was a sixth of the page's CPU.
        versions = RubricVersion.objects.in_bulk({a.rubric_version_id for a in self.assessments})
        for assessment in self.assessments:
            assessment.rubric_version = versions[assessment.rubric_version_id]
        built = workspace.build_many(self.assessments, latest=self.latest)
        table, numbers = [], []
        for assessment in self.assessments:
            ws = built.get(assessment.pk)
            if ws is None:
                continue
            if not numbers:
                numbers = [(p.number, p.title) for p in ws.principles]
            table.append((assessment, {p.number: p for p in ws.principles}))
        return table, numbers

    @cached_property
    def numbers(self) -> list[tuple[int, str]]:
        return self._table[1]

    @cached_property
    def rows(self) -> list:
        # Plain values, worked out once: the table has a cell per principle per organisation.
        return [
            (
                a,
                [
                    {
                        "self": _calibration_score(
                            principles[n].self_score, principles[n].self_result is not None
                        ),
                        "final": _calibration_score(principles[n].final, principles[n].not_enough_evidence),
                    }
                    if n in principles
                    else None
                    for n, _ in self.numbers
                ],
            )
            for a, principles in self._table[0]
        ]

    @cached_property
    def distribution(self) -> list:
        distribution = []
        for number, title in self.numbers:
            rows = [principles[number] for _, principles in self._table[0] if number in principles]
            finals = [p.final for p in rows]
            not_enough = sum(1 for p in rows if p.not_enough_evidence)
            distribution.append(
                (
                    number,
                    title,
                    [finals.count(score) for score in (1, 2, 3, 4)],
                    not_enough,
                    finals.count(None) - not_enough,
                )
            )
        return distribution


def _calibration_fingerprint(cycle_obj: AssessmentCycle, assessments, latest) -> str:
    """What the calibration table is made of, in three small aggregate queries: the assessments
    (status, organisation, latest submission: snapshots never change) and how many assessor
    scores, overrides and moderations there are and when the last changed. Any change to the
    table changes it, so the rendered table is cached under it."""
    in_cycle = {"review__assessment__cycle": cycle_obj}
    parts = [
        (cycle_obj.pk, cycle_obj.slug, cycle_obj.label),
        [(a.pk, a.status, a.organisation.code, a.organisation.name, latest.get(a.pk)) for a in assessments],
        *(
            sorted(model.objects.filter(**in_cycle).aggregate(n=Count("pk"), last=Max("updated_at")).items())
            for model in (AssessorScore, PrincipleDecision, PrincipleModeration)
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@require_GET
def review_calibration(request: HttpRequest, cycle: str) -> HttpResponse:
    """Every organisation's self and assessor principle scores in one table, and how the
    assessor's principle scores are distributed (counts per score, per principle). The rendered
    tables are cached under a fingerprint of everything they show (templates/reviews/calibration.html)."""
    cycle_obj = _cycle(request, cycle)
    assessments = list(
        Assessment.objects.filter(cycle=cycle_obj, status__in=services.REVIEWABLE)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for assessment in assessments:
        assessment.cycle = cycle_obj  # the cycle they were read by, not one copy each
    latest = workspace.latest_submissions([a.pk for a in assessments])
    return render(
        request,
        "reviews/calibration.html",
        {
            "cycle": cycle_obj,
            "fingerprint": _calibration_fingerprint(cycle_obj, assessments, latest),
            "calibration": _Calibration(assessments, latest),
        },
    )


@require_GET
def review_export(request: HttpRequest, cycle: str, fmt: str) -> HttpResponse:
    from reviews import exports

    cycle_obj = _cycle(request, cycle)
    name = f"reviews-{cycle_obj.slug}"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(cycle_obj), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(cycle_obj),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _scorer_name(review: Review) -> str:
    """Whose scores a second assessor moderates: the review's assessor (who started it, if it
    was never assigned)."""
    person = review.assigned_to or review.started_by
    return _name(person) if person else "The first assessor"


def _moderate_page(request, assessment, ws, principle, *, choice=None, reason="", errors=None, status=200):
    review = ws.review
    return render(
        request,
        "reviews/moderate.html",
        {
            "assessment": assessment,
            "ws": ws,
            "principle": principle,
            "in_review": assessment.status == Assessment.Status.IN_REVIEW,
            "scorer": _scorer_name(review),
            "own_review": review.assigned_to_id is not None and review.assigned_to_id == request.user.pk,
            "choice": choice if choice is not None else _moderation_choice(principle.moderation),
            "reason": reason
            if choice is not None
            else (principle.moderation.reason if principle.moderation else ""),
            "errors": errors or [],
        },
        status=status,
    )


def _moderation_choice(moderation) -> str:
    if moderation is None:
        return ""
    return "agree" if moderation.agrees else str(moderation.moderated_score)


@require_http_methods(["GET", "POST"])
def review_moderate(request: HttpRequest, code: str, cycle: str, number: int) -> HttpResponse:
    """A second assessor's page for one principle: the first assessor's scores, named, and the
    moderation (agree, or a moderated score with a reason)."""
    assessment = _assessment(request, code, cycle)
    ws = workspace.build(assessment, _review(assessment))
    principle = ws.principle(number) if ws else None
    if principle is None:
        raise Http404("No such principle")
    if request.method == "GET":
        return _moderate_page(request, assessment, ws, principle)
    choice = request.POST.get("moderation", "")
    reason = request.POST.get("reason", "")
    if choice not in {"agree", "1", "2", "3", "4"}:
        message = "Choose whether you agree, or the moderated score"
        return _moderate_page(
            request, assessment, ws, principle, choice=choice, reason=reason,
            errors=[("moderation", message)], status=400,
        )  # fmt: skip
    try:
        services.moderate(
            assessment=assessment,
            principle_number=number,
            by=request.user,
            agrees=choice == "agree",
            score=None if choice == "agree" else int(choice),
            reason=reason,
        )
    except ValidationError as error:
        field = "reason" if "reason" in error.messages[0] else "moderation"
        return _moderate_page(
            request, assessment, ws, principle, choice=choice, reason=reason,
            errors=[(field, error.messages[0])], status=400,
        )  # fmt: skip
    return _saved_at_principle(request, assessment, number, f"Moderation of principle {number} saved.")
