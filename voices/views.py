"""An organisation's survey pages: the list, starting a survey, changing it, previewing it as a
respondent sees it, opening, closing and replacing its link.

Every survey is fetched through voices/access.py (another organisation's survey is a 404; a
member who is not a lead gets 403 for changes) and every write goes through voices/services.py.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from principles.services import current_version
from voices import access, answering, exports, results, services
from voices.choices import MONITORING, MONITORING_BY_KEY
from voices.filing import file_results, filing_refusal
from voices.forms import FreeTextReviewForm, PopulationForm, SurveyForm, SurveyStartForm, default_dates
from voices.links import NO_LINKS, links_for
from voices.models import FreeTextAnswer, QuestionSet, Survey, SurveyFiling


def survey_url(survey: Survey, name: str = "survey_detail") -> str:
    return reverse(name, kwargs={"code": survey.organisation.code, "survey_id": survey.pk})


def public_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("survey_start", kwargs={"token": survey.token}))


@require_GET
def survey_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation, membership = access.organisation_for_member(request.user, code)
    surveys = access.surveys_of(organisation).order_by("-created_at", "-pk")
    return render(
        request,
        "voices/survey_list.html",
        {
            "organisation": organisation,
            "surveys": surveys,
            "cqc_surveys": access.cqc_surveys_shown_to(organisation).order_by("-created_at", "-pk"),
            "is_lead": membership.role == "lead",
        },
    )


@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest, code: str) -> HttpResponse:
    """Choose the audience and the cycle; the survey starts with every question of the current
    rubric's set for that audience, and the set's introduction, ready to change."""
    organisation = access.organisation_for_lead(request.user, code)
    version = current_version()
    sets = {qs.audience: qs for qs in QuestionSet.objects.filter(version=version)} if version else {}
    form = SurveyStartForm(request.POST if request.method == "POST" else None)
    form.fields["audience"].choices = [(a, qs.get_audience_display()) for a, qs in sets.items()]
    if request.method == "POST" and form.is_valid():
        question_set = sets[form.cleaned_data["audience"]]
        opens, closes = default_dates(timezone.localdate())
        survey = services.survey_create(
            organisation=organisation,
            cycle=form.cleaned_data["cycle"],
            question_set=question_set,
            questions=question_set.questions.all(),
            details=services.SurveyDetails(
                title=f"{question_set.title}: your views on how we involve people",
                introduction=question_set.introduction,
                easy_read_introduction="",
                opens_on=opens,
                closes_on=closes,
                equality_monitoring=question_set.audience == "participants",
            ),
            by=request.user,
        )
        messages.success(request, "Survey created. Check its wording, questions and dates, then save it.")
        return redirect(survey_url(survey, "survey_edit"))
    return render(
        request,
        "voices/survey_new.html",
        {"organisation": organisation, "form": form, "version": version},
    )


@require_GET
def survey_detail(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    survey_access = access.get_survey_for_member(request.user, code, survey_id)
    survey = survey_access.survey
    questions = [sq.question for sq in survey.survey_questions.select_related("question")]
    return render(
        request,
        "voices/survey_detail.html",
        {
            "organisation": survey.organisation,
            "survey": survey,
            "links": links_for(survey),
            "questions": questions,
            "is_lead": survey_access.is_lead,
            "public_url": public_url(request, survey),
            "today": timezone.localdate(),
            "filing": SurveyFiling.objects.filter(survey=survey).select_related("evidence_file").first(),
            "filing_refusal": filing_refusal(survey) if survey.status == Survey.Status.CLOSED else "",
        },
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    survey = access.get_survey_for_lead(request.user, code, survey_id).survey
    if survey.status != Survey.Status.DRAFT:
        return render(
            request,
            "voices/survey_refused.html",
            {
                "survey": survey,
                "links": links_for(survey),
                "organisation": survey.organisation,
                "message": "This survey has opened, so its "
                "questions and wording cannot change: people have already been asked them.",
            },
            status=409,
        )
    questions = list(survey.question_set.questions.all())
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial=SurveyForm.initial_for(survey),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                survey=survey, questions=form.chosen_questions(), details=form.details(), by=request.user
            )
        except services.SurveyRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Survey saved.")
            return redirect(survey_url(survey))
    return render(
        request,
        "voices/survey_edit.html",
        {"organisation": survey.organisation, "survey": survey, "links": links_for(survey), "form": form},
    )


@require_GET
def survey_preview(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    """Every page as a respondent sees it, on one page, with nothing to send."""
    survey = access.get_survey_for_member(request.user, code, survey_id).survey
    steps = answering.steps_for(survey)
    return render(
        request,
        "voices/survey_preview.html",
        {
            "organisation": survey.organisation,
            "survey": survey,
            "links": links_for(survey),
            "steps": [(f"Question {n} of {len(steps)}", step) for n, step in enumerate(steps, start=1)],
            "question_count": len(steps),
            "free_text_max": answering.FREE_TEXT_MAX,
        },
    )


def _transition(request: HttpRequest, code: str, survey_id: int, action, done: str) -> HttpResponse:
    survey = access.get_survey_for_lead(request.user, code, survey_id).survey
    try:
        action(survey=survey, by=request.user)
    except services.SurveyRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect(survey_url(survey))


@require_POST
def survey_open(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    return _transition(request, code, survey_id, services.survey_open, "The survey is open. Share its link.")


@require_POST
def survey_close(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    return _transition(
        request, code, survey_id, services.survey_close, "The survey is closed. Its link no longer works."
    )


@require_POST
def survey_replace_link(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    return _transition(
        request,
        code,
        survey_id,
        services.survey_replace_link,
        "The survey has a new link. The old one no longer works.",
    )


# ---------------------------------------------------------------------------------------------
# Results


# The results page below its back link, kept in the cache under what it shows (the results'
# version: responses, population, free-text decisions) and for whom (lead or not, the breakdown
# asked for, the links), so a new response, a review or a population change is a new key on
# every server, and a stale page is never served.
RESULTS_PAGE_SECONDS = 60 * 60


def results_page(request: HttpRequest, survey: Survey, *, is_lead: bool, links, **extra) -> HttpResponse:
    """A survey's results page: the organisation's, CQC's, and CQC's as the organisation sees
    them once its outcome is final (no links to anything but the results)."""
    current = results.version(survey)
    dimension = request.GET.get("by", "")
    if dimension not in MONITORING_BY_KEY or not survey.equality_monitoring:
        dimension = ""
    key = None
    if survey.opened_at is not None:
        key = (
            "voices.results_page:"
            + hashlib.sha256(
                repr(
                    (
                        survey.pk,
                        survey.opened_at.isoformat(),
                        survey.status,
                        survey.title,
                        survey.suppression_threshold,
                        current,
                        is_lead,
                        dimension,
                        links,
                    )
                ).encode()
            ).hexdigest()
        )
    body = cache.get(key) if key else None
    if body is None:
        built = results.build(survey, free_text_limit=results.FREE_TEXT_SHOWN, current=current)
        breakdowns = results.breakdown(survey, built, dimension) if built.shown and dimension else []
        body = render_to_string(
            "voices/_results_body.html",
            {
                "survey": survey,
                "links": links,
                "results": built,
                "is_lead": is_lead,
                "dimensions": [(m.key, m.label) for m in MONITORING] if survey.equality_monitoring else [],
                "dimension": dimension if breakdowns else "",
                "breakdowns": breakdowns,
                "waiting": current.waiting,
            },
        )
        if key:
            cache.set(key, body, RESULTS_PAGE_SECONDS)
    return render(
        request,
        "voices/survey_results.html",
        {"organisation": survey.organisation, "survey": survey, "links": links, "body": body, **extra},
    )


@require_GET
def survey_results(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    survey_access = access.get_survey_for_member(request.user, code, survey_id)
    survey = survey_access.survey
    return results_page(request, survey, is_lead=survey_access.is_lead, links=links_for(survey))


@require_GET
def survey_cqc_results(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    """CQC's survey about the organisation, as its members see it once CQC's outcome for that
    cycle is final: the aggregated results only (small numbers hidden, only the free text CQC
    included), with no way to CQC's pages. Before that, a 404."""
    survey = access.get_cqc_survey_for_member(request.user, code, survey_id)
    return results_page(
        request,
        survey,
        is_lead=False,
        links=NO_LINKS,
        back_url=reverse("survey_list", kwargs={"code": survey.organisation.code}),
        back_text="Back to surveys",
    )


