"""The organisation's side of CQC's questions: organisations/<code>/assessments/<cycle>/questions/.

Members read the questions CQC has sent; leads and contributors answer them while the
assessment is returned (viewers get 403 on a reply). Everyone else, CQC staff included, gets a
404: CQC reads and replies from the review pages, never as the organisation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.access import get_assessment_for_member
from engagement_portal.lib.confirmations import confirmed_at
from reviews import services


@require_http_methods(["GET", "POST"])
def assessment_questions(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    access = get_assessment_for_member(request.user, code, cycle)
    assessment = access.assessment
    questions = list(services.sent_questions(assessment))
    for question in questions:
        question.place = f"question-{question.pk}"
    can_answer = access.membership.can_edit and assessment.status == "returned"
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    if request.method == "POST":
        if not access.membership.can_edit:
            raise PermissionDenied(
                "Only the organisation's leads and contributors can answer CQC's questions"
            )
        question_id = request.POST.get("question", "")
        question = next((q for q in questions if str(q.pk) == question_id), None)
        if question is None:
            raise Http404("No such question")
        body = request.POST.get("body", "")
        try:
            services.question_reply(question=question, by=request.user, body=body)
        except ValidationError as error:
            errors[question.pk] = error.messages[0]
            typed[question.pk] = body
        else:
            url = reverse("assessment_questions", kwargs={"code": code, "cycle": cycle})
            saved = (
                "Your answer has been saved. CQC will see it when you resubmit."
                if access.is_lead
                else "Your answer has been saved. CQC will see it when a lead resubmits the self-assessment."
            )
            return confirmed_at(request, url, question.place, saved)
    return render(
        request,
        "reviews/org_questions.html",
        {
            "assessment": assessment,
            "access": access,
            "questions": [(q, errors.get(q.pk), typed.get(q.pk, "")) for q in questions],
            "can_answer": can_answer,
            "reply_by": services.reply_by_date(assessment),
            "errors": [(f"body-{pk}", message) for pk, message in errors.items()],
            "message_places": {q.place for q in questions},
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def assessment_outcome(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """CQC's outcome as the organisation sees it: the final one once assessed, else the draft
    shared for factual-accuracy comments (a 404 before CQC shares one). Rendered from the frozen
    JSON only: never CQC's notes or rationales."""
    access = get_assessment_for_member(request.user, code, cycle)
    assessment = access.assessment
    outcome = services.shared_outcome(assessment)
    if outcome is None:
        raise Http404("No outcome yet")
    final = outcome.final is not None
    open_for_comments = (
        not final and assessment.status == "in_review" and timezone.localdate() <= outcome.fa_deadline
    )
    errors = []
    typed = ""
    if request.method == "POST":
        if not access.membership.can_edit:
            raise PermissionDenied("Only the organisation's leads and contributors can comment")
        typed = request.POST.get("comment", "")
        number = request.POST.get("principle", "")
        try:
            services.fa_comment_add(
                assessment=assessment,
                by=request.user,
                body=typed,
                principle_number=int(number) if number.isdigit() else None,
            )
        except ValidationError as error:
            errors = [("comment", error.messages[0])]
        else:
            messages.success(request, "Comment sent to CQC.")
            return redirect(reverse("assessment_outcome", kwargs={"code": code, "cycle": cycle}))
    return render(
        request,
        "reviews/org_outcome.html",
        {
            "assessment": assessment,
            "outcome": outcome,
            "data": services.outcome_shown(outcome.final if final else outcome.draft, assessment),
            "for_organisation": True,
            "final": final,
            "open_for_comments": open_for_comments,
            "can_comment": open_for_comments and access.membership.can_edit,
            "comments": list(outcome.comments.all()),
            "errors": errors,
            "typed": typed,
            "principle": request.POST.get("principle", ""),
        },
        status=400 if errors else 200,
    )
