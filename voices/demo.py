"""Demo surveys for `manage.py seed_demo`: Northmoor and Riverside ICS has a closed survey of the
people who took part in its engagement (about 60 responses, free text reviewed, filed as evidence
and cited against criterion 2.4 of its 2026/27 self-assessment) and an open survey of its staff
and leaders, whose public link seed_demo prints.

CQC's own surveys: Laura Evans (`assessor`) surveys Eastbrook County Council's partners for its
2026/27 review (open, 64 responses so far, some free text waiting for her), and surveyed the
people who took part in Northmoor's engagement for its 2025/26 review, which is assessed, so
Northmoor's people see those totals on their surveys page.

The finished surveys ran on dates that fit the story (the demo clock, as the self-assessments
do): Northmoor's own from mid-September 2026, filed in October; CQC's of Northmoor's participants
in April 2026, while its 2025/26 self-assessment was in review. A closed survey whose dates were
still to come confused a first-time reader.

Everything goes through the services. Idempotent: a demo survey that exists is left alone."""

from __future__ import annotations

import datetime
import random

from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, AssessmentCycle, CriterionResponse
from engagement_portal.lib.demo_clock import clock, moment, office_hours
from evidence.models import EvidenceFile
from principles.services import current_version
from voices import answering, filing, services
from voices.models import FreeTextAnswer, QuestionSet, Survey

CQC_OPEN_TITLE = "How Eastbrook County Council involves people: CQC wants to hear from its partners"
CQC_CLOSED_TITLE = "Taking part in Northmoor and Riverside's engagement: CQC wants to hear from you"
CLOSED_TITLE = "Taking part in our engagement: what was it like?"
OPEN_TITLE = "Staff and leaders: how we involve people"
FREE_TEXT = [
    "The evening session at the library meant I could come after work.",
    "I was never told what happened after the consultation on the walk-in centre.",
    "Having the papers in Easy Read made a real difference for my son.",
    "It felt like the decision had already been made before we were asked.",
    "Please keep the online option, I can't get to meetings.",
    "The facilitator, Mrs Patel from Riverside, was brilliant and listened to everyone.",
]
REDACTED = "The facilitator, [removed] from Riverside, was brilliant and listened to everyone."


