"""A rubric version's survey questions (issue 16, item 1), under /rubric/versions/<label>/questions/.

Reading them is like reading the version (published and retired: everyone signed in; drafts:
rubric admins only, 404 for everyone else). Rubric admins add, change and remove questions in a
draft; a published or retired version gets the rubric's "cannot be changed" page (403), through
principles' own `draft_editor`, as every rubric page does.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from organisations.roles import is_rubric_admin
from principles.models import Criterion, RubricVersion
from principles.views import draft_editor, get_version_for_user
from voices import services
from voices.forms import QuestionForm
from voices.models import AUDIENCE_CATEGORY, Question, QuestionSet
from voices.rubric import questions_url


@require_GET
def question_sets(request: HttpRequest, label: str) -> HttpResponse:
    version = get_version_for_user(request.user, label)
    sets = list(QuestionSet.objects.filter(version=version).prefetch_related("questions"))
    order = {"staff": 0, "partners": 1, "participants": 2}
    sets.sort(key=lambda qs: order.get(qs.audience, 9))
    return render(
        request,
        "voices/rubric_question_sets.html",
        {
            "version": version,
            "sets": sets,
            "can_edit": version.is_draft and is_rubric_admin(request.user),
        },
    )


def _question_set(version: RubricVersion, audience: str) -> QuestionSet:
    question_set = QuestionSet.objects.filter(version=version, audience=audience).first()
    if question_set is None:
        raise Http404("No such question set")
    return question_set


def _question(question_set: QuestionSet, code: str) -> Question:
    question = question_set.questions.filter(code=code).first()
    if question is None:
        raise Http404("No such question")
    return question


def _form(request, version: RubricVersion, question_set: QuestionSet, *, question=None, button: str):
    criteria = list(
        Criterion.objects.filter(principle__version=version)
        .order_by("principle__number", "position", "pk")
        .values_list("code", flat=True)
    )
    categories = [
        (c.code, f"{c.code}: {c.name}") for c in version.evidence_categories.order_by("position", "code")
    ]
    taken = set(question_set.questions.values_list("code", flat=True)) - (
        {question.code} if question else set()
    )
    return QuestionForm(
        request.POST if request.method == "POST" else None,
        initial=QuestionForm.initial_for(question)
        if question
        else {
            "category": next(
                (code for code, _ in categories if code == _default_category(question_set)), None
            )
        },
        criteria_codes=criteria,
        categories=categories,
        taken_codes=taken,
        button=button,
    )


def _default_category(question_set: QuestionSet) -> str:
    return AUDIENCE_CATEGORY.get(question_set.audience, "")


@require_http_methods(["GET", "POST"])
@draft_editor
def question_add(request: HttpRequest, version: RubricVersion, audience: str) -> HttpResponse:
    question_set = _question_set(version, audience)
    form = _form(request, version, question_set, button="Add question")
    if request.method == "POST" and form.is_valid():
        question = services.question_add(question_set=question_set, wording=form.wording(), by=request.user)
        messages.success(request, f"Question {question.code} added.")
        return redirect(questions_url(version, audience, question.code))
    return render(
        request,
        "voices/rubric_question_form.html",
        {"version": version, "question_set": question_set, "form": form, "question": None},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def question_edit(request: HttpRequest, version: RubricVersion, audience: str, code: str) -> HttpResponse:
    question_set = _question_set(version, audience)
    question = _question(question_set, code)
    form = _form(request, version, question_set, question=question, button="Save question")
    if request.method == "POST" and form.is_valid():
        changed = services.question_update(question=question, wording=form.wording(), by=request.user)
        messages.success(request, f"Question {question.code} saved." if changed else "Nothing changed.")
        return redirect(questions_url(version, audience, question.code))
    return render(
        request,
        "voices/rubric_question_form.html",
        {"version": version, "question_set": question_set, "form": form, "question": question},
    )


@require_http_methods(["GET", "POST"])
@draft_editor
def question_remove(request: HttpRequest, version: RubricVersion, audience: str, code: str) -> HttpResponse:
    question_set = _question_set(version, audience)
    question = _question(question_set, code)
    if request.method == "POST":
        services.question_remove(question=question, by=request.user)
        messages.success(request, f"Question {code} removed.")
        return redirect(questions_url(version, audience))
    return render(
        request,
        "voices/rubric_question_remove.html",
        {"version": version, "question_set": question_set, "question": question},
    )
