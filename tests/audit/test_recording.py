"""Every kind of change is recorded where it happens, inside its own transaction, against the
organisation whose data it is: rubric edits, status changes, assessor scores and overrides,
uploads, evidence and report downloads."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import report
from assessments.models import Assessment, RenderedReport
from audit.models import AuditEvent
from principles import services as rubric_services
from principles.models import RubricVersion
from reviews import services as review_services
from tests.assessments.helpers import answer_all, cite_everywhere, start, submit, submitted
from tests.assessments.review_helpers import codes, in_review, score_all, second_assessor
from tests.evidence.library import cite_and_submit, stored_file

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_rubric_edits_are_recorded_with_the_rubric_admin_and_no_organisation(cast):
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    principle = draft.principles.get(number=3)
    rubric_services.rubric_update_principle(
        principle=principle, by=cast.rubric_admin, title="Shaping decisions"
    )
    created, changed = events("rubric.changed")
    assert created.summary == "Rubric 2027: Version created"
    assert changed.summary == "Rubric 2027: Principle 3, title changed"
    assert changed.detail["after"] == "Shaping decisions"
    assert changed.detail["before"] == "Engagement shapes planning and decisions"
    assert (changed.actor_id, changed.actor_is_staff, changed.organisation_id) == (
        cast.rubric_admin.pk,
        True,
        None,
    )
    assert changed.detail["actor_role"] == "rubric_admin"
    assert (changed.object_type, changed.object_id) == ("principles.RubricVersion", str(draft.pk))


def test_a_deleted_draft_keeps_its_audit_record(cast):
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="gone", by=cast.rubric_admin
    )
    rubric_services.rubric_delete_draft(version=draft, by=cast.rubric_admin)
    assert not RubricVersion.objects.filter(label="gone").exists()
    assert [e.summary for e in events("rubric.changed")] == [
        "Rubric gone: Version created",
        "Rubric gone: draft deleted",
    ]


def test_publishing_is_recorded(cast):
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []
    assert events("rubric.changed")[-1].summary == "Rubric 2027: published"


def test_every_status_change_is_recorded_against_the_organisation(cast):
    assessment = submitted(cast)
    in_review(assessment, cast.assessor)
    review_services.question_ask(assessment=assessment, by=cast.assessor, body="Who came to the panel?")
    review_services.assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    recorded = events("assessment.transition")
    assert [(e.detail["from"], e.detail["to"]) for e in recorded] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "returned"),
    ]
    assert {e.organisation_id for e in recorded} == {cast.org_a.pk}
    assert [e.actor_username for e in recorded] == ["lead_a", "lead_a", "assessor", "assessor"]
    assert recorded[0].summary == "Started the 2026/27 self-assessment"
    assert recorded[1].summary == "Moved the 2026/27 self-assessment from in progress to submitted"
    assert recorded[2].actor_is_staff and recorded[2].detail["actor_role"] == "assessor"
    assert not recorded[1].actor_is_staff and "actor_role" not in recorded[1].detail


def test_finalising_is_recorded(cast):
    assessment = in_review(submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    summaries = {str(n): f"Summary of principle {n}." for n in range(1, 9)}
    review_services.outcome_share(
        assessment=assessment, by=cast.assessor, summaries=summaries, fa_deadline=deadline
    )
    review_services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="No more comments.")
    last = events("assessment.transition")[-1]
    assert (last.detail["from"], last.detail["to"]) == ("in_review", Assessment.Status.ASSESSED)
    assert last.summary == "Moved the 2026/27 self-assessment from in review to assessed"


def test_assessor_scores_overrides_and_moderation_are_recorded(cast):
    assessment = in_review(submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    assert len(events("review.score")) == len(codes(assessment))
    code = codes(assessment)[0]
    review_services.score_save(
        assessment=assessment,
        criterion_code=code,
        by=cast.assessor,
        expected_version=1,
        score=2,
        not_evidenced=False,
        rationale="Thin.",
    )
    scored = events("review.score")[-1]
    assert scored.summary == f"Scored criterion {code}: 2"
    assert (scored.organisation_id, scored.actor_id, scored.object_type) == (
        cast.org_a.pk,
        cast.assessor.pk,
        "reviews.AssessorScore",
    )
    review_services.override_save(
        assessment=assessment,
        principle_number=1,
        calculated=3,
        by=cast.assessor,
        override=4,
        rationale="Strong.",
    )
    review_services.override_save(
        assessment=assessment, principle_number=1, calculated=3, by=cast.assessor, override=None, rationale=""
    )
    assert [e.summary for e in events("review.override")] == [
        "Overrode principle 1's calculated score 3 with 4",
        "Removed the override of principle 1's score",
    ]
    review_services.moderate(
        assessment=assessment, principle_number=1, by=second_assessor(), agrees=True, score=None, reason=""
    )
    (moderated,) = events("review.moderation")
    assert moderated.organisation_id == cast.org_a.pk and moderated.actor_username == "assessor_two"


def test_an_upload_is_recorded_with_the_file(client, cast):
    client.force_login(cast.contributor_a)
    upload = SimpleUploadedFile("minutes.txt", b"Minutes of the March board.\n", content_type="text/plain")
    response = client.post(
        reverse("evidence_upload", kwargs={"code": cast.org_a.code}),
        {"title": "Board minutes", "kind": "board_minutes", "category": "PR", "files": [upload]},
    )
    assert response.status_code == 302
    (event,) = events("evidence.upload")
    assert event.summary == "Uploaded “Board minutes”, revision 1 (minutes.txt)"
    assert (event.actor_id, event.organisation_id, event.object_type) == (
        cast.contributor_a.pk,
        cast.org_a.pk,
        "evidence.EvidenceFile",
    )
    # The request's address and path come with it, though the service was not given the request.
    assert event.path == f"/organisations/{cast.org_a.code}/evidence/upload/"
    assert event.ip == "127.0.0.1"


def test_an_assessors_download_is_recorded_by_name_for_the_organisation(client, cast):
    file = stored_file(cast.org_a, cast.lead_a, title="Panel report", name="panel.pdf")
    cite_and_submit(file, cast.lead_a)
    client.force_login(cast.assessor)
    url = reverse(
        "evidence_download",
        kwargs={"code": cast.org_a.code, "item_id": file.item_id, "revision": file.revision},
    )
    assert client.get(url).status_code == 200
    (event,) = events("evidence.download")
    assert event.summary == "Downloaded “Panel report”, revision 1 (panel.pdf)"
    assert (event.actor_username, event.actor_is_staff, event.organisation_id) == (
        "assessor",
        True,
        cast.org_a.pk,
    )
    assert event.detail["actor_role"] == "assessor"


def test_a_draft_report_download_is_recorded(client, cast):
    assessment = start(cast)
    client.force_login(cast.viewer_a)
    url = reverse("assessment_report", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (event,) = events("report.download")
    assert event.summary == "Downloaded the draft report of the 2026/27 self-assessment"
    assert (event.actor_id, event.organisation_id) == (cast.viewer_a.pk, cast.org_a.pk)


def test_a_submitted_report_is_recorded_when_it_is_sent_not_while_it_is_prepared(client, cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # left queued
    assessment = submitted(cast)
    client.force_login(cast.assessor)
    url = reverse("assessment_report", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug})
    assert client.get(url).status_code == 302  # "being prepared"
    assert not events("report.download")
    assert report.store_submission_report(RenderedReport.objects.get().pk) == "ready"  # the worker
    response = client.get(url)
    assert response.status_code == 200
    (event,) = events("report.download")
    assert event.summary == "Downloaded the report of submission 1 of the 2026/27 self-assessment"
    assert (event.actor_username, event.actor_is_staff, event.organisation_id) == (
        "assessor",
        True,
        cast.org_a.pk,
    )
    assert (event.object_type, event.detail["submission"]) == ("assessments.Submission", 1)


def test_a_change_that_is_rolled_back_records_nothing(cast, monkeypatch):
    """The submission fails at its very last write (the status), after the transition and its
    audit record were written: all of it is rolled back, the audit record too."""
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    before = AuditEvent.objects.count()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Assessment, "save", broken_save)
    with pytest.raises(RuntimeError):
        submit(assessment, cast.lead_a)
    monkeypatch.undo()
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="assessment.transition", detail__to="submitted").exists()
    assert not assessment.submissions.exists()


def test_a_refused_upload_records_nothing(client, cast):
    client.force_login(cast.lead_a)
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = client.post(
        reverse("evidence_upload", kwargs={"code": cast.org_a.code}),
        {"title": "Nothing", "kind": "board_minutes", "category": "PR", "files": [empty]},
    )
    assert response.status_code == 200
    assert not events("evidence.upload")
