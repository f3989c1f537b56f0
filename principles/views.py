"""The rubric pages: reading versions, editing drafts, publishing, comparing, history and files.

Everyone signed in reads published and retired versions. Drafts exist only for rubric admins:
anyone else gets a 404 for them, as for any object they may not see. A person who can read a
version but not change it gets a 403. Every write goes through principles/services.py, which
records the change in the version's history and refuses to touch a frozen version; the views
check the same things first only so that they can explain the refusal in plain English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisations.roles import is_rubric_admin
from principles import extensions, services
from principles.forms import (
    CompareForm,
    CriterionForm,
    EvidenceCategoryForm,
    ImportForm,
    NewDraftForm,
    PrincipleForm,
    ScoringRuleForm,
    SuggestedEvidenceForm,
    VersionTitleForm,
    label_problem,
)
from principles.interchange import MAX_FILE_BYTES, RubricFileError, dump_yaml, parse_yaml, version_to_dict
from principles.models import (
    Criterion,
    EvidenceCategory,
    FrozenRubricError,
    LevelDescriptor,
    Principle,
    RubricVersion,
    SuggestedEvidence,
)
from principles.redline import compare_versions, word_diff
from principles.scoring import rule_in_words

HISTORY_PAGE_SIZE = 100


# ---------------------------------------------------------------------------------------------
# Access helpers


def versions_for(user) -> QuerySet[RubricVersion]:
    """The versions a person may read: all of them for rubric admins, no drafts for anyone else."""
    versions = RubricVersion.objects.select_related("created_by", "published_by", "retired_by", "based_on")
    if is_rubric_admin(user):
        return versions
    return versions.exclude(status=RubricVersion.Status.DRAFT)


def get_version_for_user(user, label: str) -> RubricVersion:
    try:
        return versions_for(user).get(label=label)
    except RubricVersion.DoesNotExist:
        raise Http404("No such rubric version") from None


def get_version_for_editor(user, label: str) -> RubricVersion:
    """A version a rubric admin may act on: 404 if the person cannot see it, 403 if they can
    read it but are not a rubric admin."""
    version = get_version_for_user(user, label)
    if not is_rubric_admin(user):
        raise PermissionDenied("Only rubric admins can change the rubric")
    return version


def _refused(request: HttpRequest, version: RubricVersion, heading: str, reason: str) -> HttpResponse:
    return render(
        request,
        "principles/version_refused.html",
        {"version": version, "heading": heading, "reason": reason, "current": services.current_version()},
        status=403,
    )


def _frozen(request: HttpRequest, version: RubricVersion) -> HttpResponse:
    status = version.get_status_display().lower()
    return _refused(
        request,
        version,
        f"Version {version.label} cannot be changed",
        f"Version {version.label} is {status}, so it cannot be changed. "
        "Make a new draft to change the wording.",
    )


def draft_editor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views that change a draft: the view receives the version instead of its label.

    A published or retired version gets a 403 page saying why, on GET as well as POST, so that
    nobody fills in a form that cannot be saved. The services refuse too (FrozenRubricError), for
    a version published between this check and the write, and that refusal gets the same page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, label: str, **kwargs) -> HttpResponse:
        version = get_version_for_editor(request.user, label)
        if not version.is_draft:
            return _frozen(request, version)
        try:
            return view(request, version, **kwargs)
        except FrozenRubricError:
            version.refresh_from_db()
            return _frozen(request, version)

    return wrapper


def _principle(version: RubricVersion, number: int) -> Principle:
    return get_object_or_404(Principle, version=version, number=number)


def _criterion(version: RubricVersion, code: str) -> Criterion:
    """The criterion with this code in the version. Codes are unique within a version (the
    criterion form refuses duplicates and publishing checks again), so the first is the one."""
    criterion = (
        Criterion.objects.filter(principle__version=version, code=code)
        .select_related("principle")
        .order_by("principle__number", "position", "pk")
        .first()
    )
    if criterion is None:
        raise Http404("No such criterion")
    return criterion


def _principle_url(principle: Principle, criterion: Criterion | None = None) -> str:
    url = reverse("rubric_principle", kwargs={"label": principle.version.label, "number": principle.number})
    return f"{url}#criterion-{quote(criterion.code)}" if criterion else url


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "Not recorded (command line)"


# ---------------------------------------------------------------------------------------------
# Reading


def _version_page(request: HttpRequest, version: RubricVersion | None) -> HttpResponse:
    context: dict = {"version": version, "is_rubric_admin": is_rubric_admin(request.user)}
    if version is not None:
        current = services.current_version()
        context.update(
            principles=version.principles.order_by("number"),
            categories=version.evidence_categories.order_by("position", "code"),
            rule=rule_in_words(version.rule()),
            is_current=current is not None and current.pk == version.pk,
            current=current,
            can_edit=version.is_draft and context["is_rubric_admin"],
            # What apps above the rubric hang on the version (voices: its survey questions).
            extra_links=extensions.version_links(version, request.user),
        )
    return render(request, "principles/version_detail.html", context)


@require_GET
def current(request: HttpRequest) -> HttpResponse:
    """The rubric new assessments are answered against."""
    version = services.current_version()
    if version is not None:
        version = versions_for(request.user).get(pk=version.pk)
    return _version_page(request, version)


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    current_version = services.current_version()
    return render(
        request,
        "principles/version_list.html",
        {
            "versions": versions_for(request.user),
            "current": current_version,
            "is_rubric_admin": is_rubric_admin(request.user),
        },
    )


@require_GET
def version_detail(request: HttpRequest, label: str) -> HttpResponse:
    return _version_page(request, get_version_for_user(request.user, label))


@require_GET
def principle_detail(request: HttpRequest, label: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, label)
    principle = get_object_or_404(
        Principle.objects.prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("position", "pk").prefetch_related("levels"),
            )
        ),
        version=version,
        number=number,
    )
    principle.version = version
    criteria = []
    for criterion in principle.criteria.all():
        texts = {d.level: d.text for d in criterion.levels.all()}
        levels = [(level, texts.get(level.value, "")) for level in LevelDescriptor.Level]
        criteria.append((criterion, levels))
    siblings = list(version.principles.order_by("number").only("number", "title"))
    index = next(i for i, p in enumerate(siblings) if p.pk == principle.pk)
    can_edit = version.is_draft and is_rubric_admin(request.user)
    return render(
        request,
        "principles/principle_detail.html",
        {
            "version": version,
            "principle": principle,
            "criteria": criteria,
            "evidence_groups": _evidence_by_category(version, principle),
            "evidence_items": _evidence_items(version, principle) if can_edit else [],
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "can_edit": can_edit,
        },
    )


def _evidence_items(
    version: RubricVersion, principle: Principle
) -> list[tuple[SuggestedEvidence, list[str]]]:
    """Each item of suggested evidence once, in order, with its categories' names: what a rubric
    admin changes, item by item."""
    names = dict(version.evidence_categories.values_list("code", "name"))
    return [
        (item, [names.get(code, code) for code in item.categories])
        for item in principle.suggested_evidence.order_by("position", "pk")
    ]


def _evidence_by_category(version: RubricVersion, principle: Principle) -> list[tuple[str, list[str]]]:
    """The principle's suggested evidence under each evidence category's name, in the version's
    category order. An item tagged with two categories appears under both."""
    items = list(principle.suggested_evidence.order_by("position", "pk"))
    groups = []
    for category in version.evidence_categories.order_by("position", "code"):
        texts = [item.text for item in items if category.code in item.categories]
        if texts:
            groups.append((category.name, texts))
    codes = set(version.evidence_categories.values_list("code", flat=True))
    others = [item.text for item in items if not codes.intersection(item.categories)]
    if others:
        groups.append(("Other evidence", others))
    return groups


@require_GET
def version_export(request: HttpRequest, label: str) -> HttpResponse:
    """The version as a rubric file: the same bytes `manage.py export_rubric` writes."""
    version = get_version_for_user(request.user, label)
    response = HttpResponse(
        dump_yaml(version_to_dict(version)).encode("utf-8"), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"rubric-{version.label}.yaml"
    )
    return response


# ---------------------------------------------------------------------------------------------
# Drafts: making, editing, publishing, retiring, deleting


def _require_rubric_admin(user) -> None:
    if not is_rubric_admin(user):
        raise PermissionDenied("Only rubric admins can change the rubric")


@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest) -> HttpResponse:
    """A new draft copying every word of the current published version."""
    _require_rubric_admin(request.user)
    source = services.current_version()
    form = NewDraftForm(request.POST if request.method == "POST" else None)
    suggested = False
    if request.method == "POST" and source is not None and form.is_valid():
        label, title = form.cleaned_data["label"], form.cleaned_data["title"]
        if not title:
            # Ask for the title before making the draft, suggesting one from the label, so a
            # new version never silently keeps the old version's title.
            data = request.POST.copy()
            data["title"] = services.suggested_title(source, label)
            form = NewDraftForm(data)
            suggested = True
        else:
            try:
                draft = services.rubric_new_draft(source=source, label=label, title=title, by=request.user)
            except IntegrityError:  # someone took the label since the form checked it
                form.add_error("label", f"A version called {label} already exists")
            else:
                messages.success(
                    request, f"Draft {draft.label}, “{draft.title}”, made from version {source.label}."
                )
                return redirect("rubric_version", label=draft.label)
    return render(
        request, "principles/version_new.html", {"form": form, "source": source, "suggested": suggested}
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def version_edit(request: HttpRequest, version: RubricVersion) -> HttpResponse:
    form = VersionTitleForm(
        request.POST if request.method == "POST" else None, initial={"title": version.title}
    )
    if request.method == "POST" and form.is_valid():
        services.rubric_update_version(version=version, by=request.user, title=form.cleaned_data["title"])
        messages.success(request, "Title saved.")
        return redirect("rubric_version", label=version.label)
    return render(request, "principles/version_edit.html", {"form": form, "version": version})


@require_http_methods(["GET", "POST"])
@draft_editor
def principle_edit(request: HttpRequest, version: RubricVersion, number: int) -> HttpResponse:
    principle = _principle(version, number)
    form = PrincipleForm(
        request.POST if request.method == "POST" else None,
        initial={"title": principle.title, "statement": principle.statement, "guidance": principle.guidance},
    )
    if request.method == "POST" and form.is_valid():
        changed = services.rubric_update_principle(principle=principle, by=request.user, **form.cleaned_data)
        messages.success(
            request, f"Principle {principle.number} saved." if changed else "Nothing was changed."
        )
        return redirect(_principle_url(principle))
    return render(
        request, "principles/principle_edit.html", {"form": form, "version": version, "principle": principle}
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def criterion_edit(request: HttpRequest, version: RubricVersion, code: str) -> HttpResponse:
    criterion = _criterion(version, code)
    form = CriterionForm(
        request.POST if request.method == "POST" else None,
        initial=CriterionForm.initial_for(criterion),
        version=version,
        criterion=criterion,
    )
    if request.method == "POST" and form.is_valid():
        changed = services.rubric_update_criterion(
            criterion=criterion, by=request.user, levels=form.levels(), **form.values()
        )
        messages.success(request, f"Criterion {criterion.code} saved." if changed else "Nothing was changed.")
        return redirect(_principle_url(criterion.principle, criterion))
    return render(
        request,
        "principles/criterion_form.html",
        {"form": form, "version": version, "principle": criterion.principle, "criterion": criterion},
    )


def _next_code(principle: Principle) -> str:
    codes = set(Criterion.objects.filter(principle__version=principle.version).values_list("code", flat=True))
    n = principle.criteria.count() + 1
    while f"{principle.number}.{n}" in codes:
        n += 1
    return f"{principle.number}.{n}"


@require_http_methods(["GET", "POST"])
@draft_editor
def criterion_add(request: HttpRequest, version: RubricVersion, number: int) -> HttpResponse:
    principle = _principle(version, number)
    form = CriterionForm(
        request.POST if request.method == "POST" else None,
        initial={"code": _next_code(principle)},
        version=version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.rubric_add_criterion(
                principle=principle, by=request.user, levels=form.levels(), **form.values()
            )
        except IntegrityError:  # the same code added to this principle a moment ago
            form.add_error(
                "code", f"Criterion code {form.cleaned_data['code']} is already used in this version"
            )
        else:
            messages.success(request, f"Criterion {criterion.code} added.")
            return redirect(_principle_url(principle, criterion))
    return render(
        request,
        "principles/criterion_form.html",
        {"form": form, "version": version, "principle": principle, "criterion": None},
    )


@require_POST
@draft_editor
def criterion_move(request: HttpRequest, version: RubricVersion, code: str) -> HttpResponse:
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponseBadRequest("direction must be up or down")
    criterion = _criterion(version, code)
    if services.rubric_move_criterion(criterion=criterion, by=request.user, up=direction == "up"):
        messages.success(request, f"Criterion {criterion.code} moved {direction}.")
    else:
        end = "first" if direction == "up" else "last"
        messages.info(request, f"Criterion {criterion.code} is already {end}.")
    return redirect(_principle_url(criterion.principle, criterion))


@require_http_methods(["GET", "POST"])
@draft_editor
def criterion_remove(request: HttpRequest, version: RubricVersion, code: str) -> HttpResponse:
    criterion = _criterion(version, code)
    if request.method == "POST":
        services.rubric_remove_criterion(criterion=criterion, by=request.user)
        messages.success(request, f"Criterion {criterion.code} removed.")
        return redirect(_principle_url(criterion.principle))
    return render(
        request,
        "principles/criterion_remove.html",
        {"version": version, "principle": criterion.principle, "criterion": criterion},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def rule_edit(request: HttpRequest, version: RubricVersion) -> HttpResponse:
    """The scoring rule's thresholds: changing one changes results as much as changing words."""
    form = ScoringRuleForm(request.POST if request.method == "POST" else None, version=version)
    if request.method == "POST" and form.is_valid():
        changed = services.rubric_update_scoring_rule(
            version=version, by=request.user, scoring_rule=form.scoring_rule()
        )
        messages.success(request, "Scoring rule saved." if changed else "Nothing was changed.")
        return redirect(_version_url(version, "scoring-rule"))
    return render(request, "principles/rule_edit.html", {"form": form, "version": version})


