"""The starter question sets and their freeze: a published version's questions never change."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from principles import services as rubric_services
from principles.models import Criterion, FrozenRubricError, RubricVersion
from voices import starter
from voices.models import Question, QuestionSet

pytestmark = pytest.mark.django_db


def published():
    return RubricVersion.objects.get(label="2026")


def test_the_2026_rubric_ships_a_question_set_for_each_audience():
    sets = {qs.audience: qs for qs in QuestionSet.objects.filter(version=published())}
    assert set(sets) == {"staff", "partners", "participants"}
    categories = {a: set(qs.questions.values_list("category", flat=True)) for a, qs in sets.items()}
    assert categories == {"staff": {"SL"}, "partners": {"FP"}, "participants": {"PE"}}
    kinds = set(Question.objects.filter(question_set__version=published()).values_list("kind", flat=True))
    assert kinds == {"agreement", "yes_no", "single", "multiple", "free_text"}


def test_closing_the_loop_and_taking_part_are_asked_of_participants():
    questions = Question.objects.filter(
        question_set__audience="participants", question_set__version=published()
    )
    by_text = {q.text: q for q in questions}
    assert by_text["I was told what happened as a result of what I said."].criteria == ["2.4"]
    assert "6.2" in by_text["I could take part in the way that suited me."].criteria


def test_every_question_informs_criteria_of_its_own_version():
    codes = set(Criterion.objects.filter(principle__version=published()).values_list("code", flat=True))
    for question in Question.objects.filter(question_set__version=published()):
        assert set(question.criteria) <= codes, question.code
        if question.kind in {"single", "multiple"}:
            assert len(question.options) >= 2
        else:
            assert question.options == []
        question.clean()


def test_free_text_is_optional_and_choices_are_required():
    for question in Question.objects.filter(question_set__version=published()):
        assert question.required == (question.kind != "free_text")


def test_the_starter_file_refuses_a_criterion_the_version_lacks(cast):
    draft = rubric_services.rubric_new_draft(source=published(), label="draft-q", by=cast.rubric_admin)
    QuestionSet.objects.filter(version=draft).delete()  # the copies the new draft was given
    data = starter.read()
    data["staff"]["questions"][0]["criteria"] = ["9.9"]
    with pytest.raises(ValueError, match=r"9\.9"):
        starter.load(draft, QuestionSet=QuestionSet, Question=Question, Criterion=Criterion, data=data)


def test_a_published_question_cannot_be_changed_or_deleted_in_the_model_layer():
    question = Question.objects.filter(question_set__version=published()).first()
    question.text = "Changed"
    with pytest.raises(FrozenRubricError):
        question.save()
    with pytest.raises(FrozenRubricError):
        Question.objects.get(pk=question.pk).delete()
    with pytest.raises(FrozenRubricError):
        Question.objects.filter(pk=question.pk).update(text="Changed")
    with pytest.raises(FrozenRubricError):
        QuestionSet.objects.filter(version=published()).delete()
    with pytest.raises(FrozenRubricError):
        Question.objects.create(
            question_set=question.question_set, code="ZZ1", text="New", kind="yes_no", category="PE"
        )


def test_the_database_refuses_sql_that_would_change_a_published_question_set():
    question = Question.objects.filter(question_set__version=published()).first()
    for sql, params in [
        ("UPDATE voices_question SET text = %s WHERE id = %s", ["Changed", question.pk]),
        ("DELETE FROM voices_question WHERE id = %s", [question.pk]),
        ("UPDATE voices_questionset SET title = %s WHERE id = %s", ["Changed", question.question_set_id]),
        (
            "INSERT INTO voices_question (question_set_id, code, position, text, hint, kind, options, "
            "criteria, category, required) VALUES "
            "(%s, 'ZZ1', 1, 'New', '', 'yes_no', '[]', '[]', 'PE', true)",
            [question.question_set_id],
        ),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    question.refresh_from_db()
    assert question.text != "Changed"


def test_a_draft_question_set_can_change(cast):
    # The new draft has copies of the published version's sets (voices.rubric.copy_question_sets).
    draft = rubric_services.rubric_new_draft(source=published(), label="draft-q", by=cast.rubric_admin)
    question = Question.objects.filter(question_set__version=draft).first()
    question.text = "Changed in the draft"
    question.save()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE voices_question SET hint = %s WHERE id = %s", ["New hint", question.pk])
    question.refresh_from_db()
    assert (question.text, question.hint) == ("Changed in the draft", "New hint")
    Question.objects.filter(pk=question.pk).delete()
