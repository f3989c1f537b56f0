"""Demo reviews for `manage.py seed_demo`: one assessment in each state of CQC's review, all
through the services, and idempotent (each step runs only from the state before it).

- Northmoor 2025/26: assessed (scored, one principle moderated by a second assessor, a draft
  shared, a factual-accuracy comment answered, finalised);
- Westvale 2026/27: draft outcome shared for factual-accuracy comments;
- Eastbrook 2026/27: in review, partly scored;
- Harbourside 2026/27: returned with questions;
- Eastbrook 2025/26: submitted, waiting in the queue.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from assessments import demo as assessments_demo
from assessments import services as sa_services
from assessments.models import Assessment, AssessmentCycle
from principles.services import current_version
from reviews import services
from reviews.workspace import build

SUMMARY = (
    "Engagement is well led and people's voices reach decisions in most places; the evidence is "
    "thinner for seldom-heard groups and for showing what changed as a result."
)


def _submitted(organisation, lead, cycle, base: int) -> Assessment:
    existing = Assessment.objects.filter(organisation=organisation, cycle=cycle).first()
    if existing is not None:
        return existing
    place = organisation.name.split(" ")[0]
    files = [
        assessments_demo._stored(organisation, lead, demo)
        for demo in assessments_demo._library(place, f"Healthwatch {place}")
    ]
    assessment = sa_services.assessment_start(
        organisation=organisation, cycle=cycle, by=lead, check_dates=False
    )
    assessments_demo._fill(assessment, lead, files, base=base, principles=None)
    sa_services.assessment_submit(
        assessment=assessment, by=lead, declaration=True, acknowledged_warnings=True
    )
    assessment.refresh_from_db()
    return assessment


def _assessor_score(code: str, self_score: int | None) -> int | None:
    """Mostly the self-score, sometimes a level lower (assessors are a little stricter)."""
    if self_score is None:
        return None
    digest = int(hashlib.sha256(f"assessor-{code}".encode()).hexdigest(), 16)
    return max(1, self_score - (1 if digest % 4 == 0 else 0))


def _score(assessment: Assessment, assessor, principles: set[int] | None = None) -> None:
    ws = build(assessment, services.review_for(assessment))
    for p in ws.principles:
        if principles is not None and p.number not in principles:
            continue
        for c in p.criteria:
            if c.is_scored:
                continue
            score = _assessor_score(c.code, c.self_score)
            services.score_save(
                assessment=assessment,
                criterion_code=c.code,
                by=assessor,
                expected_version=0,
                score=score,
                not_evidenced=score is None,
                rationale=(
                    "The cited minutes and survey results support this level."
                    if score == c.self_score
                    else "The evidence shows the plan, but not yet that it happened across the system."
                ),
            )


def _share(assessment: Assessment, assessor, deadline: datetime.date) -> None:
    ws = build(assessment, services.review_for(assessment))
    services.outcome_share(
        assessment=assessment,
        by=assessor,
        summaries={str(p.number): SUMMARY for p in ws.principles},
        fa_deadline=deadline,
    )


def seed_reviews(organisations: dict, people: dict) -> list[str]:
    if current_version() is None:
        return []
    cycles = {c.slug: c for c in AssessmentCycle.objects.filter(slug__in=["2025-26", "2026-27"])}
    if len(cycles) < 2:
        return []
    assessor, second = people["assessor"], people["assessor2"]
    today = timezone.localdate()
    lines = []

    # Assessed.
    northmoor = Assessment.objects.filter(organisation=organisations["QZ1"], cycle=cycles["2025-26"]).first()
    if northmoor is not None and northmoor.status == Assessment.Status.SUBMITTED:
        services.review_start(assessment=northmoor, by=assessor)
        _score(northmoor, assessor)
        services.moderate(
            assessment=northmoor, principle_number=1, by=second, agrees=True, score=None, reason=""
        )
        _share(northmoor, assessor, today)
        comment = services.fa_comment_add(
            assessment=northmoor,
            by=people["lead.northmoor"],
            body="The outcome says the citizens' panel met twice; it met three times (minutes of 14 May).",
            principle_number=2,
        )
        services.fa_respond(
            comment=comment, by=assessor, response="Thank you: corrected in the final outcome."
        )
        services.outcome_finalise(
            assessment=northmoor,
            by=assessor,
            reason="The lead confirmed by email that they have no further comments.",
        )

    # Draft outcome shared.
    westvale = Assessment.objects.filter(organisation=organisations["QZ2"], cycle=cycles["2026-27"]).first()
    if westvale is not None and westvale.status == Assessment.Status.SUBMITTED:
        services.review_start(assessment=westvale, by=assessor)
        _score(westvale, assessor)
        _share(westvale, assessor, today + datetime.timedelta(days=21))

    # In review, partly scored.
    eastbrook = _submitted(organisations["E99000001"], people["lead.eastbrook"], cycles["2026-27"], 3)
    if eastbrook.status == Assessment.Status.SUBMITTED:
        services.review_start(assessment=eastbrook, by=second)
        _score(eastbrook, second, {1, 2, 3})

    # Returned with questions.
    harbourside = _submitted(organisations["E99000002"], people["lead.harbourside"], cycles["2026-27"], 2)
    if harbourside.status == Assessment.Status.SUBMITTED:
        services.review_start(assessment=harbourside, by=assessor)
        services.question_ask(
            assessment=harbourside,
            by=assessor,
            criterion_code="1.1",
            body="Which board papers show the engagement lead reporting to the board?",
        )
        services.question_ask(
            assessment=harbourside,
            by=assessor,
            principle_number=3,
            body="How did you reach people who do not use digital services?",
        )
        services.assessment_return_with_questions(assessment=harbourside, by=assessor)

    # Submitted, waiting.
    _submitted(organisations["E99000001"], people["lead.eastbrook"], cycles["2025-26"], 2)

    for assessment in (
        Assessment.objects.filter(status__in=services.REVIEWABLE)
        .select_related("organisation", "cycle")
        .order_by("cycle__opens_on", "organisation__name")
    ):
        state = assessment.get_status_display().lower()
        if assessment.status == Assessment.Status.IN_REVIEW and services.shared_outcome(assessment):
            state = "in review, draft outcome shared"
        lines.append(f"CQC review: {assessment.organisation.name}, {assessment.cycle.label}: {state}")
    return lines
