"""A submitted self-assessment cannot change, whichever way a write comes: models, bulk
querysets, or raw SQL (database triggers, on PostgreSQL and SQLite). Submissions never change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from assessments.models import Assessment, CriterionResponse, FrozenAssessmentError, Submission
from evidence.models import Citation
from tests.assessments.helpers import cite, evidence_file, response, start, submitted

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_draft_answer_can_be_saved_and_deleted(cast):
    answer = response(start(cast), "1.1")
    answer.narrative = "Changed"
    answer.save()
    CriterionResponse.objects.filter(pk=answer.pk).update(narrative="Bulk")
    answer.refresh_from_db()
    assert answer.narrative == "Bulk"


def test_a_submitted_answer_refuses_save_and_delete(cast):
    answer = response(submitted(cast), "1.1")
    answer.narrative = "Rewritten after submission"
    with pytest.raises(FrozenAssessmentError):
        answer.save()
    with pytest.raises(FrozenAssessmentError):
        answer.delete()
    answer.refresh_from_db()
    assert answer.narrative == "Our evidence shows this."


def test_bulk_update_and_delete_of_submitted_answers_are_refused(cast):
    assessment = submitted(cast)
    with pytest.raises(FrozenAssessmentError):
        CriterionResponse.objects.filter(assessment=assessment).update(score=1)
    with pytest.raises(FrozenAssessmentError):
        CriterionResponse.objects.filter(assessment=assessment).delete()
    assert set(CriterionResponse.objects.filter(assessment=assessment).values_list("score", flat=True)) == {3}


def test_an_answer_cannot_be_added_to_a_submitted_assessment(cast):
    assessment = submitted(cast)
    existing = response(assessment, "1.1")
    with pytest.raises(FrozenAssessmentError):
        CriterionResponse(assessment=assessment, criterion=existing.criterion).save()


def test_citations_of_a_submitted_assessment_refuse_every_change(cast):
    assessment = submitted(cast)
    citation = Citation.objects.filter(response__assessment=assessment).first()
    citation.note = "Changed"
    with pytest.raises(FrozenAssessmentError):
        citation.save()
    with pytest.raises(FrozenAssessmentError):
        citation.delete()
    with pytest.raises(FrozenAssessmentError):
        Citation.objects.filter(pk=citation.pk).update(note="Bulk")
    with pytest.raises(FrozenAssessmentError):
        Citation.objects.filter(pk=citation.pk).delete()
    new = Citation(
        response=citation.response, file=citation.file, location="Page 9", note="", created_by=cast.lead_a
    )
    with pytest.raises(FrozenAssessmentError):
        new.save()


def test_a_draft_citation_can_be_changed(cast):
    assessment = start(cast)
    citation = cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a), cast.lead_a)
    citation.note = "Changed"
    citation.save()
    citation.delete()
    assert not Citation.objects.exists()


def test_a_submission_never_changes(cast):
    submission = submitted(cast).submissions.get()
    submission.sha256 = "0" * 64
    with pytest.raises(ValidationError):
        submission.save()
    with pytest.raises(ValidationError):
        submission.delete()
    with pytest.raises(ValidationError):
        Submission.objects.filter(pk=submission.pk).update(sha256="0" * 64)
    with pytest.raises(ValidationError):
        Submission.objects.all().delete()


# The database's own refusal, by raw SQL that skips every check in Python.


def test_the_database_refuses_raw_updates_to_submitted_answers(cast):
    answer = response(submitted(cast), "1.1")
    with pytest.raises(DatabaseError):
        _raw("UPDATE assessments_criterionresponse SET narrative = %s WHERE id = %s", ["Raw", answer.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM assessments_criterionresponse WHERE id = %s", [answer.pk])
    answer.refresh_from_db()
    assert answer.narrative == "Our evidence shows this."


def test_the_database_refuses_raw_inserts_into_submitted_assessments(cast):
    assessment = submitted(cast)
    criterion_id = response(assessment, "1.1").criterion_id
    _raw("DELETE FROM assessments_criterionresponse WHERE id = -1", [])  # a no-op is fine
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO assessments_criterionresponse "
            "(assessment_id, criterion_id, score, not_evidenced, narrative, version, updated_at) "
            "VALUES (%s, %s, NULL, %s, '', 0, CURRENT_TIMESTAMP)",
            [assessment.pk, criterion_id, False],
        )


def test_the_database_refuses_raw_changes_to_submitted_citations(cast):
    assessment = submitted(cast)
    citation = Citation.objects.filter(response__assessment=assessment).first()
    with pytest.raises(DatabaseError):
        _raw("UPDATE evidence_citation SET note = %s WHERE id = %s", ["Raw", citation.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM evidence_citation WHERE id = %s", [citation.pk])
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO evidence_citation (response_id, file_id, location, note, created_by_id, created_at) "
            "VALUES (%s, %s, 'Page 7', '', %s, CURRENT_TIMESTAMP)",
            [citation.response_id, citation.file_id, cast.lead_a.pk],
        )
    assert Citation.objects.filter(response__assessment=assessment).count() == 66


def test_the_database_refuses_raw_changes_to_submissions(cast):
    submission = submitted(cast).submissions.get()
    with pytest.raises(DatabaseError):
        _raw("UPDATE assessments_submission SET sha256 = %s WHERE id = %s", ["0" * 64, submission.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM assessments_submission WHERE id = %s", [submission.pk])
    assert Submission.objects.get(pk=submission.pk).sha256 == submission.sha256


def test_the_database_allows_raw_changes_to_drafts_and_returned_assessments(cast):
    assessment = submitted(cast)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RETURNED)
    answer = response(assessment, "1.1")
    _raw("UPDATE assessments_criterionresponse SET narrative = %s WHERE id = %s", ["Raw", answer.pk])
    citation = Citation.objects.filter(response=answer).first()
    _raw("UPDATE evidence_citation SET note = %s WHERE id = %s", ["Raw", citation.pk])
    answer.refresh_from_db()
    assert answer.narrative == "Raw"