def _answers(steps, rng: random.Random, n: int) -> services.Answers:
    counted, free = {}, {}
    for step in steps:
        values = [value for value, _, _ in step.choices]
        if step.kind == "free_text":
            if n % 5 == 0:
                free[step.question_id] = FREE_TEXT[(n // 5) % len(FREE_TEXT)]
            continue
        if step.kind == "multiple":
            counted[step.key] = rng.sample(values, rng.choice([1, 1, 2]))
            continue
        if step.is_monitoring and rng.random() < 0.1:
            continue
        weights = [9, 12, 4, 3, 1, 1] if len(values) == 6 and not step.is_monitoring else None
        counted[step.key] = [rng.choices(values, weights=weights)[0] if weights else rng.choice(values)]
    return services.Answers(counted=counted, free_text=free)


# Answers arrive a few hours apart over the weeks a survey is open (office hours only).
BETWEEN_RESPONSES = datetime.timedelta(hours=3)


def _closed_survey(organisation, lead, cycle, question_set) -> Survey:
    with clock.at(office_hours(moment(2026, 9, 14, 10))) as demo_clock:
        return _run_closed_survey(organisation, lead, cycle, question_set, demo_clock)


def _run_closed_survey(organisation, lead, cycle, question_set, demo_clock) -> Survey:
    today = timezone.localdate()
    survey = services.survey_create(
        organisation=organisation,
        cycle=cycle,
        question_set=question_set,
        questions=question_set.questions.all(),
        details=services.SurveyDetails(
            title=CLOSED_TITLE,
            introduction=question_set.introduction,
            easy_read_introduction="We want to know what it was like to take part.\n\nIt takes 5 minutes.",
            opens_on=today,
            closes_on=today + datetime.timedelta(days=42),
            equality_monitoring=True,
        ),
        by=lead,
    )
    survey = services.survey_open(survey=survey, by=lead)
    steps = answering.steps_for(survey)
    rng = random.Random(2026)  # noqa: S311 - demo answers, not security
    for n in range(62):
        services.response_store(survey=survey, submission_token=f"demo-{n}", answers=_answers(steps, rng, n))
        demo_clock.advance(BETWEEN_RESPONSES)
    demo_clock.advance(datetime.timedelta(days=1))
    survey = services.survey_close(survey=survey, by=lead)
    for answer in FreeTextAnswer.objects.filter(survey=survey):
        if "Mrs Patel" in answer.text:
            services.free_text_review(answer=answer, review="redact", redacted_text=REDACTED, by=lead)
        else:
            services.free_text_review(answer=answer, review="include", redacted_text="", by=lead)
    filed = filing.file_results(survey=survey, by=lead)
    # The scan runs once seed_demo's transaction commits; like the demo's other evidence, the PDF
    # we rendered ourselves is marked clean now so that it can be cited straight away.
    # Its text for search, as extraction would find it, from the snapshot the PDF shows.
    text = "\n".join(
        [survey.title]
        + [
            f"{table['text']}: "
            + ", ".join(
                f"{c['answer']} {c['people'] if c['people'] is not None else 'not shown'}"
                for c in table["cells"]
            )
            for table in filed.snapshot["questions"]
        ]
    )
    EvidenceFile.objects.filter(pk=filed.evidence_file.pk).update(
        scan_status=EvidenceFile.ScanStatus.CLEAN,
        scanned_at=timezone.now(),
        text=text,
        text_status=EvidenceFile.TextStatus.DONE,
    )
    assessment = Assessment.objects.filter(organisation=organisation, cycle=cycle).first()
    if assessment is not None and assessment.is_editable:
        response = CriterionResponse.objects.get(assessment=assessment, criterion__code="2.4")
        assessment_services.citation_add(
            response=response,
            by=lead,
            file_id=filed.evidence_file.pk,
            location="“I was told what happened as a result of what I said.”",
            note="How many of the people who took part say they were told what happened as a result.",
        )
    return survey


def _cqc_survey(
    organisation, assessor, cycle, question_set, *, title: str, responses: int, close: bool, demo_clock=None
):
    """CQC's survey; a closed one is run on the demo clock (`demo_clock`), from its opening."""
    today = timezone.localdate()
    survey = services.survey_create(
        organisation=organisation,
        cycle=cycle,
        question_set=question_set,
        questions=question_set.questions.all(),
        details=services.SurveyDetails(
            title=title,
            introduction=(
                f"The Care Quality Commission (CQC) checks how well {organisation.name} involves the "
                "public in its decisions. We would like to hear from you about what it was like.\n\n"
                f"Your answers go to CQC. {organisation.name} will only ever see the totals, after our "
                "assessment is finished, and never how one person answered. It takes about 5 minutes."
            ),
            easy_read_introduction="",
            opens_on=today if close else today - datetime.timedelta(days=1),
            closes_on=today + datetime.timedelta(days=28 if close else 21),
            equality_monitoring=question_set.audience == "participants",
        ),
        by=assessor,
        run_by=Survey.RunBy.CQC,
    )
    survey = services.survey_open(survey=survey, by=assessor)
    steps = answering.steps_for(survey)
    rng = random.Random(title)  # noqa: S311 - demo answers, not security
    for n in range(responses):
        services.response_store(survey=survey, submission_token=f"cqc-{n}", answers=_answers(steps, rng, n))
        if demo_clock is not None:
            demo_clock.advance(BETWEEN_RESPONSES)
    if close:
        if demo_clock is not None:
            demo_clock.advance(datetime.timedelta(days=1))
        survey = services.survey_close(survey=survey, by=assessor)
        for answer in FreeTextAnswer.objects.filter(survey=survey):
            keep = "Mrs Patel" not in answer.text
            services.free_text_review(
                answer=answer, review="include" if keep else "exclude", redacted_text="", by=assessor
            )
    return survey


def seed_cqc_surveys(organisations: dict, people: dict, sets: dict) -> list[str]:
    assessor = people["assessor"]
    cycles = {c.slug: c for c in AssessmentCycle.objects.filter(slug__in=["2025-26", "2026-27"])}
    if len(cycles) < 2:
        return []
    if not Survey.objects.filter(title=CQC_OPEN_TITLE).exists():
        _cqc_survey(
            organisations["E99000001"],
            assessor,
            cycles["2026-27"],
            sets["partners"],
            title=CQC_OPEN_TITLE,
            responses=64,
            close=False,
        )
    if not Survey.objects.filter(title=CQC_CLOSED_TITLE).exists():
        # While Northmoor's 2025/26 self-assessment was in review (from 7 April 2026).
        with clock.at(office_hours(moment(2026, 4, 8, 10))) as demo_clock:
            _cqc_survey(
                organisations["QZ1"],
                assessor,
                cycles["2025-26"],
                sets["participants"],
                title=CQC_CLOSED_TITLE,
                responses=41,
                close=True,
                demo_clock=demo_clock,
            )
    return [
        "CQC's own surveys (/cqc-surveys/, for assessors): Eastbrook County Council's partners, open, its"
        " results in Eastbrook's 2026/27 review workspace; Northmoor's participants (2025/26, assessed),"
        " whose totals Northmoor's people see on their surveys page",
    ]


def seed_surveys(organisations: dict, people: dict) -> list[str]:
    """The demo surveys; lines for seed_demo to print (the open survey's public link)."""
    organisation = organisations["QZ1"]
    lead = people["lead.northmoor"]
    cycle = AssessmentCycle.objects.filter(slug="2026-27").first()
    version = current_version()
    if cycle is None or version is None:
        return []
    sets = {qs.audience: qs for qs in QuestionSet.objects.filter(version=version)}
    if not Survey.objects.filter(organisation=organisation, title=CLOSED_TITLE).exists():
        _closed_survey(organisation, lead, cycle, sets["participants"])
    open_survey = Survey.objects.filter(organisation=organisation, title=OPEN_TITLE).first()
    if open_survey is None:
        today = timezone.localdate()
        open_survey = services.survey_create(
            organisation=organisation,
            cycle=cycle,
            question_set=sets["staff"],
            questions=sets["staff"].questions.all(),
            details=services.SurveyDetails(
                title=OPEN_TITLE,
                introduction=sets["staff"].introduction,
                easy_read_introduction="",
                opens_on=today,
                closes_on=today + datetime.timedelta(days=60),
                equality_monitoring=False,
            ),
            by=lead,
        )
        open_survey = services.survey_open(survey=open_survey, by=lead)
    path = reverse("survey_start", kwargs={"token": open_survey.token})
    cqc_lines = seed_cqc_surveys(organisations, people, sets)
    return [
        *cqc_lines,
        f"Northmoor and Riverside ICS: “{CLOSED_TITLE}” closed, filed as evidence and cited for 2.4",
        f"Northmoor and Riverside ICS: “{OPEN_TITLE}” is open; answer it without signing in at",
        f"    http://127.0.0.1:8000{path}",
    ]
