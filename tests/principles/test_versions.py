"""Published rubric versions never change, by any route; drafts can, with a history."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from principles import services
from principles.interchange import RubricFileError, content_hash, dump_yaml, parse_yaml, version_to_dict
from principles.models import (
    Criterion,
    EvidenceCategory,
    FrozenRubricError,
    LevelDescriptor,
    Principle,
    RubricChange,
    RubricVersion,
    SuggestedEvidence,
)

pytestmark = pytest.mark.django_db

RUBRIC_FILE = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"


def _stored_export() -> str:
    """The published version's export, read afresh from the database."""
    return dump_yaml(version_to_dict(RubricVersion.objects.get(label="2026")))


@pytest.fixture
def published() -> RubricVersion:
    return RubricVersion.objects.get(label="2026")


@pytest.fixture
def draft(published, cast) -> RubricVersion:
    return services.rubric_new_draft(source=published, label="2027", by=cast.rubric_admin)


def test_the_first_published_rubric_is_the_draft_rubric(published):
    assert published.status == "published"
    assert published.principles.count() == 8
    assert Criterion.objects.filter(principle__version=published).count() == 33
    for criterion in Criterion.objects.filter(principle__version=published).prefetch_related("levels"):
        assert sorted(d.level for d in criterion.levels.all()) == [1, 2, 3, 4]
        assert all(d.text.strip() for d in criterion.levels.all())
    assert list(published.evidence_categories.values_list("code", flat=True)) == [
        "PE",
        "SL",
        "FP",
        "PR",
        "OC",
        "OB",
    ]
    assert services.current_version() == published


def test_the_published_rubric_exports_to_its_source_file_byte_for_byte(published):
    assert _stored_export() == RUBRIC_FILE.read_text()


def test_the_content_hash_proves_the_wording(published):
    assert published.content_hash == content_hash(version_to_dict(published))
    assert len(published.content_hash) == 64


def test_a_new_draft_copies_every_word_and_the_scoring_rule(published, draft):
    original, copy = version_to_dict(published), version_to_dict(draft)
    assert copy["label"] == "2027" and draft.status == "draft" and draft.based_on == published
    # Every word but the title, which is the new version's own (suggested from its label).
    assert copy["title"] == "Public engagement rubric 2027"
    assert {k: v for k, v in copy.items() if k not in {"label", "title"}} == {
        k: v for k, v in original.items() if k not in {"label", "title"}
    }
    assert content_hash({**copy, "title": original["title"]}) == published.content_hash


# --- The model layer refuses every change to a frozen version -----------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "version_title",
        "principle_title",
        "criterion_text",
        "descriptor_text",
        "category_name",
        "suggested_evidence",
        "new_principle",
        "new_descriptor",
        "move_criterion_into_it",
    ],
)
def test_published_version_refuses_changes_through_models(published, draft, change):
    principle = published.principles.get(number=3)
    criterion = principle.criteria.get(code="3.2")
    with pytest.raises(FrozenRubricError):
        if change == "version_title":
            published.title = "Changed"
            published.save()
        elif change == "principle_title":
            principle.title = "Changed"
            principle.save()
        elif change == "criterion_text":
            criterion.text = "Changed"
            criterion.save()
        elif change == "descriptor_text":
            descriptor = criterion.levels.get(level=3)
            descriptor.text = "Changed"
            descriptor.save()
        elif change == "category_name":
            category = published.evidence_categories.get(code="PE")
            category.name = "Changed"
            category.save()
        elif change == "suggested_evidence":
            item = principle.suggested_evidence.first()
            item.text = "Changed"
            item.save()
        elif change == "new_principle":
            Principle.objects.create(version=published, number=9, title="New", statement="New")
        elif change == "new_descriptor":
            criterion.levels.get(level=4).delete()
        elif change == "move_criterion_into_it":
            mine = Criterion.objects.get(principle__version=draft, code="1.1")
            mine.principle = principle
            mine.save()
    assert _stored_export() == RUBRIC_FILE.read_text()


@pytest.mark.parametrize(
    "model", [Principle, Criterion, LevelDescriptor, EvidenceCategory, SuggestedEvidence, RubricVersion]
)
def test_published_version_refuses_bulk_updates_and_deletes(published, model):
    rows = model.objects.all()
    with pytest.raises(FrozenRubricError):
        if model is RubricVersion:
            published.delete()
        else:
            rows.update(
                **{"text" if hasattr(model, "text") else "title" if model is Principle else "name": "x"}
            )
    if model is not RubricVersion:
        with pytest.raises(FrozenRubricError):
            rows.delete()
    assert _stored_export() == RUBRIC_FILE.read_text()


def test_retiring_is_the_only_change_a_published_version_takes(published, cast):
    services.rubric_retire(version=published, by=cast.rubric_admin)
    published.refresh_from_db()
    assert published.status == "retired" and published.retired_by == cast.rubric_admin
    assert services.current_version() is None
    published.status = "published"
    with pytest.raises(FrozenRubricError):
        published.save()
    with pytest.raises(FrozenRubricError):
        services.rubric_retire(version=published, by=cast.rubric_admin)


