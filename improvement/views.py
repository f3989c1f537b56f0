"""The improvement plan's pages, under /organisations/<code>/improvement/.

Every object is fetched through improvement/access.py (another organisation's: 404; a viewer's
write, or a contributor's change to an action: 403) and every write goes through
improvement/services.py. The plan page reads in a fixed number of queries however many actions
and updates it has (improvement/plan.py).
"""

from __future__ import annotations

import re
from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagement_portal.lib.confirmations import confirmed_at
from improvement import access, services
from improvement import plan as plan_module
from improvement import suggestions as suggestions_module
from improvement.forms import ActionForm, DeclineForm, ProgressForm, StatusForm
from improvement.models import Action


def _plan_url(plan: access.Plan) -> str:
    return reverse("improvement_plan", kwargs={"code": plan.organisation.code})


def _place(action: Action) -> str:
    return f"action-{action.pk}"


def _errors(form, invalid: services.ActionInvalid) -> None:
    for name, message in invalid.errors.items():
        form.add_error(name if name in form.fields else None, message)


@require_GET
def improvement_plan(request: HttpRequest, code: str) -> HttpResponse:
    plan = access.get_plan(request.user, code)
    organisation = plan.organisation
    latest = plan_module.latest_assessment(organisation)
    version = plan_module.shown_version(organisation, latest)
    actions = plan_module.load(organisation, version)
    today = timezone.localdate()
    cycles = [
        (assessment, list(group)) for assessment, group in groupby(actions, key=lambda p: p.action.assessment)
    ]
    cycles.reverse()  # the newest cycle's actions first
    return render(
        request,
        "improvement/plan.html",
        {
            "plan": plan,
            "organisation": organisation,
            "cycles": cycles,
            "progress": plan_module.Progress.of(actions, today),
            "today": today,
            "plan_assessment": plan_module.plan_assessment(organisation),
            "suggestions": suggestions_module.all_for(organisation),
            "version": version,
            "message_places": {_place(p.action) for p in actions} | {"suggestions"},
        },
    )