def _version_url(version: RubricVersion, fragment: str) -> str:
    return f"{reverse('rubric_version', kwargs={'label': version.label})}#{fragment}"


@require_http_methods(["GET", "POST"])
@draft_editor
def category_edit(request: HttpRequest, version: RubricVersion, code: str) -> HttpResponse:
    """An evidence category's name and description. The code stays: evidence is tagged with it."""
    category = get_object_or_404(EvidenceCategory, version=version, code=code)
    form = EvidenceCategoryForm(
        request.POST if request.method == "POST" else None, initial=EvidenceCategoryForm.initial_for(category)
    )
    if request.method == "POST" and form.is_valid():
        changed = services.rubric_update_category(category=category, by=request.user, **form.cleaned_data)
        messages.success(
            request, f"Evidence category {category.code} saved." if changed else "Nothing was changed."
        )
        return redirect(_version_url(version, "evidence-categories"))
    return render(
        request, "principles/category_edit.html", {"form": form, "version": version, "category": category}
    )


def _evidence_item(principle: Principle, item_id: int) -> SuggestedEvidence:
    return get_object_or_404(SuggestedEvidence, principle=principle, pk=item_id)


def _evidence_url(principle: Principle) -> str:
    return f"{_principle_url(principle)}#suggested-evidence"


