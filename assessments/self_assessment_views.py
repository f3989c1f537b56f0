"""Self-assessment pages, under organisations/<code>/assessments/<cycle>/.

Who may do what:
- the organisation's leads and contributors answer criteria and cite evidence; only leads start
  and submit; viewers read every page but change nothing (403 on any write);
- people of other organisations, and people with none, get a 404 for every page;
- CQC staff never see an assessment the organisation is working on (a 404, even while it is
  returned to the organisation with questions); they read its submissions, which is what CQC
  received.

Every write goes through assessments/services.py, which locks the assessment and checks the
role and status again; these views check first only to explain a refusal in plain English. The
overview and criterion pages read everything through assessments/answers.py, in a number of
queries that does not grow with the number of criteria, citations or evidence items.
"""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import answers as answers_module
from assessments import cqc_questions, services
from assessments.access import (
    AssessmentAccess,
    get_assessment_for_editor,
    get_assessment_for_member,
    get_assessment_for_submission_reader,
)
from assessments.forms import NOBODY, NOT_EVIDENCED, AssignForm, CitationForm, ResponseForm, SubmitForm
from assessments.models import Assessment, AssessmentCycle, FrozenAssessmentError
from engagement_portal.dates import govuk_date
from evidence.models import Citation, EvidenceFile, EvidenceItem
from organisations.access import get_organisation_for_lead, get_organisation_for_user, membership_for
from organisations.models import Membership
from organisations.people import name_of, partner_names, partner_of, who_can_start
from principles import cache as rubric_cache
from principles.scoring import format_percentage
from principles.services import current_version

LIBRARY_PAGE_SIZE = 50
JUST_SUBMITTED = "assessments.just_submitted"


def _kwargs(assessment: Assessment, **extra) -> dict:
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _url(name: str, assessment: Assessment, **extra) -> str:
    return reverse(name, kwargs=_kwargs(assessment, **extra))


