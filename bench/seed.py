"""National-scale data for the page benchmarks (issue 9), into an empty PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/seed.py

What it makes, with the real models (and the real services for submitting and reviewing):

- 42 ICSs and 153 local authorities (fictional names, real code shapes), each with a lead,
  12 contributors and 3 viewers (3,120 people), and 20 CQC assessors;
- 3 cycles (2024/25, 2025/26 and 2026/27), and an assessment for every organisation in every
  cycle (585), pinned to the published rubric, every criterion answered with a narrative and
  3 citations (19,305 answers, 57,915 citations);
- 300 evidence items per organisation per cycle (175,500), each with one small real text file
  written into the evidence store (EVIDENCE_ROOT, `var/bench-evidence` by default), marked
  scanned clean with its text extracted, so full-text search has the content to search;
- surveys (voices/) of the people who took part in engagement: every tenth organisation an open
  one with 2,000 responses, and the first organisation a closed one with 10,000 (bench/survey.py
  times its results page), answers and free text written in bulk as the answering service would;
- the assessments spread over every state: most of the oldest cycle assessed, the middle one
  in every state, the current one mostly draft or waiting; reviews with assessor scores,
  questions for returned assessments, shared and finalised outcomes for assessed ones.

Answers and citations are written while the assessments are drafts, then submitted through
`assessments.services` (which builds the snapshot and its hash), so the freeze triggers of
migration assessments/0005 are respected, not bypassed. It prints how long it took.

It is idempotent: a database already holding this seed version (recorded as the database's
comment) is left alone, and any other non-empty database is refused. `--force` is not offered:
drop and create the database to seed again.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import random
import sys
import time
from pathlib import Path

from words import VOCABULARY  # bench/words.py: the scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]
# 2: engagement activities (activities/), about 40 an organisation; 3: every ICS a system with its
# local authorities; 4: surveys (voices/), a tenth of organisations one of 2,000 responses and
# one organisation one of 10,000 (a version 3 database gets them added, not seeded again).
SEED_VERSION = 4
MARKER = f"engagement-portal bench seed v{SEED_VERSION}"
UPGRADABLE = {"engagement-portal bench seed v3": "surveys"}
PASSWORD = "bench-password-2026"  # noqa: S105 - a local benchmark database only

ICS_COUNT, LA_COUNT = 42, 153
CONTRIBUTORS, VIEWERS = 12, 3
ASSESSORS = 20
ITEMS_PER_CYCLE = 300
ACTIVITIES_PER_ORGANISATION = 40  # engagement activities (activities/), over 12 months
SURVEY_RESPONSES, BIG_SURVEY_RESPONSES = 2_000, 10_000  # a tenth of organisations; one organisation
BIG_SURVEY_TITLE = "Bench: 10,000 people who took part"
CITATIONS_PER_ANSWER = 3
CYCLES = [  # label, slug, opens, closes
    ("2024/25", "2024-25", datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)),
    ("2025/26", "2025-26", datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)),
    ("2026/27", "2026-27", datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
]
# The share of each cycle's assessments in each state, oldest cycle first.
STATES = [
    {"assessed": 0.9, "in_review": 0.1},
    {
        "assessed": 0.4,
        "outcome_shared": 0.1,
        "in_review": 0.15,
        "returned": 0.1,
        "resubmitted": 0.05,
        "submitted": 0.2,
    },
    {"draft": 0.35, "submitted": 0.3, "in_review": 0.2, "returned": 0.1, "assessed": 0.05},
]

PLACES = (  # noqa: SIM905 - easier to read as text
    "Ashby Barrow Calder Dunmore Elmstead Fenwick Garth Hollin Ingleby Kestle Larkmoor Marden "
    "Northwold Oakhurst Penmore Quarry Ravensby Selworth Thornbury Upwell Varley Whitmoor Yarrow "
    "Aldwick Brackley Coldharbour Dalby Eskdale Felling Gisburn Hartside Ivybridge Kelso Lindale "
    "Millbrook Netherby Ormside Pendle Redmire Skelton Tarrant Ulverby Wansbeck"
).split()
SUFFIXES = ["", "shire", " Vale", " and District", " City", " Borough", " Coast", " Downs"]
# Rarer words, each in a few per cent of documents, like the words people search for.
TOPICS = (  # noqa: SIM905
    "dementia maternity autism homelessness veterans gypsy traveller refugees dentistry pharmacy "
    "hospice stroke diabetes asthma loneliness hoarding sight hearing learning-disability "
    "neurodiversity postnatal bereavement smoking obesity"
).split()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("EVIDENCE_ROOT", str(ROOT / "var" / "bench-evidence"))
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("EVIDENCE_S3_BUCKET", "CLAMD_SOCKET", "CLAMD_HOST"):
        os.environ.pop(name, None)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench/seed.py: set DATABASE_URL to an empty PostgreSQL database")
    import django

    django.setup()


def marker() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def set_marker() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [MARKER])


def is_seeded() -> bool:
    """True when the database holds this seed version's data (the check `make bench` makes)."""
    return marker() == MARKER


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


