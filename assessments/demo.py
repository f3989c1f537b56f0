"""Demo self-assessments for `manage.py seed_demo`: fictional, but written the way engagement
leads write them.

Northmoor and Riverside ICS has a self-assessment submitted in the earlier 2025/26 cycle and one
in progress for 2026/27 (about half answered), so the overview shows last year's scores beside
this year's. Westvale ICS has submitted its 2026/27 self-assessment. Each organisation has a
small evidence library of real stored files (short text and CSV documents, scanned "clean",
with their SHA-256), which the answers cite.

Everything goes through the services, so the demo data obeys the same rules as real data.
Idempotent: an organisation's assessment that already exists for a cycle is left alone, and so
is an evidence item that already has a file.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from assessments import services
from assessments.models import Assessment, AssessmentCycle, CriterionResponse
from engagement_portal.lib.demo_clock import clock, moment, office_hours
from evidence.models import EvidenceFile, EvidenceItem
from organisations.models import Organisation
from principles.services import current_version

CYCLES = [
    # (label, slug, opens, closes)
    ("2025/26", "2025-26", datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)),
    ("2026/27", "2026-27", datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
]


@dataclass(frozen=True)
class DemoEvidence:
    title: str
    kind: str
    category: str
    date: datetime.date
    name: str
    content: str


def _library(place: str, healthwatch: str) -> list[DemoEvidence]:
    K, C = EvidenceItem.Kind, EvidenceItem.Category
    return [
        DemoEvidence(
            "People and Communities Strategy 2025 to 2028",
            K.STRATEGY,
            C.PROCESSES,
            datetime.date(2025, 6, 18),
            "people-and-communities-strategy.txt",
            f"{place} People and Communities Strategy 2025 to 2028\n\n"
            "1. Our commitments\nWe will involve people early, while decisions can still change, and tell "
            "them what changed as a result.\n\n2. Levels of involvement\nInform, consult, involve, "
            "collaborate, co-produce: every engagement plan states which level it offers.\n\n"
            "3. Governance\nThe partnership board reviews delivery of this strategy every quarter. The "
            "chief executive of the ICB and the directors of public health are the named leads.\n",
        ),
        DemoEvidence(
            "Partnership board minutes, 12 March 2026",
            K.BOARD_MINUTES,
            C.PROCESSES,
            datetime.date(2026, 3, 12),
            "partnership-board-minutes-2026-03-12.txt",
            f"{place} partnership board, 12 March 2026\n\nItem 6: Quarterly engagement report\n"
            "The board received the engagement report. Members asked how the residents' panel findings "
            "had changed the urgent care proposals. The director of strategy set out three changes to "
            "opening hours made after the panel. Action: publish a 'you said, we did' summary.\n\n"
            f"Item 7: {healthwatch} update\nThe Healthwatch chair welcomed earlier involvement but asked for "
            "feedback to participants within six weeks.\n",
        ),
        DemoEvidence(
            "Residents' panel survey results 2025",
            K.SURVEY_RESULTS,
            C.PEOPLES_EXPERIENCE,
            datetime.date(2025, 11, 30),
            "residents-panel-survey-2025.csv",
            "question,agree,neither,disagree,respondents\n"
            "I understood what the engagement could change,68,19,13,412\n"
            "I was told what happened as a result,54,21,25,409\n"
            "Leaders listened to challenge,61,24,15,410\n"
            "The venue and times suited me,77,12,11,411\n",
        ),
        DemoEvidence(
            f"{healthwatch} statement on engagement",
            K.PARTNER_STATEMENT,
            C.PARTNERS,
            datetime.date(2026, 2, 20),
            "healthwatch-statement.txt",
            f"Statement from {healthwatch}, February 2026\n\n"
            "We sit on the partnership board and the engagement network. In the past year we have seen "
            "engagement start earlier on service changes, and the urgent care consultation changed as a "
            "result. Feedback to participants is still too slow in places.\n",
        ),
        DemoEvidence(
            "Engagement staff focus group notes, January 2026",
            K.INTERVIEW_NOTES,
            C.STAFF_AND_LEADERS,
            datetime.date(2026, 1, 15),
            "staff-focus-group-notes.txt",
            "Focus group with 11 engagement and service staff, 15 January 2026\n\n"
            "Staff described the method-selection toolkit as useful. They asked for training for "
            "clinicians who run engagement events, and for a shared calendar to avoid repeat asks of "
            "the same community groups.\n",
        ),
        DemoEvidence(
            "You said, we did: winter 2025",
            K.YOU_SAID_WE_DID,
            C.OUTCOMES,
            datetime.date(2026, 1, 9),
            "you-said-we-did-winter-2025.txt",
            "You said, we did: winter 2025\n\nYou said evening appointments were hard to reach by bus. "
            "We moved the urgent treatment centre's late clinic to the town centre site.\n"
            "You said you did not hear back after events. We now send a summary within six weeks.\n",
        ),
        DemoEvidence(
            "Participant monitoring data, April 2025 to February 2026",
            K.MONITORING_DATA,
            C.PEOPLES_EXPERIENCE,
            datetime.date(2026, 2, 27),
            "participant-monitoring-2025-26.csv",
            "group,share_of_participants,share_of_population\n"
            "aged 16 to 24,7,12\naged 65 and over,31,21\nBlack and minority ethnic,14,18\n"
            "disabled people,22,19\ncarers,15,11\n",
        ),
    ]


# Narratives people actually write, for the criteria demos open first; the rest get a shorter
# generated one.
NARRATIVES = {
    "1.1": "The ICB chief executive and the two directors of public health are the named leads for "
    "engagement, set out in the partnership board's terms of reference. The board receives an engagement "
    "report every quarter (see the March 2026 minutes, item 6) and asks what changed as a result.",
    "1.2": "Our People and Communities Strategy was agreed by all partners in June 2025, with shared "
    "definitions of the levels of involvement. Its delivery plan is reviewed every year; staff focus "
    "groups show the definitions are understood in the engagement team but less so in services.",
    "1.3": "There is a system engagement team of six, a budget for participant payments and a training "
    "offer for staff outside the team. Capacity in the VCSE partners is not yet funded consistently.",
    "1.4": "Leaders attend the residents' panel twice a year and answer questions in public. Healthwatch "
    "and two lived-experience members sit on the partnership board with full speaking rights.",
    "2.1": "Every engagement plan now states its purpose, the decision it informs and what is open to "
    "change, using the template in the strategy's appendix.",
    "2.4": "A 'you said, we did' summary goes to participants within six weeks of each engagement. The "
    "residents' panel survey shows 54% were told what happened as a result, up from 38%.",
    "3.2": "Board papers have a standard section on what people told us. The March 2026 minutes record "
    "the board asking how the panel's findings changed the urgent care proposals.",
    "3.4": "Three changes to the urgent care proposals came directly from the residents' panel, including "
    "moving the late clinic to the town centre site.",
    "5.3": "We compare participants with the population for each engagement. Young people and ethnic "
    "minority communities remain under-represented; targeted outreach started in January 2026.",
    "8.1": "The engagement network (ICB, both councils, the trusts, Healthwatch and the VCSE alliance) "
    "meets monthly and keeps a shared calendar of engagement.",
}


def _narrative(code: str, text: str, score: int | None, place: str) -> str:
    if code in NARRATIVES:
        return NARRATIVES[code]
    if score is None:
        return f"We do not yet have evidence for this across {place}. We plan to gather it this year."
    if score >= 3:
        return (
            f"This is established practice across {place}: {text[0].lower()}{text[1:]}. The evidence cited "
            "shows how it works in practice and what changed as a result."
        )
    return (
        f"This is in place in parts of {place} but not consistently: {text[0].lower()}{text[1:]} happens "
        "in the larger programmes, less so elsewhere. Improving it is in this year's delivery plan."
    )


def _stored(organisation: Organisation, by, demo: DemoEvidence) -> EvidenceFile:
    """The item with its one file, stored for real: made once, found after that."""
    item, _ = EvidenceItem.objects.get_or_create(
        organisation=organisation,
        title=demo.title,
        defaults={
            "kind": demo.kind,
            "category": demo.category,
            "evidence_date": demo.date,
            "description": "",
            "created_by": by,
        },
    )
    existing = item.files.order_by("-revision").first()
    if existing is not None:
        return existing
    content = demo.content.encode("utf-8")
    key = storages["evidence"].save(uuid.uuid4().hex, ContentFile(content))
    return EvidenceFile.objects.create(
        item=item,
        revision=1,
        storage_key=key,
        original_name=demo.name,
        size=len(content),
        content_type="text/csv" if demo.name.endswith(".csv") else "text/plain",
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status=EvidenceFile.ScanStatus.CLEAN,
        scan_detail="Demo file",
        text=demo.content,
        text_status=EvidenceFile.TextStatus.DONE,
        uploaded_by=by,
    )


# What each document shows, as a lead would note it when citing it: (where in the document, what
# it shows), two for each document of the library, in the library's order.
NOTES = [
    [
        ("Section 1", "Commits every partner to involve people while decisions can still change."),
        ("Section 2", "Defines the five levels of involvement each engagement plan must state."),
    ],
    [
        ("Item 6", "The board asks how the residents' panel changed the urgent care proposals."),
        ("Item 7", "Healthwatch's chair challenges the board on feedback to participants."),
    ],
    [
        ("Question 2", "54% of 409 respondents were told what happened as a result, up from 38%."),
        ("Questions 3 and 4", "61% agree leaders listened; 77% say the venues and times suited them."),
    ],
    [
        ("Paragraph 2", "An independent view: engagement now starts earlier on service changes."),
        ("Paragraph 2, end", "Healthwatch finds feedback to participants still too slow in places."),
    ],
    [
        ("Page 1", "Staff find the method-selection toolkit useful and ask for training for clinicians."),
        ("Page 1, end", "Staff ask for a shared calendar so community groups are not asked twice."),
    ],
    [
        ("Whole document", "Two changes made because of what people said, reported back to them."),
        ("Second item", "Shows summaries now going back to participants within six weeks."),
    ],
    [
        ("All rows", "Compared with the population, under 25s and ethnic minorities are under-represented."),
        ("Rows 2, 4 and 5", "Older people, disabled people and carers take part in proportion or more."),
    ],
]

# Which documents each principle's answers cite: at least two evidence categories per principle.
CITED_BY_PRINCIPLE = {
    1: [0, 1, 4],
    2: [0, 2, 5],
    3: [1, 5, 3],
    4: [0, 4, 2],
    5: [6, 3],
    6: [2, 0],
    7: [5, 4],
    8: [1, 3],
}


def _score(code: str, base: int) -> int | None:
    """A plausible, repeatable spread of levels around `base`; a few criteria not evidenced."""
    digest = int(hashlib.sha256(code.encode()).hexdigest(), 16)
    if digest % 17 == 0:
        return None
    return max(1, min(4, base + (digest % 3) - 1))


def _fill(
    assessment: Assessment,
    by,
    files: list[EvidenceFile],
    *,
    base: int,
    principles: set[int] | None,
    pace: datetime.timedelta = datetime.timedelta(0),
) -> None:
    """Answer (some of) the criteria through the services, citing the library's files, one
    criterion every `pace` on the demo clock."""
    place = assessment.organisation.name.split(" ")[0]
    responses = CriterionResponse.objects.filter(assessment=assessment).select_related(
        "criterion__principle", "assessment"
    )
    for response in responses:
        number = response.criterion.principle.number
        if principles is not None and number not in principles:
            continue
        code = response.criterion.code
        score = _score(code, base)
        services.response_save(
            response=response,
            by=by,
            expected_version=response.version,
            score=score,
            not_evidenced=score is None,
            narrative=_narrative(code, response.criterion.text, score, place),
        )
        clock.advance(pace)
        if score is None:
            continue
        picks = CITED_BY_PRINCIPLE[number]
        position = response.criterion.position
        for index in (picks[position % len(picks)], picks[(position + 1) % len(picks)]):
            location, note = NOTES[index][(position + number) % 2]
            services.citation_add(
                response=response, by=by, file_id=files[index].pk, location=location, note=note
            )


def library(organisation: Organisation, lead) -> list[EvidenceFile]:
    """The organisation's demo evidence library, each document uploaded a few days after its date."""
    place = organisation.name.split(" ")[0]
    files = []
    for demo in _library(place, f"Healthwatch {place}"):
        uploaded = demo.date + datetime.timedelta(days=4)
        with clock.at(office_hours(moment(uploaded.year, uploaded.month, uploaded.day, 11, 30))):
            files.append(_stored(organisation, lead, demo))
    return files


