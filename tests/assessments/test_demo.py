"""The demo self-assessments that `manage.py seed_demo` creates."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, CriterionResponse, Submission
from evidence.models import Citation, EvidenceFile

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        CriterionResponse.objects.count(),
        Citation.objects.count(),
        Submission.objects.count(),
        EvidenceFile.objects.count(),
    )


def test_seed_demo_adds_an_earlier_a_current_and_a_submitted_assessment_once(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = _counts()
    call_command("seed_demo")
    assert _counts() == counts
    output = capsys.readouterr().out
    assert "Northmoor and Riverside ICS, 2026/27: in progress" in output

    statuses = {
        (a.organisation.code, a.cycle.label): a.status
        for a in Assessment.objects.select_related("organisation", "cycle")
    }
    # CQC's review then takes some of them on (reviews/demo.py): one in each state.
    assert statuses == {
        ("QZ1", "2025/26"): "assessed",
        ("QZ1", "2026/27"): "draft",
        ("QZ2", "2026/27"): "in_review",
        ("E99000001", "2026/27"): "in_review",
        ("E99000002", "2026/27"): "returned",
        ("E99000001", "2025/26"): "submitted",
    }
    in_progress = Assessment.objects.get(organisation__code="QZ1", cycle__label="2026/27")
    answered = [r for r in in_progress.responses.all() if r.is_answered]
    assert 10 < len(answered) < 33
    assert all(r.narrative for r in answered)
    assert Citation.objects.filter(response__assessment=in_progress).exists()

    for submission in Submission.objects.all():
        assert services.submission_check(submission).matches
        cited = [
            c for p in submission.snapshot["principles"] for cr in p["criteria"] for c in cr["citations"]
        ]
        assert cited and all(c["sha256"] and c["location"] and c["note"] for c in cited)

    # Cited files are really stored, and their hashes are right.
    for file in EvidenceFile.objects.all():
        with storages["evidence"].open(file.storage_key) as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == file.sha256
        assert file.scan_status == "clean" and file.text

    # The lead sees last year's scores beside this year's.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lead.northmoor"))
    overview = client.get(reverse("assessment_overview", kwargs={"code": "QZ1", "cycle": "2026-27"}))
    assert "2025/26" in overview.content.decode()