def document(rng: random.Random, title: str) -> str:
    topics = [t for t in TOPICS if rng.random() < 0.04]
    paragraphs = [title]
    for _ in range(rng.randint(3, 6)):
        sentence = words(rng, rng.randint(25, 45))
        if topics and rng.random() < 0.6:
            sentence += " " + " ".join(topics)
        paragraphs.append(sentence.capitalize() + ".")
    return "\n\n".join(paragraphs) + "\n"


class Seeder:
    def __init__(self, rng: random.Random):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        self.rng = rng
        self.now = timezone.now()
        self.password = make_password(PASSWORD)  # hashed once: hashing 3,000 times takes minutes

    # People and organisations ------------------------------------------------------------

    def people_and_organisations(self):
        from django.contrib.auth.models import Group, User

        from organisations.models import Membership, Organisation, System
        from organisations.roles import CQC_ASSESSORS

        regions = [value for value, _ in Organisation.Region.choices]
        names = [f"{place}{suffix}" for suffix in SUFFIXES for place in PLACES]
        orgs = [
            Organisation(
                name=f"NHS {names[i]} Integrated Care Board",
                type=Organisation.Type.ICS,
                code=f"QB{i:02d}",
                region=regions[i % len(regions)],
            )
            for i in range(ICS_COUNT)
        ] + [
            Organisation(
                name=f"{names[ICS_COUNT + i]} Council",
                type=Organisation.Type.LOCAL_AUTHORITY,
                code=f"E0{8000000 + i}",
                region=regions[i % len(regions)],
            )
            for i in range(LA_COUNT)
        ]
        self.organisations = Organisation.objects.bulk_create(orgs)

        users = [
            User(
                username=f"assessor{n:02d}",
                first_name="Assessor",
                last_name=f"{n:02d}",
                password=self.password,
            )
            for n in range(1, ASSESSORS + 1)
        ]
        roles = []
        for org in self.organisations:
            code = org.code.lower()
            people = [("lead", Membership.Role.LEAD)]
            people += [(f"contributor{n}", Membership.Role.CONTRIBUTOR) for n in range(1, CONTRIBUTORS + 1)]
            people += [(f"viewer{n}", Membership.Role.VIEWER) for n in range(1, VIEWERS + 1)]
            for name, role in people:
                users.append(
                    User(
                        username=f"{name}.{code}",
                        first_name=name.capitalize(),
                        last_name=org.name.split(" ")[0 if org.type == "la" else 1],
                        email=f"{name}.{code}@example.org",
                        password=self.password,
                    )
                )
                roles.append((len(users) - 1, org, role))
        users = User.objects.bulk_create(users, batch_size=1000)
        self.assessors = users[:ASSESSORS]
        Group.objects.get(name=CQC_ASSESSORS).user_set.add(*self.assessors)
        Membership.objects.bulk_create(
            [Membership(user=users[i], organisation=org, role=role) for i, org, role in roles],
            batch_size=2000,
        )
        # Every ICS a system, with its local authorities; every tenth local authority is in a
        # second system too, as one whose area spans two can be.
        systems = System.objects.bulk_create([System(ics=ics) for ics in self.organisations[:ICS_COUNT]])
        in_system = System.local_authorities.through
        links = []
        for i, la in enumerate(self.organisations[ICS_COUNT:]):
            links.append(in_system(system_id=systems[i % ICS_COUNT].pk, organisation_id=la.pk))
            if i % 10 == 0:
                links.append(in_system(system_id=systems[(i + 1) % ICS_COUNT].pk, organisation_id=la.pk))
        in_system.objects.bulk_create(links)
        self.leads, self.contributors = {}, {}
        for i, org, role in roles:
            if role == Membership.Role.LEAD:
                self.leads[org.pk] = users[i]
            elif role == Membership.Role.CONTRIBUTOR:
                self.contributors.setdefault(org.pk, []).append(users[i])

    def cycles(self):
        from assessments.models import AssessmentCycle

        self.cycle_rows = AssessmentCycle.objects.bulk_create(
            [AssessmentCycle(label=label, slug=slug, opens_on=o, closes_on=c) for label, slug, o, c in CYCLES]
        )

    # Evidence -----------------------------------------------------------------------------

    def evidence(self):
        from django.conf import settings

        from evidence.models import EvidenceFile, EvidenceItem
        from evidence.services import new_storage_key

        root = Path(settings.EVIDENCE_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        kinds = [value for value, _ in EvidenceItem.Kind.choices]
        kind_names = dict(EvidenceItem.Kind.choices)
        categories = [value for value, _ in EvidenceItem.Category.choices]
        self.files: dict[tuple[int, int], list[tuple[int, str]]] = {}  # (org, cycle) -> (file id, category)
        rng = self.rng
        written = 0
        for n, org in enumerate(self.organisations, start=1):
            items, bodies = [], []
            for cycle in self.cycle_rows:
                span = (cycle.closes_on - cycle.opens_on).days
                for _ in range(ITEMS_PER_CYCLE):
                    kind = rng.choice(kinds)
                    day = cycle.opens_on + datetime.timedelta(days=rng.randrange(span))
                    topic = " ".join(rng.sample(VOCABULARY, 2))
                    title = f"{kind_names[kind]}: {topic}, {day:%B %Y}"[:200]
                    items.append(
                        EvidenceItem(
                            organisation=org,
                            title=title,
                            description=words(rng, rng.randint(8, 20)).capitalize() + ".",
                            kind=kind,
                            category=rng.choice(categories),
                            evidence_date=day,
                            created_by=rng.choice(self.contributors[org.pk]),
                        )
                    )
                    bodies.append((cycle.pk, document(rng, title)))
            items = EvidenceItem.objects.bulk_create(items, batch_size=1000)
            files = []
            for item, (_, body) in zip(items, bodies, strict=True):
                data = body.encode()
                key = new_storage_key()
                path = root / key
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(data)
                os.chmod(path, 0o600)
                written += len(data)
                files.append(
                    EvidenceFile(
                        item=item,
                        revision=1,
                        storage_key=key,
                        original_name=f"{slug(item.title)}.txt",
                        size=len(data),
                        content_type="text/plain",
                        sha256=hashlib.sha256(data).hexdigest(),
                        scan_status=EvidenceFile.ScanStatus.CLEAN,
                        scan_detail="bench seed",
                        scanned_at=self.now,
                        text=body,
                        text_status=EvidenceFile.TextStatus.DONE,
                        uploaded_by=item.created_by,
                    )
                )
            files = EvidenceFile.objects.bulk_create(files, batch_size=1000)
            for file, item, (cycle_id, _) in zip(files, items, bodies, strict=True):
                self.files.setdefault((org.pk, cycle_id), []).append((file.pk, item.category))
            if n % 20 == 0:
                say(
                    f"  evidence: {n} of {len(self.organisations)} organisations, {written >> 20} MiB written"
                )

    # Assessments --------------------------------------------------------------------------

    def assessments(self):
        from assessments.models import Assessment, CriterionResponse, Transition
        from evidence.models import Citation
        from principles.models import Criterion
        from principles.services import current_version

        version = current_version()
        if version is None:
            raise SystemExit("bench/seed.py: no published rubric (migration principles/0003 makes one)")
        criteria = list(
            Criterion.objects.filter(principle__version=version).order_by("principle__number", "position")
        )
        rng = self.rng
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    organisation=org, cycle=cycle, rubric_version=version, started_by=self.leads[org.pk]
                )
                for cycle in self.cycle_rows
                for org in self.organisations
            ]
        )
        Transition.objects.bulk_create(
            [
                Transition(assessment=a, from_status="", to_status="draft", by=a.started_by)
                for a in assessments
            ]
        )
        responses = []
        for a in assessments:
            for criterion in criteria:
                not_evidenced = rng.random() < 0.04
                responses.append(
                    CriterionResponse(
                        assessment=a,
                        criterion=criterion,
                        score=None if not_evidenced else rng.choice((1, 2, 2, 3, 3, 3, 4)),
                        not_evidenced=not_evidenced,
                        narrative=words(rng, rng.randint(60, 140)).capitalize() + ".",
                        version=1,
                        updated_by=rng.choice(self.contributors[a.organisation_id]),
                    )
                )
        responses = CriterionResponse.objects.bulk_create(responses, batch_size=2000)
        by_assessment = {a.pk: a for a in assessments}
        citations = []
        for r in responses:
            a = by_assessment[r.assessment_id]
            pool = self.files[(a.organisation_id, a.cycle_id)]
            for file_id, _ in rng.sample(pool, CITATIONS_PER_ANSWER):
                citations.append(
                    Citation(
                        response=r,
                        file_id=file_id,
                        location=f"Page {rng.randint(1, 40)}",
                        note=words(rng, rng.randint(8, 20)).capitalize() + ".",
                        created_by=r.updated_by,
                    )
                )
        Citation.objects.bulk_create(citations, batch_size=2000)
        self.assessment_rows = assessments
        say(f"  {len(assessments)} assessments, {len(responses)} answers, {len(citations)} citations")

    # Submissions and reviews --------------------------------------------------------------

    def states(self):
        from assessments import services as sa_services
        from reviews import services
        from reviews.models import AssessorScore, Review, ReviewEvent
        from reviews.workspace import build

        rng = self.rng
        counts: dict[str, int] = {}
        by_cycle = {c.pk: i for i, c in enumerate(self.cycle_rows)}
        for n, a in enumerate(self.assessment_rows, start=1):
            shares = STATES[by_cycle[a.cycle_id]]
            state = rng.choices(list(shares), weights=list(shares.values()))[0]
            counts[state] = counts.get(state, 0) + 1
            if state == "draft":
                continue
            lead = self.leads[a.organisation_id]
            assessor = self.assessors[n % ASSESSORS]
            second = self.assessors[(n + 7) % ASSESSORS]
            sa_services.assessment_submit(assessment=a, by=lead, declaration=True, acknowledged_warnings=True)
            if state == "submitted":
                continue
            services.review_start(assessment=a, by=assessor)
            if state in {"returned", "resubmitted"}:
                question = services.question_ask(
                    assessment=a,
                    by=assessor,
                    criterion_code="1.1",
                    body="Which board papers show the engagement lead reporting to the board?",
                )
                services.assessment_return_with_questions(assessment=a, by=assessor)
                if state == "resubmitted":
                    # A resubmission needs an answer to each of CQC's questions.
                    question.refresh_from_db()
                    services.question_reply(
                        question=question, by=lead, body="The board papers of 12 March and 9 July."
                    )
                    sa_services.assessment_resubmit(
                        assessment=a,
                        by=lead,
                        reply="The board papers of 12 March and 9 July, cited under 1.1.",
                        declaration=True,
                        acknowledged_warnings=True,
                    )
                continue
            review = Review.objects.get(assessment=a)
            ws = build(a, review)
            rows = [c for p in ws.principles for c in p.criteria]
            if state == "in_review":
                rows = rows[: rng.randrange(len(rows) + 1)]  # partly scored
            scores, events = [], []
            for c in rows:
                self_score = None if c.self_not_evidenced else c.self_score
                score = self_score if self_score is None else max(1, self_score - (rng.random() < 0.25))
                scores.append(
                    AssessorScore(
                        review=review,
                        criterion_code=c.code,
                        score=score,
                        not_evidenced=score is None,
                        rationale=words(rng, rng.randint(15, 40)).capitalize() + ".",
                        version=1,
                        created_by=assessor,
                        updated_by=assessor,
                    )
                )
                events.append(
                    ReviewEvent(
                        review=review,
                        kind=ReviewEvent.Kind.SCORED,
                        subject=c.code,
                        detail="not evidenced" if score is None else str(score),
                        by=assessor,
                    )
                )
            AssessorScore.objects.bulk_create(scores)
            ReviewEvent.objects.bulk_create(events)
            if state in {"outcome_shared", "assessed"}:
                ws = build(a, review)
                # A second assessor agrees with the first principle that has a score (one with
                # too little evidence to score has none to moderate: the sufficiency rule).
                scorable = [p for p in ws.principles if not p.not_enough_evidence and p.assessed is not None]
                if rng.random() < 0.3 and scorable:
                    services.moderate(
                        assessment=a,
                        principle_number=scorable[0].number,
                        by=second,
                        agrees=True,
                        score=None,
                        reason="",
                    )
                services.outcome_share(
                    assessment=a,
                    by=assessor,
                    summaries={str(p.number): words(rng, 40).capitalize() + "." for p in ws.principles},
                    fa_deadline=datetime.date.today() + datetime.timedelta(days=21),
                )
            if state == "assessed":
                services.outcome_finalise(assessment=a, by=assessor, reason="No further comments.")
            if n % 50 == 0:
                say(f"  states: {n} of {len(self.assessment_rows)} assessments")
        say("  states: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    # Engagement activities ------------------------------------------------------------------

    def activities(self):
        """About 40 engagement activities an organisation over 12 months (and 3 ahead): planned,
        running and closed (most with what changed and when participants were told), each with
        topics and communities from the controlled lists; a local authority's in its own area."""
        from activities.models import Activity, Community, Topic
        from organisations.models import Membership

        rng = self.rng
        today = self.now.date()
        topics = list(Topic.objects.values_list("pk", flat=True))
        communities = list(Community.objects.values_list("pk", flat=True))
        methods = [value for value, _ in Activity.Method.choices]
        influences = [value for value, _ in Activity.Influence.choices]
        leads = dict(
            Membership.objects.filter(role=Membership.Role.LEAD).values_list("organisation_id", "user_id")
        )
        rows = []
        for org in self.organisations:
            for n in range(ACTIVITIES_PER_ORGANISATION):
                start = today - datetime.timedelta(days=rng.randint(-90, 365))
                end = start + datetime.timedelta(days=rng.randint(0, 60))
                closed = end < today - datetime.timedelta(days=14) and rng.random() < 0.85
                told = closed and rng.random() < 0.7
                rows.append(
                    Activity(
                        organisation=org,
                        title=f"{rng.choice(TOPICS).capitalize()} {words(rng, 3)} engagement {n + 1}",
                        purpose=words(rng, 14).capitalize() + "?",
                        method=rng.choice(methods),
                        influence=rng.choice(influences),
                        planned_start=start,
                        planned_end=end,
                        period_start=start,
                        period_end=end,
                        status="closed" if closed else ("running" if start <= today else "planned"),
                        closed_on=end if closed else None,
                        what_changed=words(rng, 12) if closed and rng.random() < 0.8 else "",
                        participants_told=told if closed else None,
                        told_on=end + datetime.timedelta(days=rng.randint(3, 90)) if told else None,
                        participants=rng.randint(10, 400) if closed else None,
                        contact_name="Engagement team",
                        contact_email=f"engagement@{org.code.lower()}.example",
                        created_by_id=leads[org.pk],
                    )
                )
        created = Activity.objects.bulk_create(rows, batch_size=2000)
        Activity.topics.through.objects.bulk_create(
            [
                Activity.topics.through(activity_id=a.pk, topic_id=t)
                for a in created
                for t in rng.sample(topics, rng.randint(1, 2))
            ],
            batch_size=5000,
        )
        Activity.communities.through.objects.bulk_create(
            [
                Activity.communities.through(activity_id=a.pk, community_id=c)
                for a in created
                for c in rng.sample(communities, rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        Activity.places.through.objects.bulk_create(
            [
                Activity.places.through(activity_id=a.pk, organisation_id=a.organisation_id)
                for a in created
                if a.organisation.type == "la"
            ],
            batch_size=5000,
        )
        say(f"  activities: {len(created)}")

    def surveys(self):
        """Surveys of the people who took part, with their responses written in bulk (the
        answering service stores one at a time, which would take hours at this size)."""
        from django.contrib.auth.models import User

        from assessments.models import AssessmentCycle
        from organisations.models import Membership, Organisation
        from principles.services import current_version
        from voices import answering, services
        from voices.models import Answer, FreeTextAnswer, QuestionSet, Response, Survey

        rng = self.rng
        today = self.now.date()
        cycle = AssessmentCycle.objects.order_by("-opens_on").first()
        question_set = QuestionSet.objects.get(version=current_version(), audience="participants")
        organisations = list(Organisation.objects.exclude(type="partner").order_by("code"))
        leads = dict(
            Membership.objects.filter(role=Membership.Role.LEAD).values_list("organisation_id", "user_id")
        )
        users = User.objects.in_bulk(leads.values())
        plan = [(organisations[0], BIG_SURVEY_RESPONSES, BIG_SURVEY_TITLE)]
        plan += [(org, SURVEY_RESPONSES, "Bench: what taking part was like") for org in organisations[::10]]
        total = 0
        for org, count, title in plan:
            lead = users[leads[org.pk]]
            survey = services.survey_create(
                organisation=org,
                cycle=cycle,
                question_set=question_set,
                questions=question_set.questions.all(),
                details=services.SurveyDetails(
                    title=title,
                    introduction=question_set.introduction,
                    easy_read_introduction="",
                    opens_on=today - datetime.timedelta(days=30),
                    closes_on=today + datetime.timedelta(days=60),
                    equality_monitoring=True,
                ),
                by=lead,
            )
            survey = services.survey_open(survey=survey, by=lead)
            steps = answering.steps_for(survey)
            responses = Response.objects.bulk_create(
                [
                    Response(survey=survey, received_on=today - datetime.timedelta(days=rng.randint(0, 29)))
                    for _ in range(count)
                ],
                batch_size=5000,
            )
            answers, free_text = [], []
            for n, response in enumerate(responses):
                for step in steps:
                    values = [value for value, _, _ in step.choices]
                    if step.kind == "free_text":
                        if n % 5 == 0:
                            review = "include" if n % 10 == 0 else "pending"
                            free_text.append(
                                FreeTextAnswer(
                                    response=response,
                                    survey=survey,
                                    question_id=step.question_id,
                                    text=words(rng, 20).capitalize() + ".",
                                    review=review,
                                )
                            )
                        continue
                    if step.is_monitoring and rng.random() < 0.1:
                        continue
                    chosen = (
                        rng.sample(values, rng.choice([1, 1, 2]))
                        if step.kind == "multiple"
                        else [rng.choices(values, weights=[9, 12, 4, 3, 1, 1])[0]]
                        if len(values) == 6 and not step.is_monitoring
                        else [rng.choice(values)]
                    )
                    answers += [
                        Answer(response=response, survey=survey, key=step.key, value=v) for v in chosen
                    ]
            Answer.objects.bulk_create(answers, batch_size=10000)
            FreeTextAnswer.objects.bulk_create(free_text, batch_size=5000)
            Survey.objects.filter(pk=survey.pk).update(response_count=count)
            if count == BIG_SURVEY_RESPONSES:
                services.survey_close(survey=survey, by=lead)
            total += count
        say(f"  surveys: {len(plan)}, responses: {total}")


def slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())[:80] or "evidence"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 0 if the data is there, 1 if not")
    args = parser.parse_args()
    configure()
    from django.core.management import call_command
    from django.db import transaction

    from organisations.models import Organisation

    if args.check:
        raise SystemExit(0 if is_seeded() else 1)
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    if is_seeded():
        print("seed_status: already seeded")
        print(f"seed_version: {SEED_VERSION}")
        return
    seeder = Seeder(random.Random(20260409))  # noqa: S311 - repeatable data, not secrets
    if marker() in UPGRADABLE:
        # The previous version's data is all there: add what this version adds.
        t = time.monotonic()
        with transaction.atomic():
            getattr(seeder, UPGRADABLE[marker()])()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        set_marker()
        say(f"seed: surveys added to an earlier seed in {time.monotonic() - t:.1f} s")
        print("seed_status: upgraded")
        print(f"seed_version: {SEED_VERSION}")
        print(f"seed_seconds: {time.monotonic() - started:.0f}")
        return
    if Organisation.objects.exists():
        raise SystemExit(
            "bench/seed.py: the database is not empty and holds no bench seed; "
            "give it an empty database (dropdb and createdb)"
        )
    steps = [
        ("people and organisations", seeder.people_and_organisations),
        ("cycles", seeder.cycles),
        ("evidence", seeder.evidence),
        ("assessments, answers and citations", seeder.assessments),
        ("submissions and reviews", seeder.states),
        ("engagement activities", seeder.activities),
        ("surveys", seeder.surveys),
    ]
    for name, step in steps:
        t = time.monotonic()
        with transaction.atomic():
            step()
        say(f"seed: {name} in {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    set_marker()
    say(f"seed: ANALYZE in {time.monotonic() - t:.1f} s")
    print("seed_status: seeded")
    print(f"seed_version: {SEED_VERSION}")
    print(f"seed_seconds: {time.monotonic() - started:.0f}")
    print(f"seed_evidence_items: {Organisation.objects.count() * len(CYCLES) * ITEMS_PER_CYCLE}")


if __name__ == "__main__":
    main()
