"""CQC's own surveys (issue 16, item 6): an assessor surveys an organisation's partners, or the
people who took part in its engagement, to hear from them directly rather than through what the
organisation files. Pages under /cqc-surveys/ for CQC assessors only (403 for everyone else, as
on the review pages): the list, starting one, changing it, previewing, opening, closing,
replacing its link, the results and the free-text review. They use the organisation's survey
templates with CQC's links (voices/links.py).

The results are CQC's: the review workspace shows them beside the criteria they inform
(voices/templatetags/voices_cqc.py), and the organisation sees them only once CQC's outcome for
that cycle is final, in aggregate (`views.survey_cqc_results`). They are never filed in the
organisation's evidence library.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import AssessmentCycle
from organisations.models import Organisation
from principles.services import current_version
from voices import access, answering, services, views
from voices.forms import CqcSurveyStartForm, SurveyForm, default_dates
from voices.links import links_for
from voices.models import Audience, QuestionSet, Survey, SurveyQuestion

INTRODUCTION = (
    "The Care Quality Commission (CQC) checks how well {organisation} involves the public in its "
    "decisions. We would like to hear from you, as {whom}, about what it was like.\n\n"
    "Your answers go to CQC. {organisation} will only ever see the totals, after our assessment "
    "is finished, and never how one person answered. It takes about 5 minutes."
)
WHOM = {
    Audience.PARTNERS: "one of its partners",
    Audience.PARTICIPANTS: "someone who took part in its engagement",
}


def _criterion_order(code: str) -> list[int]:
    return [int(part) for part in code.split(".") if part.isdigit()]


@require_GET
def cqc_survey_list(request: HttpRequest) -> HttpResponse:
    """Every CQC survey, or those of one organisation in one cycle (the review workspace's link),
    each with the criteria its questions inform."""
    access.require_assessor(request.user)
    surveys = access.cqc_surveys().order_by("-created_at", "-pk")
    organisation = Organisation.objects.filter(code=request.GET.get("organisation", "")).first()
    cycle = AssessmentCycle.objects.filter(slug=request.GET.get("cycle", "")).first()
    if organisation is not None:
        surveys = surveys.filter(organisation=organisation)
    if cycle is not None:
        surveys = surveys.filter(cycle=cycle)
    surveys = list(surveys)
    informs: dict[int, set[str]] = {survey.pk: set() for survey in surveys}
    for survey_id, codes in SurveyQuestion.objects.filter(survey__in=surveys).values_list(
        "survey_id", "question__criteria"
    ):
        informs[survey_id].update(codes or [])
    for survey in surveys:
        survey.informs = sorted(informs[survey.pk], key=_criterion_order)
    new_url = reverse("cqc_survey_new")
    if organisation and cycle:
        new_url += "?" + urlencode({"organisation": organisation.code, "cycle": cycle.slug})
    return render(
        request,
        "voices/cqc_survey_list.html",
        {"surveys": surveys, "organisation": organisation, "cycle": cycle, "new_url": new_url},
    )


@require_http_methods(["GET", "POST"])
def cqc_survey_new(request: HttpRequest) -> HttpResponse:
    """Choose the organisation, whom to ask and the cycle; the survey starts with every question
    of the current rubric's set for that audience and an introduction that says it is CQC's."""
    access.require_assessor(request.user)
    version = current_version()
    sets = {qs.audience: qs for qs in QuestionSet.objects.filter(version=version)} if version else {}
    initial = {key: request.GET[key] for key in ("organisation", "cycle", "audience") if key in request.GET}
    form = CqcSurveyStartForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["audience"].choices = [
        (a, label) for a, label in form.fields["audience"].choices if a in sets
    ]
    if request.method == "POST" and form.is_valid():
        audience = form.cleaned_data["audience"]
        organisation = form.cleaned_data["organisation"]
        question_set = sets[audience]
        opens, closes = default_dates(timezone.localdate())
        survey = services.survey_create(
            organisation=organisation,
            cycle=form.cleaned_data["cycle"],
            question_set=question_set,
            questions=question_set.questions.all(),
            details=services.SurveyDetails(
                title=f"How {organisation.name} involves people: CQC wants to hear from you",
                introduction=INTRODUCTION.format(organisation=organisation.name, whom=WHOM[audience]),
                easy_read_introduction="",
                opens_on=opens,
                closes_on=closes,
                equality_monitoring=audience == Audience.PARTICIPANTS,
            ),
            by=request.user,
            run_by=Survey.RunBy.CQC,
        )
        messages.success(request, "Survey created. Check its wording, questions and dates, then save it.")
        return redirect(links_for(survey).edit)
    return render(request, "voices/cqc_survey_new.html", {"form": form, "version": version})


@require_GET
def cqc_survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.get_cqc_survey(request.user, survey_id)
    questions = [sq.question for sq in survey.survey_questions.select_related("question")]
    return render(
        request,
        "voices/survey_detail.html",
        {
            "organisation": survey.organisation,
            "survey": survey,
            "links": links_for(survey),
            "questions": questions,
            "is_lead": True,
            "public_url": request.build_absolute_uri(links_for(survey).public),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def cqc_survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.get_cqc_survey(request.user, survey_id)
    links = links_for(survey)
    if survey.status != Survey.Status.DRAFT:
        return render(
            request,
            "voices/survey_refused.html",
            {
                "survey": survey,
                "links": links,
                "organisation": survey.organisation,
                "message": "This survey has opened, so its "
                "questions and wording cannot change: people have already been asked them.",
            },
            status=409,
        )
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        questions=list(survey.question_set.questions.all()),
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
            return redirect(links.detail)
    return render(
        request,
        "voices/survey_edit.html",
        {"organisation": survey.organisation, "survey": survey, "links": links, "form": form},
    )


@require_GET
def cqc_survey_preview(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.get_cqc_survey(request.user, survey_id)
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


def _transition(request: HttpRequest, survey_id: int, action, done: str) -> HttpResponse:
    survey = access.get_cqc_survey(request.user, survey_id)
    try:
        action(survey=survey, by=request.user)
    except services.SurveyRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect(links_for(survey).detail)


@require_POST
def cqc_survey_open(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _transition(request, survey_id, services.survey_open, "The survey is open. Share its link.")


@require_POST
def cqc_survey_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _transition(
        request, survey_id, services.survey_close, "The survey is closed. Its link no longer works."
    )


@require_POST
def cqc_survey_replace_link(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _transition(
        request,
        survey_id,
        services.survey_replace_link,
        "The survey has a new link. The old one no longer works.",
    )


@require_GET
def cqc_survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.get_cqc_survey(request.user, survey_id)
    return views.results_page(request, survey, is_lead=True, links=links_for(survey))


@require_http_methods(["GET", "POST"])
def cqc_survey_free_text(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The assessor reviews the free text, as a lead does for the organisation's surveys: only
    what CQC includes ever reaches the organisation."""
    return views.free_text_page(request, access.get_cqc_survey(request.user, survey_id))
