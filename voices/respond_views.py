"""The public pages where people answer a survey: no sign-in, no session, no JavaScript needed.

Every view here is exempt from LoginRequiredMiddleware explicitly (@login_not_required). A link
that is unknown, replaced, closed or not open yet is the same 404 page, so links cannot be
probed. See voices/answering.py for how answers travel between pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from engagement_portal.lib.client_ip import client_ip
from voices import answering, services
from voices.access import open_survey
from voices.models import Survey

HONEYPOT = "website"


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "voices/respond/not_found.html", status=404)


def _open_or_none(token: str) -> Survey | None:
    return open_survey(token)


def _bad_state(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(request, "voices/respond/bad_state.html", {"survey": survey}, status=400)


@login_not_required
@require_GET
def survey_start(request: HttpRequest, token: str) -> HttpResponse:
    survey = _open_or_none(token)
    if survey is None:
        return _not_found(request)
    easy_read = request.GET.get("version") == "easy-read" and bool(survey.easy_read_introduction)
    steps = answering.steps_for(survey)
    return render(
        request,
        "voices/respond/start.html",
        {
            "survey": survey,
            "easy_read": easy_read,
            "question_count": len(steps),
            "state": answering.dump_state(survey, answering.new_state()),
        },
    )


def _page(request, survey, steps, state, index, *, error="", kept=None, status=200) -> HttpResponse:
    step = steps[index]
    answer = kept if kept is not None else state.answers.get(step.key)
    chosen = answer if isinstance(answer, list) else ([answer] if isinstance(answer, str) else [])
    caption = "About you" if step.is_monitoring else f"Question {index + 1} of {len(steps)}"
    text = answer if step.kind == "free_text" and isinstance(answer, str) else ""
    return render(
        request,
        "voices/respond/question.html",
        {
            "survey": survey,
            "step": step,
            "index": str(index),
            "fields": answering.question_fields(
                survey, step, chosen=chosen, text=text, error=error, caption=caption
            ),
            "error": error,
            "state": answering.dump_state(survey, state),
            "from_check": request.POST.get("from_check") == "1",
        },
        status=status,
    )


def _check_page(request, survey, steps, state, *, errors=None, status=200) -> HttpResponse:
    errors = errors or {}
    rows = [
        {
            "index": index,
            "step": step,
            "answer": answering.display(step, state.answers.get(step.key)),
            "error": errors.get(step.key, ""),
        }
        for index, step in enumerate(steps)
    ]
    return render(
        request,
        "voices/respond/check.html",
        {
            "survey": survey,
            "rows": rows,
            "errors": [row for row in rows if row["error"]],
            "state": answering.dump_state(survey, state),
            "monitoring_from": next((r["index"] for r in rows if r["step"].is_monitoring), None),
        },
        status=status,
    )


def _index(value: str | None, steps) -> int | None:
    try:
        index = int(value or "")
    except ValueError:
        return None
    return index if 0 <= index < len(steps) else None


@login_not_required
@require_POST
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Every question page posts here: the answer to the page it came from, and where to go."""
    survey = _open_or_none(token)
    if survey is None:
        return _not_found(request)
    try:
        state = answering.load_state(survey, request.POST.get("state"))
    except answering.BadState:
        return _bad_state(request, survey)
    steps = answering.steps_for(survey)
    go = request.POST.get("go", "next")
    if go == "start":
        return _page(request, survey, steps, state, 0)
    if go == "check":
        return _check_page(request, survey, steps, state)
    if go.startswith("change-"):
        index = _index(go.removeprefix("change-"), steps)
        if index is None:
            return _bad_state(request, survey)
        request.POST = request.POST.copy()
        request.POST["from_check"] = "1"
        return _page(request, survey, steps, state, index)
    index = _index(request.POST.get("page"), steps)
    if index is None:
        return _bad_state(request, survey)
    step = steps[index]
    answer, error = answering.check_answer(step, request.POST.getlist("answer"))
    if go == "back":
        if not error:
            _keep(state, step, answer)
        if index == 0:
            return redirect("survey_start", token=survey.token)
        return _page(request, survey, steps, state, index - 1)
    if error:
        return _page(request, survey, steps, state, index, error=error, kept=answer, status=200)
    _keep(state, step, answer)
    if request.POST.get("from_check") == "1" or index + 1 == len(steps):
        return _check_page(request, survey, steps, state)
    return _page(request, survey, steps, state, index + 1)


def _keep(state: answering.State, step: answering.Step, answer) -> None:
    if answer is None:
        state.answers.pop(step.key, None)
    else:
        state.answers[step.key] = answer


@login_not_required
@require_POST
def survey_submit(request: HttpRequest, token: str) -> HttpResponse:
    survey = _open_or_none(token)
    if survey is None:
        return _not_found(request)
    try:
        state = answering.load_state(survey, request.POST.get("state"))
        steps = answering.steps_for(survey)
        answers, errors = answering.check_all(steps, state)
    except answering.BadState:
        return _bad_state(request, survey)
    if errors:
        return _check_page(request, survey, steps, state, errors=errors)
    done = redirect("survey_done", token=survey.token)
    done.status_code = 303
    if request.POST.get(HONEYPOT):
        # Filled in by a program, not a person (the field is hidden): thanked, not stored.
        return done
    try:
        services.count_address(survey=survey, address=client_ip(request))
    except services.LimitReached as limit:
        refused = render(
            request,
            "voices/respond/too_many.html",
            {"survey": survey, "retry_at": timezone.localtime(limit.retry_at)},
            status=429,
        )
        refused["Retry-After"] = str(max(1, int((limit.retry_at - timezone.now()).total_seconds())))
        return refused
    try:
        services.response_store(survey=survey, submission_token=state.token, answers=answers)
    except services.NotTakingAnswers:
        return _not_found(request)
    return done


@login_not_required
@require_GET
def survey_done(request: HttpRequest, token: str) -> HttpResponse:
    survey = _open_or_none(token)
    if survey is None:
        return _not_found(request)
    start_url = reverse("survey_start", kwargs={"token": survey.token})
    return render(request, "voices/respond/done.html", {"survey": survey, "start_url": start_url})
