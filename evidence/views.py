"""The evidence library's pages: the library, uploads, an item, its revisions and downloads,
editing, deleting and restoring.

Every object is fetched through evidence/access.py (another organisation's evidence is a 404;
a read-only person's write is a 403) and every write goes through evidence/services.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagement_portal.lib.pagination import paginate
from evidence import access, citing, search, services
from evidence.forms import SORTS, ItemEditForm, LibraryFilterForm, RevisionForm, UploadForm
from evidence.models import Citation, EvidenceItem
from evidence.uploads import EvidenceUploadHandler
from evidence.validation import sanitise_file_name, text_charset
from organisations.people import partner_names, partner_of

PAGE_SIZE = 20


def _item_url(item: EvidenceItem) -> str:
    return reverse("evidence_item", kwargs={"code": item.organisation.code, "item_id": item.pk})


# ---------------------------------------------------------------------------------------------
# The library


def _filtered(items, form: LibraryFilterForm, organisation):
    form.is_valid()  # cleaned_data then holds the fields that are valid: those still filter
    data = form.cleaned_data
    if data.get("kind"):
        items = items.filter(kind=data["kind"])
    if data.get("category"):
        items = items.filter(category=data["category"])
    if data.get("date_from"):
        items = items.filter(evidence_date__gte=data["date_from"])
    if data.get("date_to"):
        items = items.filter(evidence_date__lte=data["date_to"])
    if data.get("principle"):
        cited = Citation.objects.filter(
            response__assessment__organisation=organisation,
            response__criterion__principle__number=int(data["principle"]),
        ).values("file__item_id")
        items = items.filter(pk__in=cited)
    if data.get("q"):
        items = search.search_items(items, data["q"])
    sort = data.get("sort") or "date"
    return items.order_by(*SORTS[sort][1]), data


@require_GET
def evidence_library(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's evidence, filtered, searched, sorted and a page at a time. CQC
    assessors see only what submitted assessments cited."""
    library = access.get_library_for_user(request.user, code)
    form = LibraryFilterForm(request.GET)
    items, data = _filtered(access.items_for(request.user, library), form, library.organisation)
    # Who uploaded each item, with the partner they speak for, read with the page's items.
    uploader_partner = partner_of("created_by", library.organisation.pk)
    if data.get("q"):
        # A search runs once: its matches' ids, in order, then the page's items by id. Counting
        # the matches for the pagination and then fetching a page would search twice.
        pages = paginate(request, list(items.values_list("pk", flat=True)), PAGE_SIZE)
        page = pages["page"]
        by_id = (
            EvidenceItem.objects.select_related("created_by")
            .annotate(created_by_partner=uploader_partner)
            .in_bulk(page.object_list)
        )
        page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    else:
        items = items.select_related("created_by").annotate(created_by_partner=uploader_partner)
        pages = paginate(request, items, PAGE_SIZE)
        page = pages["page"]
    found = search.snippets(page.object_list, data.get("q") or "")
    partners = {}
    for item in page.object_list:
        item.snippet = found.get(item.pk)
        if item.created_by_partner:
            partners[item.created_by_id] = item.created_by_partner
    filtering = any(data.get(key) for key in ("q", "kind", "category", "principle", "date_from", "date_to"))
    return render(
        request,
        "evidence/library.html",
        {
            "library": library,
            "organisation": library.organisation,
            "form": form,
            # The filter form's HTML is kept under what it shows (LibraryFilterForm.cache_key).
            "form_key": form.cache_key(),
            **pages,
            "searched": data.get("q") or "",
            "filtering": filtering,
            "partners": partners,
        },
    )


# ---------------------------------------------------------------------------------------------
# Uploads
#
# Upload views replace Django's upload handlers with EvidenceUploadHandler (streamed to disk,
# hashed, limits enforced while receiving). Handlers can only be changed before anything reads
# request.POST or request.FILES, and CsrfViewMiddleware reads request.POST before the view runs.
# So, as Django's documentation shows ("Modifying upload handlers on the fly"), the outer view is
# exempt from the middleware's check, swaps the handlers, and calls an inner view that
# csrf_protect checks in the usual way. The access check comes first, before the body is read, so
# a viewer's upload is refused without receiving it.


@csrf_exempt
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, code: str) -> HttpResponse:
    library = access.get_library_for_editor(request.user, code)
    request.upload_handlers = [EvidenceUploadHandler(request)]
    return _evidence_upload(request, library)


