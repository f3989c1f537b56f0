"""Filing the register, or a filtered part, as evidence (issue 17, part 6): a frozen snapshot with
its SHA-256, a tagged PDF, an evidence item that can be cited."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from activities.models import RegisterSnapshot
from audit.models import AuditEvent
from engagement_portal.lib.hashing import json_sha256
from evidence.models import EvidenceItem
from evidence.services import evidence_storage
from tests.activities.helpers import make, topic

pytestmark = pytest.mark.django_db


def test_the_filtered_register_is_filed_as_a_citable_evidence_item(
    client, cast, django_capture_on_commit_callbacks
):
    make(cast.org_a, cast.lead_a, title="Crisis care", internal_notes="PRIVATE NOTE", what_heard="RAW WORDS")
    make(cast.org_a, cast.lead_a, title="Dental", topic_ids={topic("Dental services").pk})
    client.force_login(cast.contributor_a)
    url = reverse("activity_file_evidence", kwargs={"code": cast.org_a.code})
    with django_capture_on_commit_callbacks(execute=True):  # the scan, as after a real commit
        response = client.post(url, {"topic": topic().pk})
    item = EvidenceItem.objects.get(organisation=cast.org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "evidence_item", kwargs={"code": cast.org_a.code, "item_id": item.pk}
    )
    snapshot = RegisterSnapshot.objects.get(evidence_item=item)
    assert [a["title"] for a in snapshot.snapshot["activities"]] == ["Crisis care"]
    assert snapshot.snapshot["filters"] == {"topic": "Mental health"}
    assert snapshot.sha256 == json_sha256(snapshot.snapshot)
    assert "PRIVATE" not in str(snapshot.snapshot) and "RAW WORDS" not in str(snapshot.snapshot)
    file = item.files.get()
    file.refresh_from_db()
    assert file.content_type == "application/pdf" and file.is_available
    with evidence_storage().open(file.storage_key) as stored:
        pdf = stored.read()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Crisis care" in text and "Dental" not in text and snapshot.sha256 in text.replace("\n", "")
    assert snapshot.sha256 in file.item.description
    event = AuditEvent.objects.get(action="activity.filed_as_evidence")
    assert event.detail["sha256"] == snapshot.sha256
    with pytest.raises(ValueError):
        snapshot.save()


def test_viewers_cannot_file(client, cast):
    client.force_login(cast.viewer_a)
    assert client.post(reverse("activity_file_evidence", kwargs={"code": cast.org_a.code})).status_code == 403
    assert not EvidenceItem.objects.exists()