@require_http_methods(["GET", "POST"])
@draft_editor
def evidence_add(request: HttpRequest, version: RubricVersion, number: int) -> HttpResponse:
    principle = _principle(version, number)
    form = SuggestedEvidenceForm(request.POST if request.method == "POST" else None, version=version)
    if request.method == "POST" and form.is_valid():
        services.rubric_add_evidence(principle=principle, by=request.user, **form.cleaned_data)
        messages.success(request, f"Suggested evidence added to principle {principle.number}.")
        return redirect(_evidence_url(principle))
    return render(
        request,
        "principles/evidence_form.html",
        {"form": form, "version": version, "principle": principle, "item": None},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def evidence_edit(request: HttpRequest, version: RubricVersion, number: int, item_id: int) -> HttpResponse:
    principle = _principle(version, number)
    item = _evidence_item(principle, item_id)
    form = SuggestedEvidenceForm(
        request.POST if request.method == "POST" else None,
        initial=SuggestedEvidenceForm.initial_for(item),
        version=version,
    )
    if request.method == "POST" and form.is_valid():
        changed = services.rubric_update_evidence(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, "Suggested evidence saved." if changed else "Nothing was changed.")
        return redirect(_evidence_url(principle))
    return render(
        request,
        "principles/evidence_form.html",
        {"form": form, "version": version, "principle": principle, "item": item},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def evidence_remove(request: HttpRequest, version: RubricVersion, number: int, item_id: int) -> HttpResponse:
    principle = _principle(version, number)
    item = _evidence_item(principle, item_id)
    if request.method == "POST":
        services.rubric_remove_evidence(item=item, by=request.user)
        messages.success(request, f"Suggested evidence removed from principle {principle.number}.")
        return redirect(_evidence_url(principle))
    return render(
        request,
        "principles/evidence_remove.html",
        {"version": version, "principle": principle, "item": item},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def version_publish(request: HttpRequest, version: RubricVersion) -> HttpResponse:
    """Publishing freezes the draft for good, so the page first lists anything incomplete."""
    if request.method == "POST":
        problems = services.rubric_publish(version=version, by=request.user)
        if not problems:
            messages.success(request, f"Version {version.label} is published. New assessments will use it.")
            return redirect("rubric_version", label=version.label)
    else:
        problems = services.completeness_problems(version)
    return render(
        request,
        "principles/version_publish.html",
        {
            "version": version,
            "problems": [(problem, _problem_url(version, problem)) for problem in problems],
            "refused": request.method == "POST",
            "compare_from": _default_from(version, {v.label: v for v in versions_for(request.user)}),
        },
    )


def _problem_url(version: RubricVersion, problem: str) -> str | None:
    """Where to fix a completeness problem that names a criterion or a principle."""
    if match := re.match(r"Criterion (\S+) (needs|has no)", problem):
        code = match.group(1)
        if Criterion.objects.filter(principle__version=version, code=code).exists():
            return reverse("rubric_criterion_edit", kwargs={"label": version.label, "code": code})
    if match := re.match(r"Principle (\d+) (needs|has no)", problem):
        return reverse("rubric_principle", kwargs={"label": version.label, "number": int(match.group(1))})
    return None


@require_http_methods(["GET", "POST"])
def version_retire(request: HttpRequest, label: str) -> HttpResponse:
    """Retiring stops new assessments starting on a version; those already using it keep it."""
    version = get_version_for_editor(request.user, label)
    if version.status != RubricVersion.Status.PUBLISHED:
        status = version.get_status_display().lower()
        return _refused(
            request,
            version,
            f"Version {version.label} cannot be retired",
            f"Only a published version can be retired. Version {version.label} is {status}.",
        )
    if request.method == "POST":
        try:
            services.rubric_retire(version=version, by=request.user)
        except FrozenRubricError:
            version.refresh_from_db()
            return _refused(
                request,
                version,
                f"Version {version.label} cannot be retired",
                f"Version {version.label} was retired by someone else.",
            )
        messages.success(request, f"Version {version.label} is retired.")
        return redirect("rubric_version", label=version.label)
    others = RubricVersion.objects.filter(status=RubricVersion.Status.PUBLISHED).exclude(pk=version.pk)
    return render(
        request, "principles/version_retire.html", {"version": version, "others_published": others.exists()}
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def version_delete(request: HttpRequest, version: RubricVersion) -> HttpResponse:
    if request.method == "POST":
        services.rubric_delete_draft(version=version, by=request.user)
        messages.success(request, f"Draft {version.label} is deleted.")
        return redirect("rubric_version_list")
    return render(request, "principles/version_delete.html", {"version": version})


# ---------------------------------------------------------------------------------------------
# History and comparison


@require_GET
def version_history(request: HttpRequest, label: str) -> HttpResponse:
    """Every recorded change to the version's wording, newest first."""
    version = get_version_for_editor(request.user, label)
    page = Paginator(version.changes.select_related("changed_by"), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for change in page:
        before, after = [("equal", change.before)], [("equal", change.after)]
        if change.before and change.after:
            segments = word_diff(change.before, change.after)
            before = [s for s in segments if s[0] != "insert"]
            after = [s for s in segments if s[0] != "delete"]
        rows.append(
            {
                "change": change,
                "who": _person(change.changed_by),
                "what": f"{change.subject}: {change.field.replace('_', ' ')}",
                "before": before if change.before else [],
                "after": after if change.after else [],
            }
        )
    return render(
        request, "principles/version_history.html", {"version": version, "page": page, "rows": rows}
    )


def _default_from(to: RubricVersion | None, visible: dict[str, RubricVersion]) -> RubricVersion | None:
    """What a version is naturally compared with: the version it was copied from, or else the
    published version before it."""
    if to is None:
        return None
    if to.based_on is not None and to.based_on.label in visible:
        return to.based_on
    earlier = [
        v
        for v in visible.values()
        if v.pk != to.pk and v.published_at and (to.published_at is None or v.published_at < to.published_at)
    ]
    return max(earlier, key=lambda v: (v.published_at, v.pk), default=None)


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """A redline of two versions: what was added, removed and changed, word by word."""
    visible = {v.label: v for v in versions_for(request.user)}

    def chosen(name: str) -> RubricVersion | None:
        label = request.GET.get(name)
        if not label:
            return None
        if label not in visible:
            raise Http404("No such rubric version")
        return visible[label]

    to = chosen("to") or services.current_version()
    old = chosen("from") or _default_from(to, visible)
    labels = [(v.label, str(v)) for v in visible.values()]
    form = CompareForm(
        labels=labels, initial={"from": old.label if old else None, "to": to.label if to else None}
    )
    comparison = compare_versions(version_to_dict(old), version_to_dict(to)) if old and to else None
    # What apps above the rubric hang on a version (voices: survey questions), after its own.
    extra = extensions.redline_sections(old, to) if comparison else []
    return render(
        request,
        "principles/compare.html",
        {
            "form": form,
            "old": old,
            "new": to,
            "comparison": comparison,
            "extra_sections": extra,
            "extra_counts": _extra_counts(extra),
            "identical": comparison is not None and comparison.identical and not extra,
        },
    )


def _extra_counts(sections) -> list[tuple[str, dict[str, int]]]:
    """(what the items are called, {status: how many}) for the summary, in first-seen order."""
    counts: dict[str, dict[str, int]] = {}
    for section in sections:
        counts.setdefault(section.summary_name, {"added": 0, "removed": 0, "changed": 0})
        counts[section.summary_name][section.status] += len(section.items)
    return list(counts.items())


# ---------------------------------------------------------------------------------------------
# Importing a file


@require_http_methods(["GET", "POST"])
def import_rubric(request: HttpRequest) -> HttpResponse:
    """A draft from an uploaded rubric file. A file with problems creates nothing and lists
    every problem, each with its line, so they can all be fixed in one go."""
    _require_rubric_admin(request.user)
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = parse_yaml(upload.read(MAX_FILE_BYTES + 1))
        except RubricFileError as exc:
            for problem in exc.problems:
                form.add_error("file", problem[:1].upper() + problem[1:])
        else:
            typed = form.cleaned_data["label"]
            label = typed or data["label"]
            if not typed and RubricVersion.objects.filter(label=label).exists():
                form.add_error(
                    "label", f"A version called {label} already exists. Enter a label for the draft"
                )
            elif not typed and (problem := label_problem(label)):
                form.add_error("label", f"The label in the file cannot be used. {problem}")
            else:
                try:
                    draft = services.rubric_import(data=data, by=request.user, label=label)
                except IntegrityError:
                    form.add_error("label", f"A version called {label} already exists")
                else:
                    messages.success(request, f"The file is imported as draft {draft.label}.")
                    return redirect("rubric_version", label=draft.label)
    return render(request, "principles/import.html", {"form": form})
