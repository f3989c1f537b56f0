"""Retention: each kind of record is deleted once older than its period and not before; stored
files go with their rows; a legal hold keeps everything of its organisation; a dry run deletes
nothing; every deletion is in the audit trail."""

from __future__ import annotations

import datetime
import io
import os
import uuid

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import (
    Assessment,
    AssessmentCycle,
    CriterionResponse,
    RenderedReport,
    Submission,
    Transition,
)
from audit.models import AuditEvent
from engagement_portal.lib.env import env_days
from evidence.models import Citation, EvidenceDownload, EvidenceFile, EvidenceItem
from organisations.models import Organisation
from records.retention import KINDS_BY_NAME, _delete, apply, incoming_folder
from tests.evidence.library import assessment, cite, stored_file, submit
from tests.evidence.test_s3 import s3, s3_endpoint, s3_storage_settings  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def exists(key: str) -> bool:
    return storages["evidence"].exists(key)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def events(kind: str) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action="retention.deleted").order_by("pk")
    return [event for event in found if event.detail["kind"] == kind]


def aged_item(file: EvidenceFile, days: float) -> None:
    """An item (and its files) last touched `days` ago."""
    EvidenceItem.objects.filter(pk=file.item_id).update(updated_at=ago(days), created_at=ago(days))
    EvidenceFile.objects.filter(item_id=file.item_id).update(uploaded_at=ago(days))


def deleted(file: EvidenceFile, days: float) -> None:
    EvidenceItem.objects.filter(pk=file.item_id).update(deleted_at=ago(days))


def old_cycle() -> AssessmentCycle:
    opens, closes = datetime.date(2018, 4, 1), datetime.date(2019, 3, 31)
    return AssessmentCycle.objects.create(label="2018/19", slug="2018-19", opens_on=opens, closes_on=closes)


# ---------------------------------------------------------------------------------------------
# Each kind


def test_deleted_evidence_goes_after_its_period_with_its_files(cast, django_capture_on_commit_callbacks):
    old = stored_file(cast.org_a, cast.lead_a, title="Old", content=b"old %PDF-")
    old_v2 = stored_file(cast.org_a, cast.lead_a, item=old.item, content=b"old v2 %PDF-")
    recent = stored_file(cast.org_a, cast.lead_a, title="Recent", content=b"recent %PDF-")
    deleted(old, 31)
    deleted(recent, 29)
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert (
        "Deleted 1 deleted evidence item of Alderley Integrated Care System (QA1) and 2 stored files"
        in output
    )
    assert not EvidenceItem.objects.filter(pk=old.item_id).exists()
    assert not exists(old.storage_key) and not exists(old_v2.storage_key)
    assert EvidenceItem.objects.filter(pk=recent.item_id).exists() and exists(recent.storage_key)
    [event] = events("deleted_evidence")
    assert event.organisation_id == cast.org_a.pk
    assert event.detail["ids"] == [old.item_id]
    assert event.detail["count"] == 1 and event.detail["files"] == 2 and event.detail["days"] == 30


@pytest.mark.s3
def test_files_go_from_an_s3_evidence_store_too(cast, request, django_capture_on_commit_callbacks):
    bucket_of = request.getfixturevalue("s3")  # tests/evidence/test_s3.py: storages["evidence"] on S3
    old = stored_file(cast.org_a, cast.lead_a, title="Old", content=b"old %PDF-")
    recent = stored_file(cast.org_a, cast.lead_a, title="Recent", content=b"recent %PDF-")
    deleted(old, 31)
    deleted(recent, 29)
    client, name = bucket_of["client"], bucket_of["bucket"]
    bucket = client.list_objects_v2(Bucket=name)
    assert {old.storage_key, recent.storage_key} <= {entry["Key"] for entry in bucket["Contents"]}
    with django_capture_on_commit_callbacks(execute=True):
        run()
    keys = {entry["Key"] for entry in client.list_objects_v2(Bucket=name).get("Contents", [])}
    assert old.storage_key not in keys and recent.storage_key in keys


