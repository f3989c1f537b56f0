"""Question sets as part of a rubric version, through what principles/ offers apps above it
(principles/extensions.py), registered in VoicesConfig.ready:

- a new draft copies the question sets of the version it was copied from (`copy_question_sets`);
- the compare page's redline lists survey questions added, removed and changed, word by word,
  matched by audience and code (`redline`);
- a version's page links to its survey questions (`version_links`).
"""

from __future__ import annotations

from django.urls import reverse

from principles.extensions import RedlineSection
from principles.redline import compare_items
from voices.models import Question, QuestionSet


def copy_question_sets(sender, *, source, draft, by, **kwargs) -> None:
    """Every question set of `source`, copied word for word into the new draft."""
    sets = list(QuestionSet.objects.filter(version=source).prefetch_related("questions"))
    for question_set in sets:
        copy = QuestionSet.objects.create(
            version=draft,
            audience=question_set.audience,
            title=question_set.title,
            introduction=question_set.introduction,
        )
        Question.objects.bulk_create(
            Question(
                question_set=copy,
                code=q.code,
                position=q.position,
                text=q.text,
                hint=q.hint,
                kind=q.kind,
                options=list(q.options),
                criteria=list(q.criteria),
                category=q.category,
                required=q.required,
            )
            for q in question_set.questions.all()
        )


def questions_url(version, audience: str = "", code: str = "") -> str:
    url = reverse("rubric_question_sets", kwargs={"label": version.label})
    if audience and code:
        return f"{url}#question-{audience}-{code}"
    return f"{url}#set-{audience}" if audience else url


def _set_fields(question_set: QuestionSet) -> dict[str, str]:
    return {"Title": question_set.title, "Introduction": question_set.introduction}


def question_fields(question: Question) -> dict[str, str]:
    return {
        "Question": question.text,
        "Hint": question.hint,
        "Kind": question.get_kind_display(),
        "Choices": "\n".join(str(option) for option in question.options),
        "Criteria it informs": ", ".join(question.criteria),
        "Evidence category": question.category,
        "Answer required": "Yes" if question.required else "No",
    }


def _read(version) -> tuple[dict[str, QuestionSet], dict[tuple[str, str], Question]]:
    sets = {
        qs.audience: qs for qs in QuestionSet.objects.filter(version=version).prefetch_related("questions")
    }
    questions = {(qs.audience, q.code): q for qs in sets.values() for q in qs.questions.all()}
    return sets, questions


def redline(old, new) -> list[RedlineSection]:
    """Survey questions (and their sets' titles and introductions) that differ between versions."""
    old_sets, old_questions = _read(old)
    new_sets, new_questions = _read(new)
    items = []
    for audience in [a for a in ("staff", "partners", "participants") if a in old_sets or a in new_sets]:
        before, after = old_sets.get(audience), new_sets.get(audience)
        present = after or before
        item = compare_items(
            audience,
            f"{present.get_audience_display()}: the question set",
            _set_fields(before) if before else None,
            _set_fields(after) if after else None,
            url=questions_url(new if after else old, audience),
        )
        if item:
            items.append(item)
    order = {key: (key[0], q.position, 0) for key, q in old_questions.items()}
    order.update({key: (key[0], q.position, 1) for key, q in new_questions.items()})
    for key in sorted(old_questions.keys() | new_questions.keys(), key=lambda k: order[k]):
        before, after = old_questions.get(key), new_questions.get(key)
        present = after or before
        item = compare_items(
            f"{key[0]}-{key[1]}",
            f"{present.question_set.get_audience_display()} question {key[1]}: {present.text}",
            question_fields(before) if before else None,
            question_fields(after) if after else None,
            url=questions_url(new if after else old, *key),
        )
        if item:
            items.append(item)
    return [
        RedlineSection(
            heading=f"Survey questions {status}",
            status=status,
            items=tuple(i for i in items if i.status == status),
            summary_name="Survey questions",
        )
        for status in ("changed", "added", "removed")
        if any(i.status == status for i in items)
    ]


def version_links(version, user) -> list[tuple[str, str]]:
    if not QuestionSet.objects.filter(version=version).exists():
        return []
    verb = "See and change" if version.is_draft else "See"
    return [(f"{verb} the survey questions of this version", questions_url(version))]
