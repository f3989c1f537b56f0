"""The activities register's pages, under /organisations/<code>/activities/ (the organisation the
person works as), the rubric admins' lists under /activities/lists/, and the public "You said,
we did" pages under /you-said-we-did/<code>/.

Every object is fetched through activities/access.py (outside the system: 404; a partner's
activity or a viewer's write: 403) and every write goes through activities/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access, exports, impact, overlaps, reading, services, spreadsheets, timeline
from activities.forms import ActivityForm, CloseForm, ImportForm, PublishForm, RegisterFilterForm, TermForm
from activities.models import Activity, Community, RegisterImport, Topic
from engagement_portal.lib.pagination import paginate
from evidence import services as evidence_services
from organisations.roles import is_rubric_admin

PAGE_SIZE = 25


def _detail_url(register: access.Register, activity: Activity) -> str:
    return reverse("activity_detail", kwargs={"code": register.organisation.code, "activity_id": activity.pk})


def _activities_url(register: access.Register) -> str:
    """The register's address: an activity's page is this and its id (activity_detail), which
    _shared_table.html writes for each row rather than reversing the URL for each."""
    return reverse("activity_list", kwargs={"code": register.organisation.code})


def _with_terms(pages: dict) -> dict:
    """The page of activities with their topics, communities and places (one query)."""
    reading.attach_terms(pages["page"].object_list)
    return pages


def _form_errors(form, invalid: services.ActivityInvalid) -> None:
    for name, message in invalid.errors.items():
        form.add_error(name if name in form.fields else None, message)


# ---------------------------------------------------------------------------------------------
# The organisation's register


@require_GET
def activity_list(request: HttpRequest, code: str) -> HttpResponse:
    register = access.get_register(request.user, code)
    activities = Activity.objects.filter(organisation=register.organisation)
    status = request.GET.get("status", "")
    if status in Activity.Status.values:
        activities = activities.filter(status=status)
    pages = _with_terms(paginate(request, activities.order_by("-period_start", "-pk"), PAGE_SIZE))
    return render(
        request,
        "activities/list.html",
        {
            "register": register,
            "organisation": register.organisation,
            "status": status,
            "statuses": Activity.Status.choices,
            **pages,
        },
    )


@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, code: str) -> HttpResponse:
    register = access.get_register_for_editor(request.user, code)
    initial = {"contact_name": request.user.get_full_name(), "contact_email": request.user.email}
    form = ActivityForm(request.POST or None, organisation=register.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                organisation=register.organisation, by=request.user, data=form.data_for_service()
            )
        except services.ActivityInvalid as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, f"“{activity.title}” has been recorded.")
            return redirect(_detail_url(register, activity))
    return render(
        request,
        "activities/form.html",
        {"form": form, "register": register, "organisation": register.organisation, "activity": None},
    )


@require_GET
def activity_detail(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity(request.user, code, activity_id)
    own = register.owns(activity)
    reading.attach_terms([activity], partners=own)
    found = overlaps.find(overlaps.Probe.of(activity), system_ids=register.system_ids())
    joined = reading.joined(activity)
    joined_ids = {a.pk for a in joined}
    return render(
        request,
        "activities/detail.html",
        {
            "register": register,
            "activities_url": _activities_url(register),
            "organisation": register.organisation,
            "activity": activity,
            "own": own,
            "can_edit": own and register.can_edit,
            "is_lead": own and register.is_lead,
            "overlaps": found,
            "joined": joined,
            "joined_ids": joined_ids,
            "window": overlaps.WINDOW_DAYS,
            "publication": getattr(activity, "publication", None) if own else None,
        },
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_editor(request.user, code, activity_id)
    form = ActivityForm(request.POST or None, organisation=register.organisation, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_update(
                activity=activity, by=request.user, data=form.data_for_service()
            )
        except services.ActivityInvalid as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, "Your changes have been saved.")
            return redirect(_detail_url(register, activity))
    return render(
        request,
        "activities/form.html",
        {"form": form, "register": register, "organisation": register.organisation, "activity": activity},
    )


@require_http_methods(["GET", "POST"])
def activity_close(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_editor(request.user, code, activity_id)
    form = CloseForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_close(activity=activity, by=request.user, closing=form.closing())
        except services.ActivityInvalid as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, f"“{activity.title}” has been closed.")
            return redirect(_detail_url(register, activity))
    return render(
        request,
        "activities/close.html",
        {"form": form, "register": register, "organisation": register.organisation, "activity": activity},
    )


@require_POST
def activity_join(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_editor(request.user, code, activity_id)
    try:
        other = access.visible_activities(register).get(pk=int(request.POST.get("other", "")))
    except (ValueError, Activity.DoesNotExist):
        raise Http404("No such activity") from None
    try:
        services.activity_join(activity=activity, other=other, by=request.user)
    except services.ActivityInvalid as invalid:
        messages.error(request, next(iter(invalid.errors.values())))
    else:
        messages.success(
            request, f"“{activity.title}” is now joined with “{other.title}” ({other.organisation.name})."
        )
    return redirect(_detail_url(register, activity))


@require_POST
def activity_unjoin(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_editor(request.user, code, activity_id)
    try:
        other = access.visible_activities(register).get(pk=int(request.POST.get("other", "")))
    except (ValueError, Activity.DoesNotExist):
        raise Http404("No such activity") from None
    services.activity_unjoin(activity=activity, other=other, by=request.user)
    messages.success(request, f"“{activity.title}” is no longer joined with “{other.title}”.")
    return redirect(_detail_url(register, activity))


# ---------------------------------------------------------------------------------------------
# The system's register: every organisation of the organisation's systems, the shared part only


def _system_filtered(request: HttpRequest, register: access.Register):
    form = RegisterFilterForm(request.GET, register=register)
    return form, form.apply(access.visible_activities(register))


@require_GET
def activity_system_list(request: HttpRequest, code: str) -> HttpResponse:
    register = access.get_register(request.user, code)
    form, activities = _system_filtered(request, register)
    activities = activities.select_related("organisation").order_by("-period_start", "-pk")
    pages = _with_terms(paginate(request, activities, PAGE_SIZE))
    return render(
        request,
        "activities/system_list.html",
        {
            "register": register,
            "activities_url": _activities_url(register),
            "organisation": register.organisation,
            "form": form,
            "query": form.query_string(),
            "filtering": bool(form.query_string()),
            **pages,
        },
    )


@require_GET
def activity_timeline(request: HttpRequest, code: str) -> HttpResponse:
    register = access.get_register(request.user, code)
    form, activities = _system_filtered(request, register)
    today = timezone.localdate()
    first = timeline.parse_month(request.GET.get("from"), timeline.add_months(today, -2))
    start, end = timeline.window(first)
    activities = reading.attach_terms(
        activities.filter(period_start__lte=end, period_end__gte=start)
        .select_related("organisation")
        .order_by("period_start", "pk")
    )
    query = form.query_string()
    return render(
        request,
        "activities/timeline.html",
        {
            "register": register,
            "activities_url": _activities_url(register),
            "organisation": register.organisation,
            "form": form,
            "months": timeline.by_month(activities, first),
            "earlier": timeline.add_months(first, -timeline.MONTHS).strftime("%Y-%m"),
            "later": timeline.add_months(first, timeline.MONTHS).strftime("%Y-%m"),
            "query": query,
            "first": first,
            "end": end,
        },
    )


@require_POST
def activity_file_evidence(request: HttpRequest, code: str) -> HttpResponse:
    """File the system's register, filtered as the list was, in the evidence library."""
    register = access.get_register_for_editor(request.user, code)
    form = RegisterFilterForm(request.POST, register=register)
    activities = form.apply(access.visible_activities(register))
    try:
        file = services.register_file_as_evidence(
            organisation=register.organisation,
            by=request.user,
            activities=activities,
            filters=form.described(),
        )
    except (evidence_services.UploadRefused, evidence_services.AlreadyHeld) as refused:
        messages.error(request, getattr(refused, "message", "This register is already filed as evidence."))
        return redirect("activity_system_list", code=register.organisation.code)
    messages.success(
        request, f"“{file.item.title}” has been filed in your evidence library. You can cite it now."
    )
    return redirect("evidence_item", code=register.organisation.code, item_id=file.item_id)