def test_purge_deleted_evidence_is_the_same_rule(cast, django_capture_on_commit_callbacks):
    old = stored_file(cast.org_a, cast.lead_a, title="Old", content=b"old %PDF-")
    deleted(old, 45)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_deleted_evidence", stdout=(out := io.StringIO()))
    assert "Purged 1 deleted evidence item." in out.getvalue()
    assert not exists(old.storage_key)
    assert len(events("deleted_evidence")) == 1


def test_drafts_of_long_closed_cycles_go_but_submissions_and_recent_drafts_stay(
    cast, django_capture_on_commit_callbacks
):
    cycle = old_cycle()
    file = stored_file(cast.org_a, cast.lead_a, title="Cited by an old draft", content=b"draft %PDF-")
    cite(file, cast.lead_a, label="2018/19")
    draft = Assessment.objects.get(organisation=cast.org_a, cycle=cycle)
    Transition.objects.create(assessment=draft, to_status="draft", by=cast.lead_a)
    submitted_file = stored_file(cast.org_b, cast.lead_b, title="Cited by a submission", content=b"sub %PDF-")
    cite(submitted_file, cast.lead_b, label="2018/19")
    submitted = submit(Assessment.objects.get(organisation=cast.org_b, cycle=cycle), cast.lead_b)
    current = assessment(cast.org_a, cast.lead_a)  # this year's draft
    aged_item(file, 7 * 365)
    aged_item(submitted_file, 7 * 365)

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "Deleted 1 self-assessment never submitted of Alderley Integrated Care System (QA1)" in output
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    assert not CriterionResponse._base_manager.filter(assessment_id=draft.pk).exists()
    assert not Transition.objects.filter(assessment_id=draft.pk).exists()
    # With its only citation gone, the old draft's evidence is uncited and old: it goes too.
    assert not EvidenceFile.objects.filter(pk=file.pk).exists() and not exists(file.storage_key)
    # What CQC received stays, with the evidence it cites.
    assert Assessment.objects.filter(pk=submitted.pk).exists()
    assert EvidenceFile.objects.filter(pk=submitted_file.pk).exists() and exists(submitted_file.storage_key)
    assert Citation.objects.filter(file=submitted_file).exists()
    assert Assessment.objects.filter(pk=current.pk).exists()
    assert [e.detail["ids"] for e in events("unsubmitted_assessments")] == [[draft.pk]]
    assert [e.detail["ids"] for e in events("uncited_evidence")] == [[file.item_id]]


def test_uncited_evidence_goes_only_when_nobody_has_touched_it_for_its_period(
    cast, django_capture_on_commit_callbacks
):
    stale = stored_file(cast.org_a, cast.lead_a, title="Stale", content=b"stale %PDF-")
    fresh_revision = stored_file(cast.org_a, cast.lead_a, title="Old item, new revision", content=b"a %PDF-")
    cited = stored_file(cast.org_a, cast.lead_a, title="Old but cited by a draft", content=b"c %PDF-")
    aged_item(stale, 6 * 365 + 1)
    aged_item(fresh_revision, 6 * 365 + 1)
    stored_file(cast.org_a, cast.lead_a, item=fresh_revision.item, content=b"new revision %PDF-")
    EvidenceItem.objects.filter(pk=fresh_revision.item_id).update(updated_at=ago(6 * 365 + 1))
    aged_item(cited, 6 * 365 + 1)
    cite(cited, cast.lead_a)
    EvidenceDownload.objects.create(file=stale, user=cast.viewer_a)

    with django_capture_on_commit_callbacks(execute=True):
        run()

    assert not EvidenceItem.objects.filter(pk=stale.item_id).exists() and not exists(stale.storage_key)
    assert not EvidenceDownload.objects.filter(file_id=stale.pk).exists()
    assert EvidenceItem.objects.filter(pk__in=[fresh_revision.item_id, cited.item_id]).count() == 2
    assert exists(fresh_revision.storage_key) and exists(cited.storage_key)
    [event] = events("uncited_evidence")
    assert event.detail["ids"] == [stale.item_id] and event.detail["files"] == 1