@require_http_methods(["GET", "POST"])
def improvement_action_add(request: HttpRequest, code: str) -> HttpResponse:
    plan = access.get_plan_for_lead(request.user, code)
    organisation = plan.organisation
    assessment = plan_module.plan_assessment(organisation)
    version = plan_module.shown_version(organisation)
    if assessment is None:
        return render(request, "improvement/not_yet.html", {"plan": plan, "organisation": organisation})
    form = ActionForm(request.POST or None, organisation=organisation, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_add(
                organisation=organisation, by=request.user, data=form.data_for_service()
            )
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            return confirmed_at(request, _plan_url(plan), _place(action), "Improvement action added.")
    return render(
        request,
        "improvement/action_form.html",
        {
            "plan": plan,
            "organisation": organisation,
            "form": form,
            "assessment": assessment,
            "action": None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def improvement_action_change(request: HttpRequest, code: str, action_id: int) -> HttpResponse:
    plan = access.get_plan_for_lead(request.user, code)
    action = access.get_action(plan, action_id)
    organisation = plan.organisation
    form = ActionForm(
        request.POST or None,
        organisation=organisation,
        version=plan_module.shown_version(organisation),
        action=action,
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_change(action=action, by=request.user, data=form.data_for_service())
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            return confirmed_at(request, _plan_url(plan), _place(action), "Improvement action changed.")
    return render(
        request,
        "improvement/action_form.html",
        {
            "plan": plan,
            "organisation": organisation,
            "form": form,
            "assessment": action.assessment,
            "action": action,
        },
        status=400 if form.errors else 200,
    )


def _action_context(plan: access.Plan, action: Action) -> dict:
    planned = plan_module.load(
        plan.organisation,
        plan_module.shown_version(plan.organisation),
        actions=Action.objects.filter(pk=action.pk),
    )[0]
    return {
        "plan": plan,
        "organisation": plan.organisation,
        "action": action,
        "planned": planned,
        "today": timezone.localdate(),
    }


BACK = re.compile(r"^(?P<cycle>[-a-zA-Z0-9_]{1,20}):(?P<criterion>[0-9A-Za-z.]{1,10})$")


def _back(request: HttpRequest, plan: access.Plan) -> tuple[str, str] | None:
    """Where a progress update asked for on a criterion page goes back to: that page (`?back=
    2026-27:1.1`, kept through the form). Only a criterion page of the organisation's own
    self-assessment is built from it, never a web address someone passed in."""
    value = request.POST.get("back") or request.GET.get("back") or ""
    match = BACK.match(value)
    if match is None:
        return None
    url = reverse(
        "assessment_criterion",
        kwargs={"code": plan.organisation.code, "cycle": match["cycle"], "criterion": match["criterion"]},
    )
    return value, url


@require_http_methods(["GET", "POST"])
def improvement_action_progress(request: HttpRequest, code: str, action_id: int) -> HttpResponse:
    plan = access.get_plan_for_updater(request.user, code)
    action = access.get_action(plan, action_id)
    back = _back(request, plan)
    if request.method == "GET" and action.status == Action.Status.DROPPED:
        # Nothing to ask: say why, and who can start it again (a post is refused, keeping it).
        return render(
            request, "improvement/action_dropped.html", {**_action_context(plan, action), "back": back}
        )
    form = ProgressForm(request.POST or None, action=action, back=back[0] if back else "")
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_add(
                action=action,
                by=request.user,
                body=form.cleaned_data["body"],
                status=form.cleaned_data["status"],
            )
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            if back is not None:
                # The criterion page shows the confirmation at its top, just above its actions.
                messages.success(request, "Progress update saved.")
                return redirect(back[1])
            return confirmed_at(request, _plan_url(plan), _place(action), "Progress update saved.")
    return render(
        request,
        "improvement/action_progress.html",
        {**_action_context(plan, action), "form": form, "back": back},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def improvement_action_status(request: HttpRequest, code: str, action_id: int) -> HttpResponse:
    plan = access.get_plan_for_lead(request.user, code)
    action = access.get_action(plan, action_id)
    form = StatusForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_status(
                action=action,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            return confirmed_at(
                request,
                _plan_url(plan),
                _place(action),
                f"Status saved: {action.get_status_display().lower()}.",
            )
    return render(
        request,
        "improvement/action_status.html",
        {**_action_context(plan, action), "form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# CQC's areas for improvement


def _suggestion(plan: access.Plan, cycle: str, principle: int, position: int):
    suggestion = suggestions_module.find(plan.organisation, cycle, principle, position)
    if suggestion is None:
        raise Http404("No such area for improvement")
    return suggestion


@require_http_methods(["GET", "POST"])
def improvement_suggestion_accept(
    request: HttpRequest, code: str, cycle: str, principle: int, position: int
) -> HttpResponse:
    """Accept one of CQC's areas for improvement as an action, in CQC's words or rewritten."""
    plan = access.get_plan_for_lead(request.user, code)
    organisation = plan.organisation
    suggestion = _suggestion(plan, cycle, principle, position)
    if suggestion.decision is not None:
        return _decided(request, plan, suggestion)
    form = ActionForm(
        request.POST or None,
        organisation=organisation,
        version=plan_module.shown_version(organisation),
        initial={"what": suggestion.words},
        submit="Add to the plan",
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.suggestion_accept(
                organisation=organisation,
                by=request.user,
                cycle=cycle,
                principle_number=principle,
                position=position,
                data=form.data_for_service(),
            )
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            return confirmed_at(
                request, _plan_url(plan), _place(action), "CQC's area for improvement is now an action."
            )
    return render(
        request,
        "improvement/suggestion_accept.html",
        {"plan": plan, "organisation": organisation, "form": form, "suggestion": suggestion},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def improvement_suggestion_decline(
    request: HttpRequest, code: str, cycle: str, principle: int, position: int
) -> HttpResponse:
    plan = access.get_plan_for_lead(request.user, code)
    organisation = plan.organisation
    suggestion = _suggestion(plan, cycle, principle, position)
    if suggestion.decision is not None:
        return _decided(request, plan, suggestion)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_decline(
                organisation=organisation,
                by=request.user,
                cycle=cycle,
                principle_number=principle,
                position=position,
                reason=form.cleaned_data["reason"],
            )
        except services.ActionInvalid as invalid:
            _errors(form, invalid)
        else:
            return confirmed_at(
                request, _plan_url(plan), "suggestions", "You have declined CQC's area for improvement."
            )
    return render(
        request,
        "improvement/suggestion_decline.html",
        {"plan": plan, "organisation": organisation, "form": form, "suggestion": suggestion},
        status=400 if form.errors else 200,
    )


def _decided(request: HttpRequest, plan: access.Plan, suggestion) -> HttpResponse:
    """Someone decided on it already (two leads at once, or a page kept open): say so."""
    return render(
        request,
        "improvement/suggestion_decided.html",
        {"plan": plan, "organisation": plan.organisation, "suggestion": suggestion},
        status=409 if request.method == "POST" else 200,
    )