def test_services_refuse_to_edit_a_published_version(published, cast):
    principle = published.principles.get(number=1)
    with pytest.raises(FrozenRubricError):
        services.rubric_update_principle(principle=principle, by=cast.rubric_admin, title="Changed")
    with pytest.raises(FrozenRubricError):
        services.rubric_publish(version=published, by=cast.rubric_admin)
    with pytest.raises(FrozenRubricError):
        services.rubric_delete_draft(version=published, by=cast.rubric_admin)
    assert not RubricChange.objects.filter(version=published).exclude(field="status").exists()


# --- The database refuses too (triggers on PostgreSQL and SQLite), whatever SQL is sent ---------

RAW_SQL = {
    "update a descriptor": "UPDATE principles_leveldescriptor SET text = 'changed' WHERE id = {descriptor}",
    "delete a descriptor": "DELETE FROM principles_leveldescriptor WHERE id = {descriptor}",
    "update a criterion": "UPDATE principles_criterion SET text = 'changed' WHERE id = {criterion}",
    "delete a criterion": "DELETE FROM principles_criterion WHERE id = {criterion}",
    "update a principle": "UPDATE principles_principle SET statement = 'changed' WHERE id = {principle}",
    "add a principle": "INSERT INTO principles_principle (version_id, number, title, statement, guidance) "
    "VALUES ({version}, 9, 'x', 'y', '')",
    "update a category": "UPDATE principles_evidencecategory SET name = 'x' WHERE version_id = {version}",
    "update suggested evidence": "UPDATE principles_suggestedevidence SET text = 'x' "
    "WHERE principle_id = {principle}",
    "retitle the version": "UPDATE principles_rubricversion SET title = 'changed' WHERE id = {version}",
    "delete the version": "DELETE FROM principles_rubricversion WHERE id = {version}",
    "unpublish the version": "UPDATE principles_rubricversion SET status = 'draft' WHERE id = {version}",
    "retire and retitle at once": "UPDATE principles_rubricversion SET status = 'retired', "
    "retired_at = CURRENT_TIMESTAMP, title = 'changed' WHERE id = {version}",
    "move a draft's criterion into it": "UPDATE principles_criterion SET principle_id = {principle} "
    "WHERE id = {draft_criterion}",
}


@pytest.mark.parametrize("what", list(RAW_SQL))
def test_the_database_refuses_raw_sql_that_changes_a_published_version(published, draft, what):
    principle = published.principles.get(number=3)
    criterion = principle.criteria.get(code="3.2")
    ids = {
        "version": published.pk,
        "principle": principle.pk,
        "criterion": criterion.pk,
        "descriptor": criterion.levels.get(level=3).pk,
        "draft_criterion": Criterion.objects.get(principle__version=draft, code="1.1").pk,
    }
    with (
        pytest.raises((IntegrityError, DatabaseError)) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(RAW_SQL[what].format(**ids))
    assert "rubric version" in str(error.value)
    assert _stored_export() == RUBRIC_FILE.read_text()


def test_the_database_lets_drafts_change_and_published_versions_retire(published, draft):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE principles_criterion SET text = 'changed' WHERE id = %s",
            [Criterion.objects.get(principle__version=draft, code="1.1").pk],
        )
        cursor.execute(
            "UPDATE principles_rubricversion SET status = 'retired', retired_at = CURRENT_TIMESTAMP "
            "WHERE id = %s",
            [published.pk],
        )
    published.refresh_from_db()
    assert published.status == "retired"


# --- Editing drafts ------------------------------------------------------------------------------


def test_editing_a_draft_records_who_when_before_and_after(draft, cast):
    criterion = Criterion.objects.get(principle__version=draft, code="3.2")
    old = criterion.levels.get(level=4).text
    services.rubric_update_criterion(
        criterion=criterion, by=cast.rubric_admin, levels={4: "Minutes record how input changed decisions."}
    )
    change = RubricChange.objects.get(version=draft, subject="Criterion 3.2 level 4")
    assert (change.field, change.before, change.after) == (
        "text",
        old,
        "Minutes record how input changed decisions.",
    )
    assert change.changed_by == cast.rubric_admin and change.changed_at is not None
    with pytest.raises(Exception):  # noqa: B017 - history is append-only
        change.delete()


def test_publishing_an_incomplete_draft_is_refused_with_what_to_fix(draft, cast):
    criterion = Criterion.objects.get(principle__version=draft, code="2.3")
    services.rubric_update_criterion(criterion=criterion, by=cast.rubric_admin, levels={2: "   "})
    duplicate = Criterion.objects.get(principle__version=draft, code="2.4")
    services.rubric_update_criterion(criterion=duplicate, by=cast.rubric_admin, levels={}, code="1.1")
    problems = services.rubric_publish(version=draft, by=cast.rubric_admin)
    assert "Criterion 2.3 needs a descriptor for level 2." in problems
    assert "Criterion code 1.1 is used more than once." in problems
    draft.refresh_from_db()
    assert draft.status == "draft"
    # Nothing typed was lost.
    assert Criterion.objects.get(pk=duplicate.pk).code == "1.1"