def test_evidence_an_earlier_submission_cited_stays_even_once_its_citation_is_gone(
    cast, django_capture_on_commit_callbacks
):
    """Returned with questions, the organisation removed a citation and submitted again: the
    first submission still names the file by SHA-256, so the file stays, however old."""
    once_cited = stored_file(cast.org_a, cast.lead_a, title="Cited once", content=b"once %PDF-")
    deleted_too = stored_file(cast.org_a, cast.lead_a, title="Cited once, then deleted", content=b"d %PDF-")
    never = stored_file(cast.org_a, cast.lead_a, title="Never cited", content=b"never %PDF-")
    target = assessment(cast.org_a, cast.lead_a)
    Submission.objects.create(
        assessment=target,
        number=1,
        snapshot={
            "principles": [
                {"criteria": [{"citations": [{"sha256": f.sha256}]}]} for f in [once_cited, deleted_too]
            ]
        },
        sha256="0" * 64,
        submitted_by=cast.lead_a,
        submitted_at=timezone.now(),
    )
    for file in (once_cited, deleted_too, never):
        aged_item(file, 7 * 365)
    deleted(deleted_too, 60)

    with django_capture_on_commit_callbacks(execute=True):
        run()

    assert EvidenceFile.objects.filter(pk__in=[once_cited.pk, deleted_too.pk]).count() == 2
    assert exists(once_cited.storage_key) and exists(deleted_too.storage_key)
    assert not EvidenceFile.objects.filter(pk=never.pk).exists()


def test_stored_reports_go_after_a_year_and_their_files_with_them(cast, django_capture_on_commit_callbacks):
    submission = submit(assessment(cast.org_a, cast.lead_a), cast.lead_a).submissions.get()
    storage = storages["evidence"]
    old_key = storage.save(f"reports/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-old"))
    new_key = storage.save(f"reports/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-new"))
    ready = {"submission": submission, "status": "ready"}
    old = RenderedReport.objects.create(
        **ready, template_version="1", storage_key=old_key, requested_at=ago(400)
    )
    new = RenderedReport.objects.create(
        **ready, template_version="2", storage_key=new_key, requested_at=ago(1)
    )
    RenderedReport.objects.filter(pk=old.pk).update(created_at=ago(366))

    with django_capture_on_commit_callbacks(execute=True):
        run()

    assert list(RenderedReport.objects.values_list("pk", flat=True)) == [new.pk]
    assert not exists(old_key) and exists(new_key)
    assert [e.detail["ids"] for e in events("rendered_reports")] == [[old.pk]]
    assert submission.assessment.submissions.count() == 1  # the submission itself stays


def test_download_records_go_after_two_years(cast):
    file = stored_file(cast.org_a, cast.lead_a)
    old = EvidenceDownload.objects.create(file=file, user=cast.viewer_a)
    new = EvidenceDownload.objects.create(file=file, user=cast.viewer_a)
    EvidenceDownload.objects.filter(pk=old.pk).update(downloaded_at=ago(731))
    run()
    assert list(EvidenceDownload.objects.values_list("pk", flat=True)) == [new.pk]
    assert EvidenceFile.objects.filter(pk=file.pk).exists()
    [event] = events("evidence_downloads")
    assert event.organisation_id == cast.org_a.pk and event.detail["ids"] == [old.pk]


def _attempt(model, username: str, days: float):
    fields = {"user_agent": "test", "ip_address": "192.0.2.1", "username": username, "path_info": "/sign-in/"}
    if model is AccessAttempt:
        fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(attempt_time=ago(days))
    return row