def _return_to(request: HttpRequest, organisation) -> str:
    """Where to go after the upload, when the upload page was opened from another page of the
    organisation's (citing evidence: "Upload a new document"), or "". Only a path on this site
    under the organisation's own pages, so the parameter cannot send anyone elsewhere."""
    value = request.GET.get("return_to", "")
    if not value or not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return ""
    path = urlsplit(value).path
    ours = f"/organisations/{organisation.code}/"
    if not path.startswith(ours) or path.startswith(f"{ours}evidence/"):
        return ""
    try:
        resolve(path)
    except Resolver404:
        return ""
    return path


def _with_file(url: str, file) -> str:
    """The page to return to, with the uploaded (or already held) file chosen."""
    return f"{url}?{urlencode({'file': file.pk})}"


@csrf_protect
def _evidence_upload(request: HttpRequest, library: access.Library) -> HttpResponse:
    organisation = library.organisation
    return_to = _return_to(request, organisation)
    form = UploadForm(request.POST or None, request.FILES or None)
    outcomes: list[services.UploadOutcome] = []
    if request.method == "POST" and form.is_valid():
        outcomes = services.evidence_upload(
            organisation=organisation,
            by=request.user,
            details=form.details(),
            uploads=form.cleaned_data["files"],
        )
        stored = [outcome.stored for outcome in outcomes if outcome.stored]
        for outcome in outcomes:
            if outcome.problem:
                form.add_error("files", f"{outcome.name}: {outcome.problem}")
        held = [outcome.existing for outcome in outcomes if outcome.existing]
        if return_to and not form.errors and (stored or held):
            # Back to citing evidence, with the new document (or the copy already held) chosen.
            if stored:
                messages.success(request, f"“{stored[0].item.title}” has been uploaded.")
            else:
                messages.success(request, f"You already have this file, as “{held[0].item.title}”.")
            return redirect(_with_file(return_to, (stored or held)[0]))
        if len(stored) == len(outcomes):
            if len(stored) == 1:
                messages.success(request, f"“{stored[0].item.title}” has been uploaded.")
                return redirect(_item_url(stored[0].item))
            messages.success(request, f"{len(stored)} files have been uploaded, each as an item of its own.")
            return redirect("evidence_library", code=organisation.code)
    return render(
        request,
        "evidence/upload.html",
        {
            "form": form,
            "library": library,
            "organisation": organisation,
            "return_to": return_to,
            "stored": [outcome for outcome in outcomes if outcome.stored],
            "held": [outcome for outcome in outcomes if outcome.existing],
            "files_not_uploaded": request.method == "POST" and not outcomes and bool(request.FILES),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def evidence_revision_add(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    library, item = access.get_item_for_editor(request.user, code, item_id)
    request.upload_handlers = [EvidenceUploadHandler(request)]
    return _evidence_revision_add(request, library, item)


@csrf_protect
def _evidence_revision_add(request: HttpRequest, library: access.Library, item: EvidenceItem) -> HttpResponse:
    form = RevisionForm(request.POST or None, request.FILES or None)
    held = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            file = services.evidence_revision_add(item=item, by=request.user, upload=upload)
        except services.UploadRefused as refused:
            name = sanitise_file_name(upload.name or "")
            form.add_error("file", f"{name}: {refused.message}")
        except services.AlreadyHeld as already:
            held = already.existing
        else:
            messages.success(request, f"Revision {file.revision} of “{item.title}” has been uploaded.")
            return redirect(_item_url(item))
    return render(
        request,
        "evidence/revision_add.html",
        {"form": form, "library": library, "organisation": library.organisation, "item": item, "held": held},
    )


# ---------------------------------------------------------------------------------------------
# An item


@require_GET
def evidence_item(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    library, item = access.get_item_for_user(request.user, code, item_id)
    files = list(access.files_for(request.user, library, item).order_by("-revision"))
    citations = Citation.objects.filter(file__item=item)
    if not library.is_member:
        citations = citations.filter(pk__in=access.submitted_citations().values("pk"))
    citations = citations.select_related(
        "file", "response__criterion", "response__assessment__cycle"
    ).order_by("-response__assessment__cycle__opens_on", "response__criterion__code", "file__revision")
    return render(
        request,
        "evidence/item.html",
        {
            "library": library,
            "organisation": library.organisation,
            "item": item,
            "files": files,
            "citations": citations,
            "deletion_refusal": services.deletion_refusal(item) if library.can_edit else "",
            "cite_offers": citing.offers_for(library.organisation, item) if library.can_edit else [],
            "partners": partner_names(library.organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def evidence_item_edit(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    library, item = access.get_item_for_editor(request.user, code, item_id)
    form = ItemEditForm(request.POST or None, item=item)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            item = services.evidence_item_update(
                item=item,
                by=request.user,
                details=form.details(),
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleItemError as stale:
            form, conflict = _edit_conflict(request, stale.current, form)
        else:
            messages.success(request, "Your changes have been saved.")
            return redirect(_item_url(item))
    elif request.method == "POST" and not request.POST.get("version", "").isdigit():
        # A page without a usable version: keep what was typed, and the errors, but let the next
        # save start from the details as they are now.
        data = request.POST.copy()
        data["version"] = str(item.version)
        errors = form.errors
        form = ItemEditForm(data, item=item)
        form._errors = errors
    return render(
        request,
        "evidence/item_edit.html",
        {
            "form": form,
            "library": library,
            "organisation": library.organisation,
            "item": item,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _details_shown(details: services.ItemDetails) -> dict:
    return {
        "title": details.title,
        "description": details.description,
        "kind": EvidenceItem.Kind(details.kind).label if details.kind in EvidenceItem.Kind.values else "",
        "category": EvidenceItem.Category(details.category).label
        if details.category in EvidenceItem.Category.values
        else "",
        "evidence_date": details.evidence_date,
    }


def _edit_conflict(
    request: HttpRequest, current: EvidenceItem, form: ItemEditForm
) -> tuple[ItemEditForm, dict]:
    """Someone saved the details after the person opened them: show both, keep what they typed.

    The form keeps everything just typed, but now carries the version saved in between, so
    saving again (after merging by hand) overwrites knowingly rather than by accident."""
    yours = _details_shown(form.details())
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = ItemEditForm(data, item=current)
    form.is_valid()
    saver = current.updated_by
    conflict = {
        "theirs": {
            **_details_shown(services.item_details(current)),
            "by": (saver.get_full_name() or saver.username) if saver else "",
            "at": current.updated_at,
        },
        "yours": yours,
    }
    return form, conflict


@require_GET
def evidence_download(request: HttpRequest, code: str, item_id: int, revision: int) -> HttpResponse:
    """Stream one revision as an attachment, recording who downloaded it.

    Only files the virus scan passed are ever served; anything else gets a page saying why.
    The name offered is the sanitised original name, encoded for any language (RFC 5987)."""
    library, file = access.get_file_for_download(request.user, code, item_id, revision)
    if not file.is_available:
        return render(
            request,
            "evidence/not_available.html",
            {"library": library, "organisation": library.organisation, "item": file.item, "file": file},
            status=409,
        )
    try:
        stream = services.evidence_storage().open(file.storage_key, "rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    services.evidence_download_record(file=file, user=request.user)
    response = FileResponse(
        stream, as_attachment=True, filename=file.original_name, content_type=_served_type(file, stream)
    )
    response["Content-Length"] = str(file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _served_type(file, stream) -> str:
    """The file's content type, naming the charset of a text file. Text uploaded since issue 13
    has it stored (found by validation); for older text files it is found now, from the file."""
    content_type = file.content_type
    if content_type.startswith("text/") and "charset=" not in content_type:
        charset = text_charset(stream) or "utf-8"
        stream.seek(0)
        content_type = f"{content_type}; charset={charset}"
    return content_type


# ---------------------------------------------------------------------------------------------
# Deleting and restoring


@require_http_methods(["GET", "POST"])
def evidence_item_delete(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    library, item = access.get_item_for_editor(request.user, code, item_id)
    refusal = services.deletion_refusal(item)
    if request.method == "POST" and not refusal:
        try:
            services.evidence_item_delete(item=item, by=request.user)
        except services.EvidenceLocked as locked:
            refusal = locked.message
        else:
            messages.success(
                request,
                f"“{item.title}” has been deleted. You can restore it from deleted evidence for 30 days.",
            )
            return redirect("evidence_library", code=library.organisation.code)
    return render(
        request,
        "evidence/item_delete.html",
        {"library": library, "organisation": library.organisation, "item": item, "refusal": refusal},
        status=409 if refusal and request.method == "POST" else 200,
    )


@require_GET
def evidence_deleted(request: HttpRequest, code: str) -> HttpResponse:
    library = access.get_library_for_editor(request.user, code)
    cutoff = timezone.now() - services.RESTORABLE_FOR
    items = (
        EvidenceItem.objects.filter(organisation=library.organisation, deleted_at__gte=cutoff)
        .select_related("deleted_by")
        .order_by("-deleted_at")
    )
    for item in items:
        item.restorable_until = services.restorable_until(item)
    return render(
        request,
        "evidence/deleted.html",
        {"library": library, "organisation": library.organisation, "items": items},
    )


@require_POST
def evidence_item_restore(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    library, item = access.get_deleted_item_for_editor(request.user, code, item_id)
    try:
        item = services.evidence_item_restore(item=item)
    except services.EvidenceLocked as locked:
        messages.error(request, locked.message)
        return redirect("evidence_deleted", code=library.organisation.code)
    messages.success(request, f"“{item.title}” has been restored.")
    return redirect(_item_url(item))
