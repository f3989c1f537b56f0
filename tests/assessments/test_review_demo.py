"""seed_demo's reviews: an assessment in each state of CQC's review, made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reviews.models import AssessorScore, Clarification, FactualAccuracyComment, Outcome, PrincipleModeration

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_review_in_each_state_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        AssessorScore.objects.count(),
        Clarification.objects.count(),
        Outcome.objects.count(),
        FactualAccuracyComment.objects.count(),
        PrincipleModeration.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        AssessorScore.objects.count(),
        Clarification.objects.count(),
        Outcome.objects.count(),
        FactualAccuracyComment.objects.count(),
        PrincipleModeration.objects.count(),
    )
    output = capsys.readouterr().out
    for line in (
        "Northmoor and Riverside ICS, 2025/26: assessed",
        "Westvale Integrated Care System, 2026/27: in review, draft outcome shared",
        "Eastbrook County Council, 2026/27: in review",
        "Harbourside City Council, 2026/27: returned with questions",
        "Eastbrook County Council, 2025/26: submitted",
    ):
        assert line in output
    assert Outcome.objects.filter(final__isnull=False).count() == 1
    assert Clarification.objects.filter(sent_at__isnull=False).count() == 2
