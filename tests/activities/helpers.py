"""Building activities for tests: through the services, as the pages do."""

from __future__ import annotations

import datetime

from activities import services
from activities.models import Activity, Community, Topic


def topic(name: str = "Mental health") -> Topic:
    return Topic.objects.get(name=name)


def community(name: str = "Unpaid carers") -> Community:
    return Community.objects.get(name=name)


def data(**overrides) -> services.ActivityData:
    values = {
        "title": "Mental health listening events",
        "purpose": "What would make crisis support easier to reach?",
        "topic_ids": {topic().pk},
        "community_ids": {community().pk},
        "method": Activity.Method.FOCUS_GROUP,
        "influence": Activity.Influence.CONSULT,
        "planned_start": datetime.date(2027, 3, 1),
        "planned_end": datetime.date(2027, 3, 31),
        "contact_name": "Sam Patel",
        "contact_email": "sam.patel@example.org",
    }
    values.update(overrides)
    return services.ActivityData(**values)


def make(organisation, by, **overrides) -> Activity:
    return services.activity_create(organisation=organisation, by=by, data=data(**overrides))


def form_data(**overrides) -> dict:
    """What the activity form posts."""
    values = {
        "title": "Maternity voices",
        "purpose": "How should antenatal classes change?",
        "topics": [topic("Maternity and neonatal care").pk],
        "communities": [community("Women and pregnant people").pk],
        "method": "survey",
        "influence": "involve",
        "planned_start_0": "1",
        "planned_start_1": "4",
        "planned_start_2": "2027",
        "planned_end_0": "30",
        "planned_end_1": "4",
        "planned_end_2": "2027",
        "status": "planned",
        "contact_name": "Alex Jones",
        "contact_email": "alex.jones@example.org",
    }
    values.update(overrides)
    return values
