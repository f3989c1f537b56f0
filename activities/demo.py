"""Demo engagement activities (`manage.py seed_demo`): two partners of one system, Northmoor and
Riverside ICS and Eastbrook County Council, planning engagement that overlaps (the same topic,
community and place within weeks: the ICS's lead sees the warning and can join them), activities
already joined, closed with what changed, and published "You said, we did" entries; and one of
Westvale's, which Eastbrook (in both systems) sees and Northmoor does not.

Made through activities/services.py, each step on the demo clock at its own date. Seeding again
changes nothing: an organisation that already has activities is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from activities import services
from activities.models import Activity, Community, Topic
from activities.systems import system_organisation_ids, system_partners, system_places
from engagement_portal.lib.demo_clock import clock, moment, office_hours
from organisations.models import Membership


@dataclass
class Demo:
    key: str
    organisation: str  # code
    by: str  # username
    title: str
    purpose: str
    topics: list[str]
    communities: list[str]
    method: str
    influence: str
    start: int  # days from today
    days: int
    contact: tuple[str, str]
    places: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    status: str = "planned"
    participants: int | None = None
    profile: str = ""
    heard: str = ""
    changed: str = ""
    told_after: int | None = None  # days after closing
    notes: str = ""
    publish: tuple[str, str, str] | None = None
    join: str = ""  # the key of an activity this one joined


NORTHMOOR = ("Priya Shah", "priya.shah@northmoor-ics.example")
EASTBROOK = ("Tom Okafor", "tom.okafor@eastbrook.example")
WESTVALE = ("Grace Evans", "grace.evans@westvale-ics.example")

DEMOS = [
    Demo(
        "ics-urgent",
        "QZ1",
        "lead.northmoor",
        "Getting the right urgent care first time",
        "What would help people in Eastbrook choose between NHS 111, their GP practice, pharmacies and A&E?",
        ["Urgent and emergency care"],
        ["Older people (65 and over)", "Unpaid carers"],
        "focus_group",
        "consult",
        start=40,
        days=30,
        contact=NORTHMOOR,
        places=["E99000001"],
        notes="Budget agreed at the October engagement group. Venues to book in Eastbrook and Ashford.",
    ),
    Demo(
        "la-urgent",
        "E99000001",
        "lead.eastbrook",
        "Older residents' survey on urgent and emergency care",
        "How do older residents get urgent help, and what gets in the way?",
        ["Urgent and emergency care", "Social care"],
        ["Older people (65 and over)"],
        "survey",
        "consult",
        start=55,
        days=42,
        contact=EASTBROOK,
        places=["E99000001"],
        partners=["QZ1"],
    ),
    Demo(
        "ics-crisis",
        "QZ1",
        "lead.northmoor",
        "Mental health crisis support listening events",
        "What would make crisis support easier to reach out of hours?",
        ["Mental health"],
        ["People who use services", "Unpaid carers"],
        "public_meeting",
        "involve",
        start=-200,
        days=30,
        contact=NORTHMOOR,
        status="closed",
        participants=86,
        profile="86 people at four events: 52 who had used crisis services, 34 carers.",
        heard="Waiting on hold at night; not knowing which number to call; wanting someone who had been "
        "through it.",
        changed="The crisis line now answers until midnight, one number replaces three, and peer "
        "supporters staff the evening line.",
        told_after=21,
        publish=(
            "We asked what would make mental health crisis support easier to reach out of hours.",
            "You told us that waiting on hold at night was hard, that three different numbers were "
            "confusing, and that you wanted to talk to someone who had been through it.",
            "The crisis line now answers until midnight, one number replaces the three, and peer "
            "supporters answer the evening line.",
        ),
    ),
    Demo(
        "la-carers",
        "E99000001",
        "lead.eastbrook",
        "Unpaid carers' breaks: what works",
        "What kind of break from caring would help most, and how should it be booked?",
        ["Social care"],
        ["Unpaid carers"],
        "workshop",
        "collaborate",
        start=-150,
        days=20,
        contact=EASTBROOK,
        places=["E99000001"],
        status="closed",
        participants=44,
        heard="Carers wanted breaks they could book at short notice, and somewhere to go that was not a "
        "care home.",
        changed="Short-notice breaks can now be booked online, and two day centres open on Saturdays.",
        told_after=35,
        publish=(
            "We asked unpaid carers what kind of break from caring would help most.",
            "You told us you needed breaks you could book at short notice, somewhere other than a care home.",
            "You can now book short-notice breaks online, and two day centres in Eastbrook open on "
            "Saturdays.",
        ),
    ),
    Demo(
        "ics-carers",
        "QZ1",
        "contributor.northmoor",
        "Carers' experience of hospital discharge",
        "What do carers need to know and have in place when the person they care for leaves hospital?",
        ["Hospital discharge"],
        ["Unpaid carers"],
        "interviews",
        "consult",
        start=-145,
        days=25,
        contact=NORTHMOOR,
        places=["E99000001"],
        status="closed",
        participants=31,
        heard="Carers were told about discharge on the day, with no time to arrange support at home.",
        changed="Wards now tell carers 48 hours before discharge, and give them a named contact.",
        told_after=60,
        join="la-carers",
    ),
    Demo(
        "ics-vaccines",
        "QZ1",
        "lead.northmoor",
        "Winter vaccination drop-ins",
        "When and where would people come for a winter vaccination?",
        ["Prevention and public health"],
        ["Older people (65 and over)", "The general public"],
        "outreach",
        "inform",
        start=-90,
        days=20,
        contact=NORTHMOOR,
        status="closed",
        participants=120,
        changed="Weekend clinics added in three towns.",
        told_after=None,
    ),
    Demo(
        "ics-maternity",
        "QZ1",
        "contributor.northmoor",
        "Maternity voices survey",
        "How should antenatal classes change?",
        ["Maternity and neonatal care"],
        ["Women and pregnant people"],
        "survey",
        "involve",
        start=-10,
        days=50,
        contact=NORTHMOOR,
        status="running",
    ),
    Demo(
        "westvale-urgent",
        "QZ2",
        "lead.westvale",
        "Urgent care access in Harbourside",
        "What stops people using the urgent treatment centre?",
        ["Urgent and emergency care"],
        ["The general public"],
        "online",
        "consult",
        start=70,
        days=30,
        contact=WESTVALE,
        places=["E99000002"],
    ),
]


def seed_activities(organisations: dict, users: dict) -> None:
    today = timezone.localdate()
    topics = {t.name: t.pk for t in Topic.objects.all()}
    communities = {c.name: c.pk for c in Community.objects.all()}
    made: dict[str, Activity] = {}
    for demo in DEMOS:
        organisation = organisations.get(demo.organisation)
        user = users.get(demo.by)
        if organisation is None or user is None:
            continue
        existing = Activity.objects.filter(organisation=organisation, title=demo.title).first()
        if existing is not None:
            made[demo.key] = existing
            continue
        start = today + datetime.timedelta(days=demo.start)
        end = start + datetime.timedelta(days=demo.days)
        allowed_places = {o.code: o.pk for o in system_places(organisation)}
        allowed_partners = {o.code: o.pk for o in system_partners(organisation)}
        data = services.ActivityData(
            title=demo.title,
            purpose=demo.purpose,
            topic_ids={topics[name] for name in demo.topics},
            community_ids={communities[name] for name in demo.communities},
            place_ids={allowed_places[code] for code in demo.places if code in allowed_places},
            partner_ids={allowed_partners[code] for code in demo.partners if code in allowed_partners},
            method=demo.method,
            influence=demo.influence,
            planned_start=start,
            planned_end=end,
            actual_start=start if demo.status != "planned" else None,
            status="running" if demo.status == "closed" else demo.status,
            participants=demo.participants,
            participant_profile=demo.profile,
            what_heard=demo.heard,
            internal_notes=demo.notes,
            contact_name=demo.contact[0],
            contact_email=demo.contact[1],
        )
        planned_on = min(start - datetime.timedelta(days=30), today - datetime.timedelta(days=1))
        with clock.at(office_hours(moment(planned_on.year, planned_on.month, planned_on.day))):
            activity = services.activity_create(organisation=organisation, by=user, data=data)
        if demo.status == "closed":
            told_on = end + datetime.timedelta(days=demo.told_after) if demo.told_after is not None else None
            # Closed once participants had been told (closing records when they were).
            closing_day = min(told_on or end + datetime.timedelta(days=7), today - datetime.timedelta(days=1))
            with clock.at(office_hours(moment(closing_day.year, closing_day.month, closing_day.day))):
                activity = services.activity_close(
                    activity=activity,
                    by=user,
                    closing=services.Closing(demo.changed, told_on is not None, told_on, end),
                )
            if demo.publish and told_on:
                publish_day = min(told_on, today - datetime.timedelta(days=1))
                membership = Membership.objects.filter(organisation=organisation, role="lead").first()
                lead = membership.user if membership else user
                with clock.at(office_hours(moment(publish_day.year, publish_day.month, publish_day.day, 14))):
                    services.activity_publish(
                        activity=activity, by=lead, words=services.PublicWords(*demo.publish)
                    )
        made[demo.key] = activity
        if demo.join and demo.join in made:
            other = made[demo.join]
            if other.organisation_id in system_organisation_ids(organisation):
                services.activity_join(activity=activity, other=other, by=user)


def summary_lines() -> list[str]:
    return [
        f"{a.organisation.name}: “{a.title}”, {a.get_status_display().lower()}"
        + (", published" if hasattr(a, "publication") and a.publication.is_live else "")
        for a in Activity.objects.select_related("organisation", "publication").order_by(
            "organisation__name", "pk"
        )
    ]