def _share(assessment: Assessment, lead, person, principles: set[int]) -> None:
    ids = CriterionResponse.objects.filter(
        assessment=assessment, criterion__principle__number__in=principles
    ).values_list("criterion_id", flat=True)
    services.criteria_assign(assessment=assessment, by=lead, criterion_ids=list(ids), assignee=person)


def seed_assessment(
    organisation: Organisation,
    lead,
    cycle: AssessmentCycle,
    *,
    base: int,
    started: datetime.datetime,
    answering: datetime.datetime,
    pace: datetime.timedelta,
    submitted: datetime.datetime | None = None,
    principles: set[int] | None = None,
    partner: tuple[object, set[int]] | None = None,
) -> Assessment:
    """One demo self-assessment, made once: started, answered from `answering` (a criterion every
    `pace`), and submitted, each on its own date of the demo clock. `partner`, a partner's person
    and the principles they answer (after the lead's), shows a partner contributing."""
    existing = Assessment.objects.filter(organisation=organisation, cycle=cycle).first()
    if existing is not None:
        return existing
    files = library(organisation, lead)
    with clock.at(started):
        assessment = services.assessment_start(
            organisation=organisation, cycle=cycle, by=lead, check_dates=False
        )
    with clock.at(answering):
        if partner is not None:
            # The lead shares out the partner's principles first (issue 14's work shared out).
            _share(assessment, lead, partner[0], partner[1])
        _fill(assessment, lead, files, base=base, principles=principles, pace=pace)
        if partner is not None:
            _fill(assessment, partner[0], files, base=base, principles=partner[1], pace=pace)
            # The partner's person marks their first two answers ready for the lead.
            for response in CriterionResponse.objects.filter(
                assessment=assessment, criterion__principle__number__in=partner[1]
            ).order_by("criterion__principle__number", "criterion__position")[:2]:
                if response.is_answered:
                    services.response_mark_ready(response=response, by=partner[0], ready=True)
    if submitted is not None:
        with clock.at(submitted):
            services.assessment_submit(
                assessment=assessment, by=lead, declaration=True, acknowledged_warnings=True
            )
    assessment.refresh_from_db()
    return assessment


