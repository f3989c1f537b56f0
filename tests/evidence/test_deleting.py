"""Soft delete, restore within 30 days, purge after; evidence a submitted assessment cites can
never be deleted."""

from __future__ import annotations

import datetime
import io
import os
import time

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evidence import services
from evidence.models import Citation, EvidenceDownload, EvidenceFile, EvidenceItem
from records.retention import apply
from tests.evidence.library import cite, cite_and_submit, stored_file, text_of

pytestmark = pytest.mark.django_db


def url(name: str, file) -> str:
    return reverse(name, kwargs={"code": file.item.organisation.code, "item_id": file.item_id})


def deleted_days_ago(file, days: int) -> None:
    EvidenceItem.objects.filter(pk=file.item_id).update(
        deleted_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_a_contributor_deletes_evidence_and_restores_it(client, cast):
    file = stored_file(cast.org_a, cast.lead_a, title="Old strategy")
    client.force_login(cast.contributor_a)
    confirm = client.get(url("evidence_item_delete", file))
    assert "Are you sure you want to delete this evidence?" in text_of(confirm)
    response = client.post(url("evidence_item_delete", file))
    assert response["Location"] == reverse("evidence_library", kwargs={"code": "QA1"})
    assert "“Old strategy” has been deleted." in text_of(client.get(response["Location"]))
    file.item.refresh_from_db()
    assert file.item.deleted_at is not None and file.item.deleted_by == cast.contributor_a
    # Gone from the library and its page, but the file is still stored.
    assert "Old strategy" not in text_of(client.get(reverse("evidence_library", kwargs={"code": "QA1"})))
    assert client.get(url("evidence_item", file)).status_code == 404
    assert storages["evidence"].exists(file.storage_key)

    deleted = client.get(reverse("evidence_deleted", kwargs={"code": "QA1"}))
    assert "Old strategy" in text_of(deleted) and "You can restore it until" in text_of(deleted)
    restored = client.post(url("evidence_item_restore", file))
    assert restored["Location"] == url("evidence_item", file)
    assert "“Old strategy” has been restored." in text_of(client.get(restored["Location"]))
    file.item.refresh_from_db()
    assert file.item.deleted_at is None


def test_deleted_evidence_older_than_30_days_is_not_listed_or_restorable(client, cast):
    file = stored_file(cast.org_a, cast.lead_a, title="Ancient minutes")
    deleted_days_ago(file, 31)
    client.force_login(cast.lead_a)
    assert "Ancient minutes" not in text_of(client.get(reverse("evidence_deleted", kwargs={"code": "QA1"})))
    response = client.post(url("evidence_item_restore", file), follow=True)
    assert "was deleted more than 30 days ago, so it can no longer be restored" in text_of(response)
    file.item.refresh_from_db()
    assert file.item.deleted_at is not None


def test_a_viewer_cannot_delete_or_restore(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    client.force_login(cast.viewer_a)
    assert client.post(url("evidence_item_delete", file)).status_code == 403
    deleted_days_ago(file, 1)
    assert client.post(url("evidence_item_restore", file)).status_code == 403
    assert client.get(reverse("evidence_deleted", kwargs={"code": "QA1"})).status_code == 403


def test_another_organisation_cannot_restore_our_evidence(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    deleted_days_ago(file, 1)
    client.force_login(cast.lead_b)
    assert client.post(url("evidence_item_restore", file)).status_code == 404
    mine_under_theirs = reverse(
        "evidence_item_restore", kwargs={"code": cast.org_b.code, "item_id": file.item_id}
    )
    assert client.post(mine_under_theirs).status_code == 404


# ---------------------------------------------------------------------------------------------
# Evidence a submitted assessment cites


def test_the_service_refuses_to_delete_evidence_a_submitted_assessment_cites(cast):
    file = stored_file(cast.org_a, cast.lead_a, title="Board minutes")
    cite_and_submit(file, cast.lead_a)
    with pytest.raises(services.EvidenceLocked) as refused:
        services.evidence_item_delete(item=file.item, by=cast.lead_a)
    assert refused.value.message.startswith(
        "“Board minutes” cannot be deleted, because your self-assessment for 2026/27 cited it when it was "
        "submitted to CQC"
    )
    file.item.refresh_from_db()
    assert file.item.deleted_at is None


def test_the_service_refuses_even_when_a_later_revision_is_what_is_asked_about(cast):
    cited = stored_file(cast.org_a, cast.lead_a)
    cite_and_submit(cited, cast.lead_a)
    stored_file(cast.org_a, cast.lead_a, item=cited.item, content=b"v2 %PDF-")
    with pytest.raises(services.EvidenceLocked):
        services.evidence_item_delete(item=cited.item, by=cast.lead_a)


def test_the_delete_page_explains_why_cited_evidence_cannot_be_deleted(client, cast):
    file = stored_file(cast.org_a, cast.lead_a, title="Board minutes")
    cite_and_submit(file, cast.lead_a)
    client.force_login(cast.lead_a)
    item_page = text_of(client.get(url("evidence_item", file)))
    assert "cannot be deleted, because your self-assessment for 2026/27 cited it" in item_page
    assert "Delete this evidence" not in item_page
    assert "This evidence cannot be deleted" in text_of(client.get(url("evidence_item_delete", file)))
    response = client.post(url("evidence_item_delete", file))
    assert response.status_code == 409
    assert "what was submitted must stay as it was" in text_of(response)
    file.item.refresh_from_db()
    assert file.item.deleted_at is None


def test_evidence_only_a_draft_cites_can_be_deleted(client, cast):
    file = stored_file(cast.org_a, cast.lead_a)
    cite(file, cast.lead_a)
    services.evidence_item_delete(item=file.item, by=cast.lead_a)
    file.item.refresh_from_db()
    assert file.item.deleted_at is not None


# ---------------------------------------------------------------------------------------------
# Purging


def test_purge_removes_items_deleted_over_30_days_ago_and_their_files(
    cast, django_capture_on_commit_callbacks
):
    old = stored_file(cast.org_a, cast.lead_a, title="Old", content=b"old %PDF-")
    old_v2 = stored_file(cast.org_a, cast.lead_a, item=old.item, content=b"old v2 %PDF-")
    cite(old, cast.lead_a)  # a draft's citation goes with it
    EvidenceDownload.objects.create(file=old, user=cast.viewer_a)
    recent = stored_file(cast.org_a, cast.lead_a, title="Recent", content=b"recent %PDF-")
    live = stored_file(cast.org_a, cast.lead_a, title="Live", content=b"live %PDF-")
    deleted_days_ago(old, 31)
    deleted_days_ago(recent, 29)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_deleted_evidence", stdout=(out := __import__("io").StringIO()))
    assert "Purged 1 deleted evidence item" in out.getvalue()
    assert not EvidenceItem.objects.filter(pk=old.item_id).exists()
    assert not EvidenceFile.objects.filter(pk__in=[old.pk, old_v2.pk]).exists()
    assert not Citation.objects.exists()
    storage = storages["evidence"]
    assert not storage.exists(old.storage_key) and not storage.exists(old_v2.storage_key)
    assert storage.exists(recent.storage_key) and storage.exists(live.storage_key)
    assert EvidenceItem.objects.filter(pk__in=[recent.item_id, live.item_id]).count() == 2


def test_purge_never_removes_evidence_a_submitted_assessment_cites(cast, django_capture_on_commit_callbacks):
    file = stored_file(cast.org_a, cast.lead_a)
    cite_and_submit(file, cast.lead_a)
    deleted_days_ago(file, 90)  # only possible by going round the service
    with django_capture_on_commit_callbacks(execute=True):
        assert apply(only=["deleted_evidence"]).outcomes == []
    assert EvidenceFile.objects.filter(pk=file.pk).exists()
    assert storages["evidence"].exists(file.storage_key)


def test_purge_removes_uploads_a_killed_worker_left_behind_a_day_ago(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    incoming = tmp_path / ".incoming"
    incoming.mkdir()
    abandoned, arriving, other = incoming / "a.upload", incoming / "b.upload", incoming / "notes.txt"
    for path in (abandoned, arriving, other):
        path.write_bytes(b"part of an upload")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    for path in (abandoned, other):
        os.utime(path, (two_days_ago, two_days_ago))
    call_command("purge_deleted_evidence", stdout=(out := io.StringIO()))
    assert "Removed 1 abandoned upload." in out.getvalue()
    assert not abandoned.exists()
    assert arriving.exists() and other.exists()  # still arriving; not an upload's temporary file