def _refused(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """A write to an assessment that is not with the organisation: a 403 saying why."""
    submitted = assessment.submissions.order_by("-number").first()
    return render(
        request,
        "assessments/assessment_refused.html",
        {"assessment": assessment, "submission": submitted},
        status=403,
    )


def _percentage(value) -> str | None:
    return format_percentage(value) if value is not None else None


# ---------------------------------------------------------------------------------------------
# An organisation's assessments, and starting one


@require_GET
def assessment_list(request: HttpRequest, code: str) -> HttpResponse:
    """Members see every cycle's assessment and the open cycles not started yet; CQC assessors
    see only assessments that have been submitted, with links to the submissions."""
    organisation = get_organisation_for_user(request.user, code)
    membership = membership_for(request.user, organisation)
    assessments = Assessment.objects.filter(organisation=organisation).select_related(
        "cycle", "rubric_version"
    )
    if membership is None:
        assessments = assessments.filter(submissions__isnull=False).distinct()
    today = timezone.localdate()
    startable = []
    if membership is not None:
        startable = [
            cycle
            for cycle in AssessmentCycle.objects.filter(
                opens_on__lte=today, closes_on__gte=today, closed_at=None
            )
            .exclude(assessments__organisation=organisation)
            .order_by("-opens_on")
            if cycle.includes(organisation)
        ]
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "organisation": organisation,
            "membership": membership,
            "is_lead": membership is not None and membership.role == Membership.Role.LEAD,
            "assessments": assessments.order_by("-cycle__opens_on"),
            "startable": startable,
            # For members who cannot start the work themselves: who can, and how to reach them.
            "who_can_start": who_can_start(organisation) if membership is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    organisation = get_organisation_for_lead(request.user, code)
    cycle_obj = get_object_or_404(AssessmentCycle, slug=cycle)
    existing = Assessment.objects.filter(organisation=organisation, cycle=cycle_obj).first()
    if existing is not None:
        return redirect("assessment_overview", code=organisation.code, cycle=cycle_obj.slug)
    problem = None
    if request.method == "POST":
        try:
            services.assessment_start(organisation=organisation, cycle=cycle_obj, by=request.user)
        except ValidationError as exc:
            problem = exc.messages[0]
        else:
            messages.success(request, f"You have started the {cycle_obj.label} self-assessment.")
            return redirect("assessment_overview", code=organisation.code, cycle=cycle_obj.slug)
    return render(
        request,
        "assessments/assessment_start.html",
        {
            "organisation": organisation,
            "cycle": cycle_obj,
            "version": current_version(),
            "is_open": cycle_obj.is_open_on(timezone.localdate()),
            "problem": problem,
        },
    )


# ---------------------------------------------------------------------------------------------
# The overview


@require_GET
def assessment_overview(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    access = get_assessment_for_member(request.user, code, cycle)
    assessment = access.assessment
    answers = answers_module.load(assessment)
    returned = None
    if assessment.status == Assessment.Status.RETURNED:
        returned = (
            assessment.transitions.filter(to_status=Assessment.Status.RETURNED).select_related("by").last()
        )
    mine = [c for c in answers.criteria if c.response.assigned_to_id == request.user.pk]
    return render(
        request,
        "assessments/assessment_overview.html",
        {
            "access": access,
            "assessment": assessment,
            "answers": answers,
            "returned": returned,
            "assignments": answers.assignments(),
            "mine": mine,
            "mine_not_ready": [c for c in mine if not c.is_ready],
            "partners": answers.partners,
            "overall_percentage": _percentage(answers.overall.percentage),
            "previous_percentage": _percentage(answers.previous_overall.percentage)
            if answers.previous_overall
            else None,
        },
    )


# ---------------------------------------------------------------------------------------------
# One criterion: the answer and the evidence it cites


def _criterion_page(
    request: HttpRequest,
    access: AssessmentAccess,
    answers: answers_module.AssessmentAnswers,
    answer: answers_module.CriterionAnswer,
    form: ResponseForm,
    *,
    conflict: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    criterion = answer.criterion
    citations = list(
        Citation.objects.filter(response=answer.response)
        .select_related("file__item", "created_by")
        .annotate(created_by_partner=partner_of("created_by", access.assessment.organisation_id))
        .order_by("pk")
    )
    # Who speaks for a partner, from what the page already read (no query of its own).
    partners = {**answers.partners}
    partners.update({c.created_by_id: c.created_by_partner for c in citations if c.created_by_partner})
    wording = rubric_cache.wording(access.assessment.rubric_version)
    # Each suggestion with its categories named in words ("Feedback from partners", not "FP").
    suggested = [
        (item.text, [wording.category_names.get(code, code) for code in item.categories])
        for item in wording.suggested.get(criterion.principle_id, [])
    ]
    principle = next(p for p in answers.principles if p.principle.pk == criterion.principle_id)
    return render(
        request,
        "assessments/criterion.html",
        {
            "access": access,
            "assessment": access.assessment,
            "answers": answers,
            "answer": answer,
            "criterion": criterion,
            "principle": principle,
            "levels": form.levels_in_order,
            "suggested": suggested,
            "citations": citations,
            "form": form,
            # The answer form's HTML is kept under what it shows (ResponseForm.cache_key).
            "form_key": form.cache_key(),
            "conflict": conflict,
            "return_to": _return_to(request),
            "previous_answer": answers.before(answer),
            "next_answer": answers.after(answer),
            "partners": partners,
        },
        status=status,
    )


def _return_to(request: HttpRequest) -> str:
    value = request.POST.get("return_to") or request.GET.get("from") or ""
    return "check" if value == "check" else "overview"


def _levels(answers: answers_module.AssessmentAnswers, criterion_id: int) -> dict[int, str]:
    return dict(rubric_cache.wording(answers.assessment.rubric_version).levels.get(criterion_id, {}))


def _response_form(
    answers: answers_module.AssessmentAnswers, answer: answers_module.CriterionAnswer, data=None
) -> ResponseForm:
    response = answer.response
    initial = {
        "score": NOT_EVIDENCED if response.not_evidenced else (str(response.score) if response.score else ""),
        "narrative": response.narrative,
        "version": response.version,
    }
    levels = _levels(answers, answer.criterion.pk)
    form = ResponseForm(data, initial=initial, levels=levels)
    form.levels_in_order = [(level, levels.get(level, "")) for level in (1, 2, 3, 4)]
    return form


def _find(answers: answers_module.AssessmentAnswers, code: str) -> answers_module.CriterionAnswer:
    answer = answers.find(code)
    if answer is None:
        raise Http404("No such criterion")
    return answer


@require_http_methods(["GET", "POST"])
def assessment_criterion(request: HttpRequest, code: str, cycle: str, criterion: str) -> HttpResponse:
    if request.method == "GET":
        access = get_assessment_for_member(request.user, code, cycle)
        answers = answers_module.load(access.assessment)
        answer = _find(answers, criterion)
        return _criterion_page(request, access, answers, answer, _response_form(answers, answer))

    access = get_assessment_for_editor(request.user, code, cycle)
    assessment = access.assessment
    if not assessment.is_editable:
        return _refused(request, assessment)
    answers = answers_module.load(assessment)
    answer = _find(answers, criterion)
    form = _response_form(answers, answer, request.POST)
    if not form.is_valid():
        if not request.POST.get("version", "").isdigit():
            # A page without a usable version: keep what was typed, and the error, but let the
            # next save start from the answer as it is now.
            data = request.POST.copy()
            data["version"] = str(answer.response.version)
            errors = form.errors
            form = _response_form(answers, answer, data)
            form._errors = errors
        return _criterion_page(request, access, answers, answer, form)
    score, not_evidenced = form.answer()
    try:
        services.response_save(
            response=answer.response,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            score=score,
            not_evidenced=not_evidenced,
            narrative=form.cleaned_data["narrative"],
        )
    except services.StaleAnswerError as stale:
        return _conflict(request, access, answers, answer, stale.current, score, not_evidenced)
    except FrozenAssessmentError:
        assessment.refresh_from_db()
        return _refused(request, assessment)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _criterion_page(request, access, answers, answer, form)
    if request.POST.get("action") == "ready":
        return _mark_ready(request, access, answer.criterion.code, ready=True)
    return redirect(_after_save(request, answers, answer))


def _mark_ready(request: HttpRequest, access: AssessmentAccess, code: str, *, ready: bool) -> HttpResponse:
    """Mark the criterion ready for the lead (or take the mark back), then show its page again;
    a criterion that cannot be ready yet is shown with the reason as an error."""
    assessment = access.assessment
    answers = answers_module.load(assessment)
    answer = _find(answers, code)
    try:
        services.response_mark_ready(response=answer.response, by=request.user, ready=ready)
    except FrozenAssessmentError:
        assessment.refresh_from_db()
        return _refused(request, assessment)
    except services.ReadyRefused as refused:
        # The answer as saved, with the reason it cannot be ready yet.
        form = _response_form(answers, answer)
        form = _response_form(
            answers, answer, {k: form[k].value() for k in ("score", "narrative", "version")}
        )
        form.is_valid()
        form.add_error(None, str(refused))
        return _criterion_page(request, access, answers, answer, form)
    if ready:
        messages.success(request, f"Criterion {code} is marked ready for the lead.")
    else:
        messages.success(request, f"Criterion {code} is no longer marked ready for the lead.")
    url = _url("assessment_criterion", assessment, criterion=code)
    return redirect(url + ("?from=check" if _return_to(request) == "check" else ""))


@require_POST
def criterion_ready(request: HttpRequest, code: str, cycle: str, criterion: str) -> HttpResponse:
    """Mark a criterion "ready for the lead" (`ready=yes`) or take the mark back (`ready=no`):
    the organisation's leads and contributors, while the assessment is with the organisation."""
    access = get_assessment_for_editor(request.user, code, cycle)
    if not access.assessment.is_editable:
        return _refused(request, access.assessment)
    choice = request.POST.get("ready", "")
    if choice not in {"yes", "no"}:
        return HttpResponse("Say whether the criterion is ready (ready=yes or ready=no).", status=400)
    return _mark_ready(request, access, criterion, ready=choice == "yes")


def _after_save(request: HttpRequest, answers, answer: answers_module.CriterionAnswer) -> str:
    assessment = answers.assessment
    action = request.POST.get("action", "continue")
    if action == "cite":
        return _url("citation_add", assessment, criterion=answer.criterion.code)
    if action.startswith("remove-") and action[7:].isdigit():
        return _url(
            "citation_remove", assessment, criterion=answer.criterion.code, citation_id=int(action[7:])
        )
    if action == "continue":
        following = answers.after(answer)
        if following is not None:
            url = _url("assessment_criterion", assessment, criterion=following.criterion.code)
            return url + ("?from=check" if _return_to(request) == "check" else "")
        return _url("assessment_check", assessment)
    if _return_to(request) == "check":
        return _url("assessment_check", assessment) + f"#criterion-{answer.criterion.code}"
    return _url("assessment_overview", assessment)


def _conflict(request, access, answers, answer, current, score, not_evidenced) -> HttpResponse:
    """Someone saved this answer after the person opened it: show both, keep what they typed.

    The form keeps everything just typed, but now carries the version saved in between, so
    saving again (after merging by hand) overwrites knowingly rather than by accident."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = _response_form(answers, answer, data)
    form.is_valid()
    conflict = {
        "theirs": {
            "label": answers_module.score_label(current.score, current.not_evidenced),
            "narrative": current.narrative,
            # Who saved it, by name; nobody when the posted version was never one a save produced.
            "by": (current.updated_by.get_full_name() or current.updated_by.username)
            if current.updated_by
            else "",
            "at": current.updated_at,
        },
        "yours": {
            "label": answers_module.score_label(score, not_evidenced),
            "narrative": request.POST.get("narrative", ""),
        },
    }
    return _criterion_page(request, access, answers, answer, form, conflict=conflict, status=409)


def _citable_items(organisation):
    """The organisation's items that have a clean revision to cite, each with that revision (the
    latest clean one) annotated."""
    latest = EvidenceFile.objects.filter(
        item=OuterRef("pk"), scan_status=EvidenceFile.ScanStatus.CLEAN
    ).order_by("-revision")
    return (
        EvidenceItem.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .filter(Exists(latest))
        .annotate(
            file_id=Subquery(latest.values("pk")[:1]),
            file_revision=Subquery(latest.values("revision")[:1]),
            file_name=Subquery(latest.values("original_name")[:1]),
            file_uploaded_at=Subquery(latest.values("uploaded_at")[:1]),
        )
    )


def _chosen(organisation, file_id: str) -> tuple[EvidenceItem | None, EvidenceFile | None]:
    """The document the page was opened with (`?file=`: just uploaded, or chosen on its item
    page): its citable item, or, when it has no revision that passed the virus scan yet, the
    file, so the page can say why it is not offered. Another organisation's file is ignored."""
    if not file_id.isdigit():
        return None, None
    file = (
        EvidenceFile.objects.filter(
            pk=int(file_id), item__organisation=organisation, item__deleted_at__isnull=True
        )
        .select_related("item")
        .first()
    )
    if file is None:
        return None, None
    item = _citable_items(organisation).filter(pk=file.item_id).first()
    return (item, None) if item is not None else (None, file)


def _library(organisation, query: str) -> tuple[list[EvidenceItem], int]:
    """The organisation's citable items, newest first. Two queries, whatever the library's size."""
    items = _citable_items(organisation).order_by("-evidence_date", "-created_at", "-pk")
    if query:
        items = items.filter(title__icontains=query)
    return list(items[:LIBRARY_PAGE_SIZE]), items.count()


def _library_choices(library: list[EvidenceItem]) -> list[Choice]:
    choices = []
    for item in library:
        when = govuk_date(item.file_uploaded_at)
        hint = (
            f"{item.get_category_display()}. {item.file_name}, revision {item.file_revision}, "
            f"uploaded {when}."
        )
        choices.append(Choice(str(item.file_id), item.title, hint=hint))
    return choices


@require_http_methods(["GET", "POST"])
def citation_add(request: HttpRequest, code: str, cycle: str, criterion: str) -> HttpResponse:
    access = get_assessment_for_editor(request.user, code, cycle)
    assessment = access.assessment
    if not assessment.is_editable:
        return _refused(request, assessment)
    answers = answers_module.load(assessment, with_previous=False)
    answer = _find(answers, criterion)
    query = request.GET.get("q", "").strip()[:200]
    library, total = _library(assessment.organisation, query)
    chosen, waiting = _chosen(assessment.organisation, request.GET.get("file", ""))
    if chosen is not None:
        library = [chosen, *(item for item in library if item.pk != chosen.pk)]
    form = CitationForm(
        request.POST if request.method == "POST" else None,
        choices=_library_choices(library),
        initial={"file": str(chosen.file_id)} if chosen is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.citation_add(
                response=answer.response,
                by=request.user,
                file_id=form.cleaned_data["file"],
                location=form.cleaned_data["location"].strip(),
                note=form.cleaned_data["note"].strip(),
            )
        except services.CitationRefused as refused:
            if refused.outside_library:
                services.citation_refusal_record(
                    response=answer.response,
                    by=request.user,
                    file_id=form.cleaned_data["file"],
                    refused=refused,
                )
            form.add_error("file", str(refused))
        except FrozenAssessmentError:
            assessment.refresh_from_db()
            return _refused(request, assessment)
        else:
            messages.success(request, f"Evidence cited for criterion {answer.criterion.code}.")
            return redirect("assessment_criterion", **_kwargs(assessment, criterion=answer.criterion.code))
    return render(
        request,
        "assessments/citation_add.html",
        {
            "assessment": assessment,
            "answer": answer,
            "criterion": answer.criterion,
            "form": form,
            "query": query,
            "chosen": chosen,
            "waiting": waiting,
            "shown": len(library),
            "total": total,
            "page_size": LIBRARY_PAGE_SIZE,
        },
    )


@require_http_methods(["GET", "POST"])
def citation_remove(
    request: HttpRequest, code: str, cycle: str, criterion: str, citation_id: int
) -> HttpResponse:
    access = get_assessment_for_editor(request.user, code, cycle)
    assessment = access.assessment
    answers = answers_module.load(assessment, with_previous=False)
    answer = _find(answers, criterion)
    # Found within this answer's citations, so another answer's or organisation's id is a 404.
    citation = get_object_or_404(
        Citation.objects.select_related("file__item", "created_by"),
        pk=citation_id,
        response_id=answer.response.pk,
    )
    if not assessment.is_editable:
        return _refused(request, assessment)
    if request.method == "POST":
        try:
            services.citation_remove(citation=citation, by=request.user)
        except FrozenAssessmentError:
            assessment.refresh_from_db()
            return _refused(request, assessment)
        messages.success(request, f"{citation.file.item.title} is no longer cited for criterion {criterion}.")
        return redirect("assessment_criterion", **_kwargs(assessment, criterion=answer.criterion.code))
    return render(
        request,
        "assessments/citation_remove.html",
        {
            "assessment": assessment,
            "answer": answer,
            "criterion": answer.criterion,
            "citation": citation,
            "partners": partner_names(assessment.organisation),
        },
    )


# ---------------------------------------------------------------------------------------------
# Sharing out the work


@require_http_methods(["GET", "POST"])
def assessment_share(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """The lead gives criteria, or whole principles, to a lead or contributor of the
    organisation (partners' people included), or takes them back. Leads only (403 for other
    members); a submitted assessment's work cannot change hands."""
    access = get_assessment_for_member(request.user, code, cycle)
    if not access.is_lead:
        raise PermissionDenied("Only the organisation's leads share out the work")
    assessment = access.assessment
    if not assessment.is_editable:
        return _refused(request, assessment)
    answers = answers_module.load(assessment, with_previous=False)
    members = list(services.assignable_members(assessment.organisation_id))
    partners = {m.user_id: m.partner.name for m in members if m.partner_id}
    people = [(str(m.user_id), name_of(m.user, partners)) for m in members]
    principles = {str(p.principle.number): [c.criterion.code for c in p.criteria] for p in answers.principles}
    form = AssignForm(request.POST or None, people=people, principles=principles)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        assignee = None if person == NOBODY else next(m.user for m in members if str(m.user_id) == person)
        codes = form.chosen_codes()
        ids = [c.criterion.pk for c in answers.criteria if c.criterion.code in set(codes)]
        try:
            changed = services.criteria_assign(
                assessment=assessment, by=request.user, criterion_ids=ids, assignee=assignee
            )
        except services.AssignmentRefused as refused:
            form.add_error("person", str(refused))
        except FrozenAssessmentError:
            assessment.refresh_from_db()
            return _refused(request, assessment)
        else:
            who = name_of(assignee, partners) if assignee is not None else "nobody"
            listed = answers_module.and_list(codes)
            one = len(codes) == 1
            what = f"{'Criterion' if one else 'Criteria'} {listed}"
            if not changed:
                message = f"Nothing changed: {what[0].lower()}{what[1:]} {'was' if one else 'were'} already"
                message += f" with {who}." if assignee is not None else " not given to anyone."
            elif assignee is None:
                message = f"{what} {'is' if one else 'are'} no longer given to anyone."
            else:
                message = f"{what} {'is' if one else 'are'} now with {who}."
            messages.success(request, message)
            return redirect(_url("assessment_overview", assessment) + "#who-is-doing-what")
    chosen = set(form["criteria"].value() or []) if form.is_bound else set()
    chosen_principles = set(form["principles"].value() or []) if form.is_bound else set()
    return render(
        request,
        "assessments/assessment_share.html",
        {
            "access": access,
            "assessment": assessment,
            "answers": answers,
            "form": form,
            "people": people,
            "person": form["person"].value() if form.is_bound else "",
            "chosen": chosen,
            "chosen_principles": chosen_principles,
            "partners": answers.partners,
        },
    )


# ---------------------------------------------------------------------------------------------
# Check your answers, and submit


def _check_page(
    request: HttpRequest,
    access: AssessmentAccess,
    form: SubmitForm | None,
    *,
    answers=None,
    status: int = 200,
) -> HttpResponse:
    assessment = access.assessment
    answers = answers or answers_module.load(assessment, with_previous=False)
    returned = None
    if assessment.status == Assessment.Status.RETURNED:
        returned = (
            assessment.transitions.filter(to_status=Assessment.Status.RETURNED).select_related("by").last()
        )
    unanswered = answers.unanswered()
    unreasoned = answers.unreasoned()
    warnings = answers.warnings()
    questions = cqc_questions.sent_questions(assessment) if returned is not None else []
    if form is None and access.can_submit:
        form = SubmitForm(returned=returned is not None, warnings=bool(warnings), questions=bool(questions))
    return render(
        request,
        "assessments/assessment_check.html",
        {
            "access": access,
            "assessment": assessment,
            "answers": answers,
            "unanswered": unanswered,
            "unreasoned": unreasoned,
            "questions": questions,
            "unanswered_questions": [q for q in questions if not q.answered],
            "uncited": answers.uncited(),
            "not_ready": answers.not_ready(),
            "partners": answers.partners,
            "warnings": warnings,
            "returned": returned,
            "form": form,
            "overall_percentage": _percentage(answers.overall.percentage),
        },
        status=status,
    )


@require_GET
def assessment_check(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    return _check_page(request, get_assessment_for_member(request.user, code, cycle), None)


@require_POST
def assessment_submit(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    access = get_assessment_for_member(request.user, code, cycle)
    if not access.is_lead:
        raise PermissionDenied("Only the organisation's leads can submit the self-assessment")
    assessment = access.assessment
    if not assessment.is_editable:
        return _refused(request, assessment)
    answers = answers_module.load(assessment, with_previous=False)
    returned = assessment.status == Assessment.Status.RETURNED
    questions = bool(cqc_questions.sent_questions(assessment)) if returned else False
    form = SubmitForm(request.POST, returned=returned, warnings=bool(answers.warnings()), questions=questions)
    if answers.unanswered() or answers.unreasoned():
        form.is_valid()
        if answers.unanswered():
            codes = answers_module.and_list([c.criterion.code for c in answers.unanswered()])
            form.add_error(None, f"Answer every criterion before you submit. Not answered yet: {codes}")
        if answers.unreasoned():
            codes = answers_module.and_list([c.criterion.code for c in answers.unreasoned()])
            form.add_error(None, f"A score needs its reasoning. Give the evidence and reasoning for: {codes}")
        return _check_page(request, access, form, answers=answers)
    if not form.is_valid():
        return _check_page(request, access, form, answers=answers)
    try:
        submission = services.assessment_submit(
            assessment=assessment,
            by=request.user,
            declaration=form.cleaned_data["declaration"],
            acknowledged_warnings=form.cleaned_data.get("acknowledge", False),
            reply=form.cleaned_data.get("reply", ""),
        )
    except services.SubmissionRefused as refused:
        for problem in refused.problems:
            form.add_error(None, problem)
        return _check_page(request, access, form)
    except FrozenAssessmentError:
        assessment.refresh_from_db()
        return _refused(request, assessment)
    request.session[JUST_SUBMITTED] = submission.pk
    return redirect("submission_detail", **_kwargs(assessment, number=submission.number))


# ---------------------------------------------------------------------------------------------
# History and submissions


@require_GET
def assessment_history(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    access = get_assessment_for_member(request.user, code, cycle)
    assessment = access.assessment
    transitions = list(assessment.transitions.select_related("by").order_by("at", "pk"))
    numbers = iter(assessment.submissions.order_by("number").values_list("number", flat=True))
    for transition in transitions:
        transition.submission_number = (
            next(numbers, None) if transition.to_status == Assessment.Status.SUBMITTED else None
        )
    return render(
        request,
        "assessments/assessment_history.html",
        {"access": access, "assessment": assessment, "transitions": list(reversed(transitions))},
    )


@require_GET
def submission_list(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    assessment = get_assessment_for_submission_reader(request.user, code, cycle)
    submissions = assessment.submissions.select_related("submitted_by").order_by("-number")
    return render(
        request,
        "assessments/submission_list.html",
        {
            "assessment": assessment,
            "submissions": submissions,
            "is_member": membership_for(request.user, assessment.organisation) is not None,
        },
    )


@require_GET
def submission_detail(request: HttpRequest, code: str, cycle: str, number: int) -> HttpResponse:
    """A submission as it was received, rendered from its snapshot alone (never from the live
    answers or rubric), with its SHA-256 checked again."""
    assessment = get_assessment_for_submission_reader(request.user, code, cycle)
    submission = get_object_or_404(assessment.submissions.select_related("submitted_by"), number=number)
    just_submitted = request.session.pop(JUST_SUBMITTED, None) == submission.pk
    scores = answers_module.snapshot_scores(submission.snapshot, assessment.rubric_version.rule())
    return render(
        request,
        "assessments/submission_detail.html",
        {
            "assessment": assessment,
            "submission": submission,
            "snapshot": submission.snapshot,
            "scores": scores,
            "principles": _snapshot_principles(submission.snapshot, scores),
            "check": services.submission_check(submission),
            "just_submitted": just_submitted,
            # CQC reviews a cycle's self-assessments once it has closed.
            "review_after_close": timezone.localdate() <= assessment.cycle.closes_on,
            "is_member": membership_for(request.user, assessment.organisation) is not None,
        },
    )


def _snapshot_principles(snapshot: dict, scores: answers_module.SnapshotScores) -> list[dict]:
    """The snapshot's principles with the words a page needs (level and category names) and
    each principle's result by the scoring rule added to a copy: the stored snapshot is never
    touched."""
    categories = dict(EvidenceItem.Category.choices)
    principles = []
    for principle in snapshot.get("principles", []):
        criteria = []
        for criterion in principle.get("criteria", []):
            citations = [
                {**c, "category_name": categories.get(c.get("category"), c.get("category"))}
                for c in criterion.get("citations", [])
            ]
            label = answers_module.score_label(criterion.get("score"), criterion.get("not_evidenced", False))
            criteria.append({**criterion, "label": label, "citations": citations})
        principles.append(
            {**principle, "criteria": criteria, "result": scores.principle(principle["number"])}
        )
    return principles