@require_GET
def activity_system_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    register = access.get_register(request.user, code)
    if fmt not in {"csv", "xlsx"}:
        raise Http404("No such format")
    _, activities = _system_filtered(request, register)
    rows = exports.system_rows(exports.ordered(activities))
    name = f"engagement-activities-{register.organisation.code}-system"
    if fmt == "csv":
        response = HttpResponse(
            exports.as_csv(exports.SYSTEM_HEADER, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.as_xlsx(exports.SYSTEM_HEADER, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def activity_impact(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's and its system's figures over the last 12 months."""
    register = access.get_register(request.user, code)
    today = timezone.localdate()
    return render(
        request,
        "activities/impact.html",
        {
            "register": register,
            "organisation": register.organisation,
            "ours": impact.figures({register.organisation.pk}, today=today),
            "system": impact.figures(register.system_ids(), today=today),
            "system_size": len(register.system_ids()),
        },
    )


# ---------------------------------------------------------------------------------------------
# The organisation's register as a spreadsheet: export, and import with a preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def activity_register_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    register = access.get_register(request.user, code)
    if fmt == "csv":
        response = HttpResponse(
            spreadsheets.export_csv(register.organisation), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(spreadsheets.export_xlsx(register.organisation), content_type=XLSX)
    else:
        raise Http404("No such format")
    response["Content-Disposition"] = (
        f'attachment; filename="engagement-register-{register.organisation.code}.{fmt}"'
    )
    return response


@require_http_methods(["GET", "POST"])
def activity_import(request: HttpRequest, code: str) -> HttpResponse:
    register = access.get_register_for_editor(request.user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > spreadsheets.MAX_BYTES:
                raise spreadsheets.FileRefused(
                    f"The file must be smaller than {spreadsheets.MAX_BYTES // (1024 * 1024)} MB"
                )
            data = upload.read()
            parsed = spreadsheets.parse(upload.name or "", data, register.organisation)
        except spreadsheets.FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            if parsed.problems:
                problems = parsed.problems
                form.add_error(
                    "file",
                    f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
                    "nothing was imported. Correct them and choose the file again",
                )
            else:
                batch = services.register_import_prepare(
                    organisation=register.organisation,
                    by=request.user,
                    file_name=upload.name or "",
                    rows=parsed.rows,
                    data=data,
                )
                return redirect("activity_import_preview", code=register.organisation.code, batch_id=batch.pk)
    return render(
        request,
        "activities/import.html",
        {
            "form": form,
            "register": register,
            "organisation": register.organisation,
            "problems": problems[:500],
            "more_problems": max(0, len(problems) - 500),
            "max_rows": f"{spreadsheets.MAX_ROWS:,}",
        },
    )


@require_http_methods(["GET", "POST"])
def activity_import_preview(request: HttpRequest, code: str, batch_id: int) -> HttpResponse:
    register = access.get_register_for_editor(request.user, code)
    batch = get_object_or_404(
        RegisterImport,
        pk=batch_id,
        organisation=register.organisation,
        created_by=request.user,
        imported_at__isnull=True,
    )
    error = ""
    if request.method == "POST":
        try:
            done = services.register_import_confirm(
                batch=batch, by=request.user, to_data=spreadsheets.to_data
            )
        except services.ActivityInvalid as invalid:
            error = next(iter(invalid.errors.values()))
        else:
            messages.success(request, f"{len(done)} activit{'y' if len(done) == 1 else 'ies'} imported.")
            return redirect("activity_list", code=register.organisation.code)
    new = sum(1 for row in batch.rows if not row["reference"])
    return render(
        request,
        "activities/import_preview.html",
        {
            "register": register,
            "organisation": register.organisation,
            "batch": batch,
            "rows": batch.rows,
            "new": new,
            "updated": len(batch.rows) - new,
            "error": error,
        },
    )


# ---------------------------------------------------------------------------------------------
# "You said, we did": publishing (leads) and the public pages (no sign-in)


@require_http_methods(["GET", "POST"])
def activity_publish(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_lead(request.user, code, activity_id)
    if activity.status != Activity.Status.CLOSED:
        messages.error(request, "Close the activity, saying what changed, before publishing it.")
        return redirect(_detail_url(register, activity))
    form = PublishForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_publish(activity=activity, by=request.user, words=form.words())
        except services.ActivityInvalid as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, f"“{activity.title}” is published on your “You said, we did” page.")
            return redirect(_detail_url(register, activity))
    return render(
        request,
        "activities/publish.html",
        {"form": form, "register": register, "organisation": register.organisation, "activity": activity},
    )


@require_POST
def activity_withdraw(request: HttpRequest, code: str, activity_id: int) -> HttpResponse:
    register, activity = access.get_activity_for_lead(request.user, code, activity_id)
    services.activity_withdraw(activity=activity, by=request.user)
    messages.success(request, f"“{activity.title}” has been withdrawn from your public page.")
    return redirect(_detail_url(register, activity))


# ---------------------------------------------------------------------------------------------
# The controlled lists (rubric admins)

LISTS = {"topics": Topic, "communities": Community}


def _require_list_keeper(request: HttpRequest) -> None:
    if not is_rubric_admin(request.user):
        raise PermissionDenied("Only rubric admins keep the lists of topics and communities")


@require_http_methods(["GET", "POST"])
def activity_terms(request: HttpRequest, kind: str) -> HttpResponse:
    model = LISTS.get(kind)
    if model is None:
        raise Http404("No such list")
    _require_list_keeper(request)
    form = TermForm(request.POST or None, with_group=model is Community)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.term_add(
                model=model,
                name=form.cleaned_data["name"],
                by=request.user,
                group=form.cleaned_data.get("group", ""),
            )
        except services.ActivityInvalid as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, f"“{term.name}” has been added.")
            return redirect("activity_terms", kind=kind)
    return render(
        request,
        "activities/terms.html",
        {
            "form": form,
            "kind": kind,
            "terms": model.objects.order_by("retired", "position", "name"),
            "model": model,
        },
    )


@require_POST
def activity_term_retire(request: HttpRequest, kind: str, term_id: int) -> HttpResponse:
    model = LISTS.get(kind)
    if model is None:
        raise Http404("No such list")
    _require_list_keeper(request)
    term = get_object_or_404(model, pk=term_id)
    retire = request.POST.get("retire") != "no"
    services.term_retire(term=term, by=request.user, retired=retire)
    messages.success(request, f"“{term.name}” has been {'retired' if retire else 'brought back'}.")
    return redirect("activity_terms", kind=kind)
