"""Demo reviews for `manage.py seed_demo`: one assessment in each state of CQC's review, all
through the services, and idempotent (each step runs only from the state before it).

- Northmoor 2025/26: assessed (scored, one principle moderated by a second assessor, a draft
  shared with areas for improvement, a factual-accuracy comment answered, finalised);
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
from assessments.models import Assessment, AssessmentCycle
from engagement_portal.lib.demo_clock import clock, moment
from principles.services import current_version
from reviews import services
from reviews.workspace import build

# CQC's summary of each principle, from what the demo evidence shows: a strength, and a gap.
FINDINGS = {
    1: (
        "named senior leads take engagement to the partnership board, which asks what changed",
        "engagement leadership in the voluntary sector partners is not yet funded",
    ),
    2: (
        "engagement plans state their purpose and what is open to change",
        "participants are not always told what their views could change",
    ),
    3: (
        "people's views changed the urgent care proposals, and the board recorded how",
        "outside the largest programmes, the link from engagement to decisions is not recorded",
    ),
    4: (
        "methods are chosen with a toolkit, to suit the question and the people asked",
        "clinicians who run engagement events have not yet been trained",
    ),
    5: (
        "participants are compared with the population for each engagement",
        "young people and ethnic minority communities remain under-represented",
    ),
    6: (
        "venues, times and formats suit most participants",
        "engagement that is online only still leaves some people out",
    ),
    7: (
        "'you said, we did' summaries go back to participants",
        "feedback to participants is still slow in places",
    ),
    8: (
        "the engagement network coordinates the partners' engagement every month",
        "partners still ask the same community groups for their views more than once",
    ),
}


def _summary(number: int, score: int | None) -> str:
    """CQC's summary of a principle, in keeping with its score."""
    strength, gap = FINDINGS[number]
    strength = strength[0].upper() + strength[1:]
    if score is None:
        return f"Not enough evidence to score this principle. {strength} in places, but {gap}."
    if score >= 4:
        return f"{strength}, consistently across the system; partners and residents confirm it."
    if score == 3:
        return f"{strength}. To improve: {gap}."
    if score == 2:
        return f"{strength} in the larger programmes only, and {gap}."
    return f"Little evidence that this happens in practice: {gap}."


def _assessor_score(code: str, self_score: int | None) -> int | None:
    """Mostly the self-score, sometimes a level lower (assessors are a little stricter)."""
    if self_score is None:
        return None
    digest = int(hashlib.sha256(f"assessor-{code}".encode()).hexdigest(), 16)
    return max(1, self_score - (1 if digest % 4 == 0 else 0))


def _score(assessment: Assessment, assessor, principles: set[int] | None = None) -> None:
    """Score (some of) the criteria, one an hour on the demo clock."""
    ws = build(assessment, services.review_for(assessment))
    for p in ws.principles:
        if principles is not None and p.number not in principles:
            continue
        strength, gap = FINDINGS[p.number]
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
                    "No evidence was cited for this criterion."
                    if score is None
                    else f"The cited evidence supports the self-score: {strength}."
                    if score == c.self_score
                    else f"A level below the self-score: the evidence shows the plan, but {gap}."
                ),
            )
            clock.advance(datetime.timedelta(hours=1))


def _share(assessment: Assessment, assessor, deadline: datetime.date, areas: dict | None = None) -> None:
    ws = build(assessment, services.review_for(assessment))
    services.outcome_share(
        assessment=assessment,
        by=assessor,
        summaries={str(p.number): _summary(p.number, p.final) for p in ws.principles},
        fa_deadline=deadline,
        areas=areas,
    )


# CQC's areas for improvement in Northmoor's 2025/26 outcome: in its improvement plan they became
# actions, or were declined (improvement/demo.py).
NORTHMOOR_AREAS = {
    "2": ["Tell participants what their views could change, and afterwards what they did change"],
    "6": ["Offer a way to take part that is not online for every engagement"],
    "7": ["Evaluate each engagement against its aims, and use what is learnt in the next"],
}


def _submitted(organisation, lead, cycle, **dates) -> Assessment:
    return assessments_demo.seed_assessment(organisation, lead, cycle, **dates)


