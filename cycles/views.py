"""CQC's pages for assessment cycles: list, create, change dates, close, national progress.

Cycle managers (`assessments.manage_cycles`) change cycles; they and CQC assessors read them and
their national progress. Everyone else gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import AssessmentCycle
from cycles import progress, services
from cycles.access import can_see_progress, is_cycle_manager
from cycles.forms import CloseForm, CycleForm, DatesForm, ProgressFilterForm
from engagement_portal.dates import govuk_date
from organisations.models import Organisation


def _reader(request: HttpRequest) -> None:
    if not can_see_progress(request.user):
        raise PermissionDenied("Only CQC's cycle managers and assessors can see cycles")


def _manager(request: HttpRequest) -> None:
    if not is_cycle_manager(request.user):
        raise PermissionDenied("Only CQC's cycle managers can change cycles")


def _refused(form, refused: services.CycleRefused) -> None:
    for name, message in refused.errors.items():
        form.add_error(name if name in form.fields else None, message)


def scope_words(cycle: AssessmentCycle) -> str:
    if cycle.scope == AssessmentCycle.Scope.TYPE:
        labels = dict(Organisation.Type.choices)
        return "Organisations of these types: " + ", ".join(labels.get(t, t) for t in cycle.scope_types)
    if cycle.scope == AssessmentCycle.Scope.REGION:
        labels = dict(Organisation.Region.choices)
        return "Organisations in these regions: " + ", ".join(labels.get(r, r) for r in cycle.scope_regions)
    if cycle.scope == AssessmentCycle.Scope.PICKED:
        names = Organisation.objects.filter(pk__in=cycle.scope_organisation_ids).order_by("name")
        return "These organisations: " + ", ".join(o.name for o in names)
    return "All organisations"


def state(cycle: AssessmentCycle, today) -> str:
    if cycle.is_closed:
        return "Closed"
    if today < cycle.opens_on:
        return "Not open yet"
    if today > cycle.closes_on:
        return "Past its closing date"
    return "Open"


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    cycles = [(c, state(c, today)) for c in AssessmentCycle.objects.select_related("rubric_version")]
    return render(
        request,
        "cycles/list.html",
        {"cycles": cycles, "is_manager": is_cycle_manager(request.user)},
    )


@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = CycleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                by=request.user,
                label=data["label"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                rubric_version=data["rubric_version"],
                scope=services.Scope(
                    kind=data["scope"],
                    types=data["scope_types"],
                    regions=data["scope_regions"],
                    organisation_ids=[o.pk for o in data["scope_organisations"]],
                ),
                reply_by_working_days=data["reply_by_working_days"],
                factual_accuracy_days=data["factual_accuracy_days"],
            )
        except services.CycleRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"The {cycle.label} cycle has been created")
            return redirect("cycle_detail", cycle=cycle.slug)
    return render(request, "cycles/create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def cycle_detail(request: HttpRequest, cycle: str) -> HttpResponse:
    _reader(request)
    cycle_obj = get_object_or_404(AssessmentCycle.objects.select_related("rubric_version"), slug=cycle)
    today = timezone.localdate()
    return render(
        request,
        "cycles/detail.html",
        {
            "cycle": cycle_obj,
            "state": state(cycle_obj, today),
            "scope": scope_words(cycle_obj),
            "in_scope": cycle_obj.organisations_in_scope().count(),
            "changes": cycle_obj.changes.select_related("by"),
            "is_manager": is_cycle_manager(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def cycle_dates(request: HttpRequest, cycle: str) -> HttpResponse:
    _manager(request)
    cycle_obj = get_object_or_404(AssessmentCycle, slug=cycle)
    form = DatesForm(
        request.POST if request.method == "POST" else None,
        initial={"opens_on": cycle_obj.opens_on, "closes_on": cycle_obj.closes_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_change_dates(
                cycle=cycle_obj,
                by=request.user,
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except services.CycleRefused as refused:
            _refused(form, refused)
        else:
            messages.success(
                request,
                f"The {cycle_obj.label} cycle now runs from {govuk_date(cycle_obj.opens_on)} to "
                f"{govuk_date(cycle_obj.closes_on)}. Everyone in its organisations has been told.",
            )
            return redirect("cycle_detail", cycle=cycle_obj.slug)
    return render(
        request, "cycles/dates.html", {"cycle": cycle_obj, "form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def cycle_close(request: HttpRequest, cycle: str) -> HttpResponse:
    _manager(request)
    cycle_obj = get_object_or_404(AssessmentCycle, slug=cycle)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_close(cycle=cycle_obj, by=request.user)
        except services.CycleRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"The {cycle_obj.label} cycle is closed")
            return redirect("cycle_detail", cycle=cycle_obj.slug)
    return render(
        request, "cycles/close.html", {"cycle": cycle_obj, "form": form}, status=400 if form.errors else 200
    )


def _progress(request: HttpRequest, cycle: str):
    _reader(request)
    cycle_obj = get_object_or_404(AssessmentCycle, slug=cycle)
    form = ProgressFilterForm(request.GET or None, statuses=progress.STATUSES)
    filters = form.cleaned_data if form.is_valid() else {}
    built = progress.build(
        cycle_obj,
        today=timezone.localdate(),
        region=filters.get("region", ""),
        type=filters.get("type", ""),
        status=filters.get("status", ""),
    )
    return cycle_obj, form, built


@require_GET
def cycle_progress(request: HttpRequest, cycle: str) -> HttpResponse:
    cycle_obj, form, built = _progress(request, cycle)
    query = request.GET.urlencode()
    return render(
        request,
        "cycles/progress.html",
        {"cycle": cycle_obj, "form": form, "progress": built, "query": query},
    )


@require_GET
def cycle_progress_export(request: HttpRequest, cycle: str, fmt: str) -> HttpResponse:
    cycle_obj, _, built = _progress(request, cycle)
    name = f"progress-{cycle_obj.slug}"
    if fmt == "csv":
        response = HttpResponse(progress.as_csv(built), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            progress.as_xlsx(built, f"Progress {cycle_obj.slug}"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
