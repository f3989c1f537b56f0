"""The self-assessment services: starting, answering (optimistic locking), citing, submitting,
returning and resubmitting."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import (
    Assessment,
    AssessmentCycle,
    CriterionResponse,
    FrozenAssessmentError,
    Submission,
    Transition,
)
from evidence.models import Citation, EvidenceFile
from principles import services as rubric_services
from principles.models import Criterion
from tests.assessments.helpers import (
    answer_all,
    cite,
    cite_everywhere,
    earlier_cycle,
    evidence_file,
    open_cycle,
    response,
    start,
    submit,
    submitted,
)

pytestmark = pytest.mark.django_db


def _new_version(cast, label: str = "2027"):
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label=label, by=cast.rubric_admin
    )
    criterion = Criterion.objects.get(principle__version=draft, code="1.1")
    rubric_services.rubric_update_criterion(
        criterion=criterion, by=cast.rubric_admin, levels={}, text="Reworded: senior ownership of engagement"
    )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []
    return draft


# Starting


def test_a_lead_starts_an_assessment_pinned_to_the_current_rubric(cast):
    assessment = start(cast)
    assert assessment.rubric_version == rubric_services.current_version()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.responses.count() == 33
    assert set(assessment.responses.values_list("version", flat=True)) == {0}
    transition = Transition.objects.get(assessment=assessment)
    assert (transition.from_status, transition.to_status, transition.by) == ("", "draft", cast.lead_a)


def test_starting_twice_returns_the_same_assessment(cast):
    assert start(cast) == start(cast)
    assert Assessment.objects.count() == 1


def test_a_later_rubric_version_does_not_change_the_pinned_one(cast):
    assessment = start(cast)
    pinned = assessment.rubric_version
    new = _new_version(cast)
    assessment.refresh_from_db()
    assert assessment.rubric_version == pinned
    assert rubric_services.current_version() == new
    # A different organisation starting now gets the new version.
    assert start(cast, organisation=cast.org_b, lead=cast.lead_b).rubric_version == new


@pytest.mark.parametrize("person", ["contributor_a", "viewer_a", "lead_b", "assessor"])
def test_only_the_organisations_leads_start_it(cast, person):
    with pytest.raises(PermissionDenied):
        services.assessment_start(organisation=cast.org_a, cycle=open_cycle(), by=cast.person(person))
    assert not Assessment.objects.exists()


def test_a_closed_or_future_cycle_cannot_be_started(cast):
    today = timezone.localdate()
    future = AssessmentCycle.objects.create(
        label="2030/31",
        slug="2030-31",
        opens_on=today + datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=9),
    )
    for cycle in (earlier_cycle(), future):
        with pytest.raises(ValidationError, match="not open"):
            services.assessment_start(organisation=cast.org_a, cycle=cycle, by=cast.lead_a)
    assert not Assessment.objects.exists()


# Answering


def test_saving_an_answer_bumps_its_version(cast):
    answer = response(start(cast), "1.1")
    saved = services.response_save(
        response=answer,
        by=cast.contributor_a,
        expected_version=0,
        score=3,
        not_evidenced=False,
        narrative="Named leads.",
    )
    assert (saved.score, saved.narrative, saved.version, saved.updated_by) == (
        3,
        "Named leads.",
        1,
        cast.contributor_a,
    )


def test_a_stale_save_is_refused_and_keeps_the_other_persons_answer(cast):
    answer = response(start(cast), "1.1")
    services.response_save(
        response=answer,
        by=cast.lead_a,
        expected_version=0,
        score=2,
        not_evidenced=False,
        narrative="Lead's words",
    )
    with pytest.raises(services.StaleAnswerError) as refused:
        services.response_save(
            response=answer,
            by=cast.contributor_a,
            expected_version=0,
            score=4,
            not_evidenced=False,
            narrative="Mine",
        )
    assert refused.value.current.narrative == "Lead's words"
    assert refused.value.current.updated_by == cast.lead_a
    answer.refresh_from_db()
    assert (answer.score, answer.narrative, answer.version) == (2, "Lead's words", 1)


def test_saving_what_is_already_saved_is_not_a_conflict_and_changes_nothing(cast):
    answer = response(start(cast), "1.1")
    services.response_save(
        response=answer, by=cast.lead_a, expected_version=0, score=2, not_evidenced=False, narrative="Same"
    )
    again = services.response_save(
        response=answer,
        by=cast.contributor_a,
        expected_version=0,
        score=2,
        not_evidenced=False,
        narrative="Same",
    )
    assert (again.version, again.updated_by) == (1, cast.lead_a)


@pytest.mark.parametrize(
    ("score", "not_evidenced", "narrative"),
    [(5, False, ""), (0, False, ""), (3, True, ""), (None, False, "x" * 10_001)],
)
def test_bad_answers_are_refused(cast, score, not_evidenced, narrative):
    answer = response(start(cast), "1.1")
    with pytest.raises(ValidationError):
        services.response_save(
            response=answer,
            by=cast.lead_a,
            expected_version=0,
            score=score,
            not_evidenced=not_evidenced,
            narrative=narrative,
        )
    answer.refresh_from_db()
    assert (answer.score, answer.narrative, answer.version) == (None, "", 0)


def test_a_narrative_of_exactly_ten_thousand_characters_is_fine(cast):
    answer = response(start(cast), "1.1")
    saved = services.response_save(
        response=answer,
        by=cast.lead_a,
        expected_version=0,
        score=None,
        not_evidenced=True,
        narrative="x" * 10_000,
    )
    assert len(saved.narrative) == 10_000


@pytest.mark.parametrize("person", ["viewer_a", "lead_b", "assessor"])
def test_only_leads_and_contributors_save_answers(cast, person):
    answer = response(start(cast), "1.1")
    with pytest.raises(PermissionDenied):
        services.response_save(
            response=answer,
            by=cast.person(person),
            expected_version=0,
            score=3,
            not_evidenced=False,
            narrative="",
        )


def test_a_submitted_assessment_refuses_answers(cast):
    answer = response(submitted(cast), "1.1")
    with pytest.raises(FrozenAssessmentError):
        services.response_save(
            response=answer,
            by=cast.lead_a,
            expected_version=1,
            score=1,
            not_evidenced=False,
            narrative="Later",
        )
    answer.refresh_from_db()
    assert answer.score == 3


# Citing evidence


def test_citing_a_file_from_the_library(cast):
    assessment = start(cast)
    file = evidence_file(cast.org_a, cast.lead_a)
    citation = cite(assessment, "1.1", file, cast.contributor_a, location="Section 4")
    assert (citation.file, citation.location, citation.created_by) == (file, "Section 4", cast.contributor_a)


@pytest.mark.parametrize(
    "which", ["other organisation", "missing", "not a number", "pending scan", "deleted item"]
)
def test_only_the_organisations_clean_library_files_can_be_cited(cast, which):
    assessment = start(cast)
    file_id = {
        "other organisation": lambda: evidence_file(cast.org_b, cast.lead_b).pk,
        "missing": lambda: 999_999,
        "not a number": lambda: "1; DROP TABLE",
        "pending scan": lambda: (
            evidence_file(cast.org_a, cast.lead_a, scan_status=EvidenceFile.ScanStatus.PENDING).pk
        ),
        "deleted item": lambda: _deleted(cast),
    }[which]()
    with pytest.raises(services.CitationRefused, match="Choose evidence from your organisation's library"):
        services.citation_add(
            response=response(assessment, "1.1"), by=cast.lead_a, file_id=file_id, location="", note=""
        )
    assert not Citation.objects.exists()


def _deleted(cast) -> int:
    file = evidence_file(cast.org_a, cast.lead_a)
    file.item.deleted_at = timezone.now()
    file.item.save()
    return file.pk


def test_the_same_place_cannot_be_cited_twice(cast):
    assessment = start(cast)
    file = evidence_file(cast.org_a, cast.lead_a)
    cite(assessment, "1.1", file, cast.lead_a, location="Page 3")
    with pytest.raises(services.CitationRefused, match="already cited"):
        cite(assessment, "1.1", file, cast.lead_a, location="Page 3")
    cite(assessment, "1.1", file, cast.lead_a, location="Page 4")
    assert Citation.objects.count() == 2


def test_removing_a_citation(cast):
    assessment = start(cast)
    citation = cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a), cast.lead_a)
    with pytest.raises(PermissionDenied):
        services.citation_remove(citation=citation, by=cast.viewer_a)
    services.citation_remove(citation=citation, by=cast.contributor_a)
    assert not Citation.objects.exists()


# Submitting


def test_submitting_freezes_a_snapshot_with_its_hash(cast):
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    file = Citation.objects.filter(response__assessment=assessment).first().file
    submission = submit(assessment, cast.lead_a)

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    snapshot = submission.snapshot
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert submission.sha256 == hashlib.sha256(canonical).hexdigest()
    assert snapshot["rubric"] == {
        "label": "2026",
        "title": assessment.rubric_version.title,
        "content_hash": assessment.rubric_version.content_hash,
    }
    assert snapshot["submitted_by"]["username"] == "lead_a"
    assert snapshot["organisation"]["code"] == cast.org_a.code
    assert snapshot["cycle"] == "2026/27"
    assert len(snapshot["principles"]) == 8
    first = snapshot["principles"][0]["criteria"][0]
    assert (first["code"], first["score"], first["narrative"]) == ("1.1", 3, "Our evidence shows this.")
    cited = first["citations"][0]
    assert (cited["sha256"], cited["revision"], cited["original_name"], cited["location"]) == (
        file.sha256,
        1,
        file.original_name,
        "Page 1",
    )
    assert snapshot["self_assessed"] == {
        "rating": "Good",
        "percentage": "75.0%",
        "points": 24,
        "max_points": 32,
        "indicative": False,
    }
    transition = assessment.transitions.last()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "draft",
        "submitted",
        cast.lead_a,
    )
    assert services.submission_check(submission).matches


def test_submitting_with_unanswered_criteria_is_refused_and_changes_nothing(cast):
    assessment = start(cast)
    answer_all(assessment)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code__in=["2.3", "7.1"]).update(
        score=None, not_evidenced=False
    )
    with pytest.raises(services.SubmissionRefused) as refused:
        submit(assessment, cast.lead_a)
    assert "Not answered yet: 2.3 and 7.1" in refused.value.problems[0]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert not Submission.objects.exists()
    assert assessment.transitions.count() == 1


def test_warnings_must_be_acknowledged(cast):
    assessment = start(cast)
    answer_all(assessment, score=4)
    with pytest.raises(services.SubmissionRefused, match="read the warnings"):
        services.assessment_submit(
            assessment=assessment, by=cast.lead_a, declaration=True, acknowledged_warnings=False
        )
    assert not Submission.objects.exists()
    services.assessment_submit(
        assessment=assessment, by=cast.lead_a, declaration=True, acknowledged_warnings=True
    )
    assert Submission.objects.count() == 1


def test_the_declaration_is_required(cast):
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    with pytest.raises(services.SubmissionRefused, match="authority to submit"):
        services.assessment_submit(
            assessment=assessment, by=cast.lead_a, declaration=False, acknowledged_warnings=True
        )
    assert not Submission.objects.exists()


@pytest.mark.parametrize("person", ["contributor_a", "viewer_a", "lead_b", "assessor"])
def test_only_a_lead_submits(cast, person):
    assessment = start(cast)
    answer_all(assessment)
    with pytest.raises(PermissionDenied):
        submit(assessment, cast.person(person))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_a_submitted_assessment_cannot_be_submitted_again(cast):
    assessment = submitted(cast)
    with pytest.raises(FrozenAssessmentError):
        submit(assessment, cast.lead_a)
    assert Submission.objects.count() == 1


def test_publishing_a_new_rubric_leaves_the_submission_unchanged(cast):
    submission = submitted(cast).submissions.get()
    before = (dict(submission.snapshot), submission.sha256)
    _new_version(cast)
    submission.refresh_from_db()
    assert (submission.snapshot, submission.sha256) == before
    assert services.submission_check(submission).matches


# Returning and resubmitting


def test_cqc_returns_the_assessment_and_the_lead_resubmits_with_a_reply(cast):
    assessment = submitted(cast)
    services.assessment_return(assessment=assessment, by=cast.assessor, comment="Please say more about 3.2.")
    assert assessment.status == Assessment.Status.RETURNED

    # Answers can change again.
    answer = response(assessment, "3.2")
    services.response_save(
        response=answer,
        by=cast.contributor_a,
        expected_version=answer.version,
        score=4,
        not_evidenced=False,
        narrative="More.",
    )
    with pytest.raises(services.SubmissionRefused, match="Answer CQC's questions"):
        submit(assessment, cast.lead_a)
    services.assessment_resubmit(
        assessment=assessment,
        by=cast.lead_a,
        reply="We added the minutes.",
        declaration=True,
        acknowledged_warnings=True,
    )

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    first, second = assessment.submissions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.snapshot["reply"] == "We added the minutes."
    assert first.snapshot["principles"][2]["criteria"][1]["score"] == 3
    assert second.snapshot["principles"][2]["criteria"][1]["score"] == 4
    assert [(t.to_status, t.comment) for t in assessment.transitions.all()] == [
        ("draft", ""),
        ("submitted", ""),
        ("returned", "Please say more about 3.2."),
        ("submitted", "We added the minutes."),
    ]


def test_only_assessors_return_and_only_submitted_assessments_with_a_comment(cast):
    assessment = start(cast)
    with pytest.raises(PermissionDenied):
        services.assessment_return(assessment=assessment, by=cast.lead_a, comment="Why?")
    with pytest.raises(ValidationError):
        services.assessment_return(assessment=assessment, by=cast.assessor, comment="Why?")
    answer_all(assessment)
    submit(assessment, cast.lead_a)
    with pytest.raises(ValidationError):
        services.assessment_return(assessment=assessment, by=cast.assessor, comment="  ")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