def seed_reviews(organisations: dict, people: dict) -> None:
    """Each step on its own date of the demo clock, months apart over the two cycles."""
    if current_version() is None:
        return
    cycles = {c.slug: c for c in AssessmentCycle.objects.filter(slug__in=["2025-26", "2026-27"])}
    if len(cycles) < 2:
        return
    assessor, second = people["assessor"], people["assessor2"]
    days, hours = datetime.timedelta(days=1), datetime.timedelta(hours=1)
    minutes = datetime.timedelta(minutes=1)

    # Assessed: reviewed in April 2026, finalised once the factual-accuracy deadline had passed.
    northmoor = Assessment.objects.filter(organisation=organisations["QZ1"], cycle=cycles["2025-26"]).first()
    if northmoor is not None and northmoor.status == Assessment.Status.SUBMITTED:
        with clock.at(moment(2026, 4, 7, 9, 30)):
            services.review_start(assessment=northmoor, by=assessor)
            _score(northmoor, assessor)
        with clock.at(moment(2026, 4, 21, 14)):
            services.moderate(
                assessment=northmoor, principle_number=1, by=second, agrees=True, score=None, reason=""
            )
        with clock.at(moment(2026, 4, 28, 11)):
            _share(northmoor, assessor, datetime.date(2026, 5, 19), areas=NORTHMOOR_AREAS)
        with clock.at(moment(2026, 5, 6, 16, 10)):
            comment = services.fa_comment_add(
                assessment=northmoor,
                by=people["lead.northmoor"],
                body="The outcome says the residents' panel met twice; it met three times "
                "(minutes of 14 January).",
                principle_number=2,
            )
        with clock.at(moment(2026, 5, 12, 10, 20)):
            services.fa_respond(
                comment=comment, by=assessor, response="Thank you: corrected in the final outcome."
            )
        with clock.at(moment(2026, 5, 27, 9, 45)):
            services.outcome_finalise(assessment=northmoor, by=assessor)

    # Draft outcome shared in November, open for comments for three weeks.
    westvale = Assessment.objects.filter(organisation=organisations["QZ2"], cycle=cycles["2026-27"]).first()
    if westvale is not None and westvale.status == Assessment.Status.SUBMITTED:
        with clock.at(moment(2026, 10, 13, 9)):
            services.review_start(assessment=westvale, by=assessor)
            _score(westvale, assessor)
        with clock.at(moment(2026, 11, 20, 15)):
            # Open for comments for three weeks from sharing, and at least a week from today.
            shared = timezone.localdate()
            deadline = max(shared + 21 * days, datetime.date.today() + 7 * days)
            _share(westvale, assessor, deadline)

    # In review, partly scored, by the second assessor.
    eastbrook = _submitted(
        organisations["E99000001"], people["lead.eastbrook"], cycles["2026-27"], base=3,
        started=moment(2026, 5, 5), answering=moment(2026, 7, 1, 9), pace=2 * days,
        submitted=moment(2026, 10, 20, 12, 5),
    )  # fmt: skip
    if eastbrook.status == Assessment.Status.SUBMITTED:
        with clock.at(moment(2026, 11, 2, 9, 15)):
            services.review_start(assessment=eastbrook, by=second)
            _score(eastbrook, second, {1, 2, 3})

    # Returned with questions in November.
    harbourside = _submitted(
        organisations["E99000002"], people["lead.harbourside"], cycles["2026-27"], base=2,
        started=moment(2026, 5, 18), answering=moment(2026, 7, 20, 9), pace=2 * days,
        submitted=moment(2026, 10, 27, 17, 30),
    )  # fmt: skip
    if harbourside.status == Assessment.Status.SUBMITTED:
        with clock.at(moment(2026, 11, 9, 10)):
            services.review_start(assessment=harbourside, by=assessor)
            services.question_ask(
                assessment=harbourside,
                by=assessor,
                criterion_code="1.1",
                body="Which board papers show the engagement lead reporting to the board?",
            )
            clock.advance(26 * hours)
            services.question_ask(
                assessment=harbourside,
                by=assessor,
                principle_number=3,
                body="How did you reach people who do not use digital services?",
            )
        with clock.at(moment(2026, 11, 12, 11, 30)):
            services.assessment_return_with_questions(assessment=harbourside, by=assessor)

    # Submitted in March 2026, still waiting in the queue.
    _submitted(
        organisations["E99000001"], people["lead.eastbrook"], cycles["2025-26"], base=2,
        started=moment(2025, 10, 6), answering=moment(2026, 3, 17, 14), pace=90 * minutes,
        submitted=moment(2026, 3, 30, 16),
    )  # fmt: skip


def summary_lines() -> list[str]:
    """Every demo self-assessment and where it is now. Written once everything is seeded, so a
    first run of seed_demo says the same as the next."""
    if current_version() is None:
        return ["No published rubric, so no demo self-assessments."]
    lines = []
    for assessment in Assessment.objects.select_related("organisation", "cycle").order_by(
        "cycle__opens_on", "organisation__name"
    ):
        state = assessment.get_status_display().lower()
        if assessment.status == Assessment.Status.IN_REVIEW and services.shared_outcome(assessment):
            state = "in review, draft outcome shared"
        lines.append(f"{assessment.organisation.name}, {assessment.cycle.label}: {state}")
    return lines