def test_sign_in_records_go_after_90_days(cast):
    old_attempt, new_attempt = _attempt(AccessAttempt, "old", 91), _attempt(AccessAttempt, "new", 89)
    old_log, new_log = _attempt(AccessLog, "old", 91), _attempt(AccessLog, "new", 1)
    output = run()
    assert "Deleted 2 sign-in attempt records (kept 90 days)." in output
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [new_attempt.pk]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_log.pk]
    [event] = events("sign_in_attempts")
    assert event.organisation_id is None
    assert event.detail["ids"] == [f"accessattempt:{old_attempt.pk}", f"accesslog:{old_log.pk}"]


def _task(status: str, finished_days: float | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="evidence.tasks.scan_and_extract",
        backend_name="default",
        run_after=ago(100),
        finished_at=ago(finished_days) if finished_days is not None else None,
    )


def test_finished_task_records_go_after_30_days_and_waiting_ones_never(cast):
    old = _task("SUCCESSFUL", 31)
    old_failed = _task("FAILED", 40)
    recent = _task("SUCCESSFUL", 29)
    waiting = _task("READY", None)
    run()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    [event] = events("task_results")
    assert sorted(event.detail["ids"]) == sorted([str(old.pk), str(old_failed.pk)])


def test_abandoned_uploads_go_after_a_day(cast):
    folder = incoming_folder()
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "old-crash.upload", folder / "in-progress.upload"
    old.write_bytes(b"half an upload")
    new.write_bytes(b"arriving now")
    two_days_ago = ago(2).timestamp()
    os.utime(old, (two_days_ago, two_days_ago))
    run()
    assert not old.exists() and new.exists()
    [event] = events("incoming_uploads")
    assert event.detail["ids"] == ["old-crash.upload"]
    new.unlink()


# ---------------------------------------------------------------------------------------------
# Legal hold, dry run, keeping for ever


def _expired_everywhere(cast) -> dict[str, EvidenceFile]:
    files = {}
    for organisation, lead in [(cast.org_a, cast.lead_a), (cast.org_b, cast.lead_b)]:
        code = organisation.code
        gone = stored_file(organisation, lead, title="Deleted", content=f"{code} %PDF-".encode())
        deleted(gone, 60)
        stale = stored_file(organisation, lead, title="Stale", content=f"{code} old %PDF-".encode())
        aged_item(stale, 10 * 365)
        download = EvidenceDownload.objects.create(file=stale, user=lead)
        EvidenceDownload.objects.filter(pk=download.pk).update(downloaded_at=ago(1000))
        files[organisation.code] = (gone, stale)
    return files