def test_missing_descriptors_are_listed_as_people_write_lists(draft, cast):
    two = Criterion.objects.get(principle__version=draft, code="4.1")
    services.rubric_update_criterion(criterion=two, by=cast.rubric_admin, levels={2: "", 4: ""})
    three = Criterion.objects.get(principle__version=draft, code="4.2")
    services.rubric_update_criterion(criterion=three, by=cast.rubric_admin, levels={1: "", 2: "", 4: ""})
    problems = services.completeness_problems(draft)
    assert "Criterion 4.1 needs a descriptor for levels 2 and 4." in problems
    assert "Criterion 4.2 needs a descriptor for levels 1, 2 and 4." in problems


def test_publishing_a_complete_draft_freezes_it_with_a_hash(draft, cast):
    criterion = Criterion.objects.get(principle__version=draft, code="8.4")
    services.rubric_update_criterion(
        criterion=criterion, by=cast.rubric_admin, levels={}, text="Insight flows well"
    )
    assert services.rubric_publish(version=draft, by=cast.rubric_admin) == []
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_by == cast.rubric_admin
    assert draft.content_hash == content_hash(version_to_dict(draft))
    assert draft.content_hash != RubricVersion.objects.get(label="2026").content_hash
    assert services.current_version() == draft
    with pytest.raises(FrozenRubricError):
        services.rubric_update_criterion(criterion=criterion, by=cast.rubric_admin, levels={}, text="Again")


def test_moving_and_adding_and_removing_criteria(draft, cast):
    principle = draft.principles.get(number=2)
    second = principle.criteria.get(code="2.2")
    assert services.rubric_move_criterion(criterion=second, by=cast.rubric_admin, up=True)
    assert [c.code for c in principle.criteria.order_by("position")] == ["2.2", "2.1", "2.3", "2.4"]
    first = principle.criteria.get(code="2.2")
    assert not services.rubric_move_criterion(criterion=first, by=cast.rubric_admin, up=True)
    added = services.rubric_add_criterion(
        principle=principle,
        by=cast.rubric_admin,
        code="2.5",
        text="New",
        levels={1: "a", 2: "b", 3: "c", 4: "d"},
    )
    assert [c.code for c in principle.criteria.order_by("position")][-1] == "2.5"
    services.rubric_remove_criterion(criterion=added, by=cast.rubric_admin)
    assert not principle.criteria.filter(code="2.5").exists()
    assert RubricChange.objects.filter(version=draft, field__in=["added", "removed", "order"]).count() == 3


def test_deleting_a_draft_leaves_the_published_version_alone(draft, published, cast):
    services.rubric_delete_draft(version=draft, by=cast.rubric_admin)
    assert not RubricVersion.objects.filter(label="2027").exists()
    assert _stored_export() == RUBRIC_FILE.read_text()


# --- Import and export --------------------------------------------------------------------------


def test_export_import_export_is_identical(published, cast):
    first = dump_yaml(version_to_dict(published))
    draft = services.rubric_import(data=parse_yaml(first.encode()), by=cast.rubric_admin, label="copy")
    second = dump_yaml(version_to_dict(draft))
    assert second == first.replace("label: '2026'", "label: copy", 1)
    services.rubric_delete_draft(version=draft, by=cast.rubric_admin)
    again = services.rubric_import(data=parse_yaml(second.encode()), by=cast.rubric_admin)
    assert dump_yaml(version_to_dict(again)) == second


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("format: engagement-rubric/1", "format: other/9"), "line 1, format: must be"),
        (
            lambda t: t.replace("  title: Clear purpose\n", "", 1),
            "principles[1]: is missing the field 'title'",
        ),
        (lambda t: t.replace("code: '3.2'", "code: '3.1'", 1), "'3.1' is used by another criterion"),
        (
            lambda t: t.replace("- categories:\n    - PR", "- categories:\n    - XX", 1),
            "'XX' is not an evidence",
        ),
        (
            lambda t: t.replace("- number: 2\n", "- number: two\n", 1),
            "line 116, principles[1].number: must be a whole",
        ),
        (lambda t: t + "colour: blue\n", "colour: is not a field this format knows"),
        (lambda t: t.replace("min_percent: '63'", "min_percent: '163'", 1), "scoring_rule"),
        (lambda t: "principles: [\n", "not valid YAML"),
        (lambda t: "", "The file is empty."),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line_or_field(edit, expected):
    text = edit(RUBRIC_FILE.read_text())
    with pytest.raises(RubricFileError) as error:
        parse_yaml(text.encode())
    assert any(expected in problem for problem in error.value.problems), error.value.problems


def test_an_empty_descriptor_in_a_file_names_its_line():
    text = RUBRIC_FILE.read_text()
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("1: No identified senior lead"))
    lines[index] = lines[index].split("1:")[0] + "1: ''\n"
    with pytest.raises(RubricFileError) as error:
        parse_yaml("".join(lines).encode())
    assert f"line {index + 1}, principles[0].criteria[0].levels.1: must not be empty" in error.value.problems


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(RubricFileError, match="UTF-8"):
        parse_yaml(b"\xff\xfe\x00label")
