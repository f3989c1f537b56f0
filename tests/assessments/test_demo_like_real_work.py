"""Demo data that reads like real work (issue 13, item 19): what seed_demo prints on its first run
is what is there, dates are spread over the cycles, CQC's summaries match their scores, and the
notes on citations say different things."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Assessment, CriterionResponse, Submission, Transition
from audit.models import AuditEvent
from evidence.models import Citation, EvidenceFile
from reviews.models import Outcome, ReviewEvent
from reviews.workspace import build

pytestmark = pytest.mark.django_db


def _summary(output: str) -> list[str]:
    """The lines under the heading, up to the next blank line."""
    section = output.split("Self-assessments, and where each is now:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in section.splitlines()]


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    return first


def test_the_first_run_says_what_the_second_run_says(seeded, capsys):
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert _summary(seeded) == _summary(second)
    assert _summary(seeded) == [
        "Eastbrook County Council, 2025/26: submitted",
        "Northmoor and Riverside ICS, 2025/26: assessed",
        "Eastbrook County Council, 2026/27: in review",
        "Harbourside City Council, 2026/27: returned with questions",
        "Northmoor and Riverside ICS, 2026/27: in progress",
        "Westvale Integrated Care System, 2026/27: in review, draft outcome shared",
    ]


def test_dates_are_spread_over_the_cycles_and_all_in_the_past(seeded):
    now = timezone.now()
    for submission in Submission.objects.select_related("assessment__cycle"):
        cycle = submission.assessment.cycle
        assert cycle.opens_on <= timezone.localdate(submission.submitted_at) <= cycle.closes_on
    submitted_on = {timezone.localdate(s.submitted_at) for s in Submission.objects.all()}
    assert len(submitted_on) == Submission.objects.count()

    westvale = Assessment.objects.get(organisation__code="QZ2", cycle__slug="2026-27")
    saved = sorted(r.updated_at for r in CriterionResponse.objects.filter(assessment=westvale))
    assert saved[-1] - saved[0] > datetime.timedelta(days=30)
    assert max(saved) < westvale.submissions.get().submitted_at

    # Every status change, upload and outcome happened on days of their own, in order, before now.
    for assessment in Assessment.objects.all():
        moments = list(
            Transition.objects.filter(assessment=assessment).order_by("pk").values_list("at", flat=True)
        )
        assert moments == sorted(moments)
        assert len({timezone.localdate(m) for m in moments}) == len(moments)
    # In office hours, on working days.
    for at in [
        *Transition.objects.values_list("at", flat=True),
        *ReviewEvent.objects.values_list("at", flat=True),
    ]:
        local = timezone.localtime(at)
        assert local.weekday() < 5 and datetime.time(9) <= local.time() <= datetime.time(17, 31), local
    uploads = {timezone.localdate(f.uploaded_at) for f in EvidenceFile.objects.all()}
    assert len(uploads) >= 7
    final = Outcome.objects.get(final__isnull=False)
    assert final.shared_at < final.finalised_at - datetime.timedelta(days=14)
    latest = [
        *Transition.objects.values_list("at", flat=True),
        *AuditEvent.objects.values_list("at", flat=True),
        *EvidenceFile.objects.values_list("uploaded_at", flat=True),
    ]
    assert max(latest) <= now
    assert min(AuditEvent.objects.values_list("at", flat=True)) < now - datetime.timedelta(days=200)


def test_cqcs_summaries_match_their_scores(seeded):
    for outcome in Outcome.objects.filter(shared_at__isnull=False).select_related("review__assessment"):
        ws = build(outcome.review.assessment, outcome.review)
        summaries = outcome.summaries
        assert len(set(summaries.values())) == len(ws.principles)
        for p in ws.principles:
            summary = summaries[str(p.number)]
            if p.final is None:
                assert summary.startswith("Not enough evidence")
            elif p.final >= 3:
                assert "in the larger programmes only" not in summary
                assert not summary.startswith("Little evidence")
            else:
                assert "consistently across the system" not in summary
                assert "To improve" not in summary


def test_citation_notes_say_different_things(seeded):
    notes = list(Citation.objects.values_list("response_id", "note"))
    assert len({note for _, note in notes}) >= 10
    by_answer: dict[int, list[str]] = {}
    for response_id, note in notes:
        by_answer.setdefault(response_id, []).append(note)
    assert all(len(set(n)) == len(n) for n in by_answer.values())
    assert not any("criterion" in note.lower() for _, note in notes)