def test_a_legal_hold_keeps_everything_of_its_organisation(cast, django_capture_on_commit_callbacks):
    files = _expired_everywhere(cast)
    cast.org_a.legal_hold = True
    cast.org_a.legal_hold_reason = "Judicial review, case CO/1234/2026"
    cast.org_a.save()
    cycle = old_cycle()
    rubric = assessment(cast.org_a, cast.lead_a).rubric_version
    held_draft = Assessment.objects.create(
        organisation=cast.org_a, cycle=cycle, rubric_version=rubric, started_by=cast.lead_a
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "Legal hold, nothing deleted: Alderley Integrated Care System (QA1)." in output
    for file in files["QA1"]:
        assert EvidenceFile.objects.filter(pk=file.pk).exists() and exists(file.storage_key)
    assert EvidenceDownload.objects.filter(file__item__organisation=cast.org_a).count() == 1
    assert Assessment.objects.filter(pk=held_draft.pk).exists()
    for file in files["E99900001"]:
        assert not EvidenceFile.objects.filter(pk=file.pk).exists() and not exists(file.storage_key)
    assert not EvidenceDownload.objects.filter(file__item__organisation=cast.org_b).exists()
    retention_events = AuditEvent.objects.filter(action="retention.deleted")
    assert {event.organisation_id for event in retention_events} == {cast.org_b.pk}


def test_a_hold_set_while_retention_runs_wins(cast):
    """Found before the hold was set, deleted after: the organisation's row is locked and its
    hold read again first, so nothing goes."""
    file = stored_file(cast.org_a, cast.lead_a)
    download = EvidenceDownload.objects.create(file=file, user=cast.viewer_a)
    EvidenceDownload.objects.filter(pk=download.pk).update(downloaded_at=ago(1000))
    kind, cutoff = KINDS_BY_NAME["evidence_downloads"], ago(730)
    [found] = kind.find(cutoff, set())
    Organisation.objects.filter(pk=cast.org_a.pk).update(legal_hold=True, legal_hold_reason="Inquiry")
    assert _delete(kind, 730, found, cutoff, {cast.org_a.pk: cast.org_a}) is None
    assert EvidenceDownload.objects.filter(pk=download.pk).exists()
    assert not AuditEvent.objects.filter(action="retention.deleted").exists()


def test_a_dry_run_says_what_would_go_and_deletes_nothing(cast, django_capture_on_commit_callbacks):
    files = _expired_everywhere(cast)

    def rows():
        return EvidenceItem.objects.count(), EvidenceFile.objects.count(), EvidenceDownload.objects.count()

    rows_before = rows()

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--dry-run")

    assert (
        "Would delete 1 deleted evidence item of Alderley Integrated Care System (QA1) and 1 stored file"
        in output
    )
    assert "Would delete 1 evidence download record of Brackenfield County Council (E99900001)" in output
    assert rows() == rows_before
    for pair in files.values():
        for file in pair:
            assert exists(file.storage_key)
    assert not AuditEvent.objects.filter(action="retention.deleted").exists()


def test_forever_keeps_a_kind(cast, settings, django_capture_on_commit_callbacks):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "deleted_evidence": None}
    gone = stored_file(cast.org_a, cast.lead_a, title="Deleted long ago", content=b"x %PDF-")
    deleted(gone, 3000)
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--kind", "deleted_evidence")
    assert "Kept for ever: deleted evidence items." in output
    assert EvidenceItem.objects.filter(pk=gone.item_id).exists() and exists(gone.storage_key)


def test_a_shorter_period_is_honoured(cast, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "evidence_downloads": 7}
    file = stored_file(cast.org_a, cast.lead_a)
    download = EvidenceDownload.objects.create(file=file, user=cast.viewer_a)
    EvidenceDownload.objects.filter(pk=download.pk).update(downloaded_at=ago(8))
    assert apply(only=["evidence_downloads"]).count("evidence_downloads") == 1
    assert not EvidenceDownload.objects.exists()


def test_many_records_are_deleted_in_chunks_with_one_audit_event(cast, monkeypatch):
    monkeypatch.setattr("records.retention.CHUNK", 2)
    file = stored_file(cast.org_a, cast.lead_a)
    ids = [EvidenceDownload.objects.create(file=file, user=cast.viewer_a).pk for _ in range(5)]
    EvidenceDownload.objects.update(downloaded_at=ago(1000))
    run()
    assert not EvidenceDownload.objects.exists()
    [event] = events("evidence_downloads")
    assert event.detail["ids"] == ids and event.detail["count"] == 5


# ---------------------------------------------------------------------------------------------
# Settings


def test_retention_periods_are_days_or_forever():
    assert env_days("R", 30, environ={}) == 30
    assert env_days("R", 30, environ={"R": "365"}) == 365
    assert env_days("R", 30, environ={"R": "Forever"}) is None
    for bad in ["0", "-1", "a year", "1.5"]:
        with pytest.raises(ImproperlyConfigured, match="RETENTION_X_DAYS must be a whole number of days"):
            env_days("RETENTION_X_DAYS", 30, environ={"RETENTION_X_DAYS": bad})


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RETENTION_RENDERED_REPORT_DAYS", "a year", "RETENTION_RENDERED_REPORT_DAYS must be a whole number"),
        ("RETENTION_DELETED_EVIDENCE_DAYS", "7", "RETENTION_DELETED_EVIDENCE_DAYS must be at least 30"),
    ],
)
def test_start_up_stops_on_a_bad_retention_period_naming_it(variable, value, message):
    from tests.test_settings import _start_up

    result = _start_up({"DJANGO_DEBUG": "1", variable: value})
    assert result.returncode != 0
    assert message in result.stderr