def seed_assessments(organisations: dict[str, Organisation], people: dict[str, object]) -> None:
    """Create the demo cycles, libraries and the organisations' own assessments: Northmoor's
    2025/26 submitted in March 2026, its 2026/27 half answered over the summer; Westvale's
    2026/27 answered over the summer and submitted at the end of September."""
    cycles = {}
    for label, slug, opens, closes in CYCLES:
        cycles[slug], _ = AssessmentCycle.objects.get_or_create(
            slug=slug, defaults={"label": label, "opens_on": opens, "closes_on": closes}
        )
    if current_version() is None:
        return
    days, minutes = datetime.timedelta(days=1), datetime.timedelta(minutes=1)
    northmoor, westvale = organisations["QZ1"], organisations["QZ2"]
    seed_assessment(
        northmoor, people["lead.northmoor"], cycles["2025-26"], base=2,
        started=moment(2025, 9, 15), answering=moment(2026, 3, 17, 9), pace=90 * minutes,
        submitted=moment(2026, 3, 27, 15, 20),
    )  # fmt: skip
    # Kiran Shah of Healthwatch Northmoor answers principle 5 for the ICS (seed_demo's
    # PARTNER_MEMBERSHIPS), shown as "Kiran Shah, Healthwatch Northmoor".
    partner = (people["contributor.healthwatch"], {5}) if "contributor.healthwatch" in people else None
    current = seed_assessment(
        northmoor, people["lead.northmoor"], cycles["2026-27"], base=3, principles={1, 2, 3, 4},
        started=moment(2026, 5, 11), answering=moment(2026, 6, 1, 9), pace=2 * days, partner=partner,
    )  # fmt: skip
    # Ben Hughes has principle 6 to answer next.
    if "contributor.northmoor" in people and current.is_editable:
        with clock.at(moment(2026, 9, 1, 10)):
            _share(current, people["lead.northmoor"], people["contributor.northmoor"], {6})
    seed_assessment(
        westvale, people["lead.westvale"], cycles["2026-27"], base=3,
        started=moment(2026, 4, 20), answering=moment(2026, 6, 15, 9), pace=2 * days,
        submitted=moment(2026, 9, 30, 16, 45),
    )  # fmt: skip