@require_http_methods(["GET", "POST"])
def survey_population(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    survey = access.get_survey_for_lead(request.user, code, survey_id).survey
    initial = {f"{share.key}__{share.value}": share.percent for share in survey.population.all()}
    form = PopulationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.population_save(survey=survey, shares=form.shares(), by=request.user)
        messages.success(request, "Population profile saved.")
        return redirect(survey_url(survey, "survey_results"))
    groups = [(label, [form[name] for name in names]) for _key, label, names in form.groups]
    return render(
        request,
        "voices/survey_population.html",
        {
            "organisation": survey.organisation,
            "survey": survey,
            "links": links_for(survey),
            "form": form,
            "groups": groups,
        },
    )


def free_text_page(request: HttpRequest, survey: Survey) -> HttpResponse:
    """Each free-text answer read and decided on: include, include with personal details
    removed, or leave out. Nothing of an answer leaves the survey's pages until it is."""
    answers = FreeTextAnswer.objects.filter(survey=survey).select_related("question").order_by("review", "pk")
    pending = [a for a in answers if a.review == FreeTextAnswer.Review.PENDING]
    current = pending[0] if pending else None
    chosen = request.GET.get("answer") or request.POST.get("answer")
    if chosen and chosen.isdigit():
        current = next((a for a in answers if a.pk == int(chosen)), current)
    form = FreeTextReviewForm(
        request.POST if request.method == "POST" else None,
        initial={
            "review": current.review if current and current.review != "pending" else None,
            "redacted_text": current.redacted_text if current else "",
        },
    )
    links = links_for(survey)
    if request.method == "POST":
        if current is None:
            raise Http404("No such answer")
        if form.is_valid():
            services.free_text_review(
                answer=current,
                review=form.cleaned_data["review"],
                redacted_text=form.cleaned_data["redacted_text"],
                by=request.user,
            )
            return redirect(links.free_text)
    return render(
        request,
        "voices/survey_free_text.html",
        {
            "organisation": survey.organisation,
            "survey": survey,
            "links": links,
            "current": current,
            "form": form,
            "answers": answers,
            "pending_count": len(pending),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_free_text(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    """The lead reviews the free text of the organisation's survey."""
    return free_text_page(request, access.get_survey_for_lead(request.user, code, survey_id).survey)


# ---------------------------------------------------------------------------------------------
# Results as evidence, and exports


@require_POST
def survey_file(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    survey = access.get_survey_for_lead(request.user, code, survey_id).survey
    try:
        filing = file_results(survey=survey, by=request.user)
    except services.SurveyRefused as refused:
        messages.error(request, refused.message)
        return redirect(survey_url(survey))
    messages.success(
        request,
        "The results are filed as evidence. Cite them in your self-assessment like any other evidence.",
    )
    return redirect(
        reverse(
            "evidence_item",
            kwargs={"code": survey.organisation.code, "item_id": filing.evidence_file.item_id},
        )
    )


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def survey_export(request: HttpRequest, code: str, survey_id: int, fmt: str) -> HttpResponse:
    """The aggregated results (small numbers hidden as on the page) as CSV or XLSX."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404("No such format")
    survey = access.get_survey_for_member(request.user, code, survey_id).survey
    built = results.build(survey)
    data = exports.rows(built) if built.shown else []
    name = f"survey-{survey.pk}-results"
    if fmt == "csv":
        return _download(exports.to_csv(exports.HEADER, data), f"{name}.csv", "text/csv; charset=utf-8")
    return _download(exports.to_xlsx(exports.HEADER, data, "Results"), f"{name}.xlsx", XLSX)


@require_GET
def survey_free_text_export(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    """Every free-text answer as written, with the lead's decision: for leads, once all are reviewed."""
    survey = access.get_survey_for_lead(request.user, code, survey_id).survey
    answers = (
        FreeTextAnswer.objects.filter(survey=survey)
        .select_related("question")
        .order_by("question__position", "pk")
    )
    if any(a.review == FreeTextAnswer.Review.PENDING for a in answers):
        return render(
            request,
            "voices/survey_refused.html",
            {
                "survey": survey,
                "links": links_for(survey),
                "organisation": survey.organisation,
                "message": "Review every free-text answer before downloading them.",
            },
            status=409,
        )
    header = ["Question", "Answer as written", "Decision", "Published text"]
    data = [[a.question.text, a.text, a.get_review_display(), a.published_text or ""] for a in answers]
    return _download(
        exports.to_csv(header, data), f"survey-{survey.pk}-free-text.csv", "text/csv; charset=utf-8"
    )
