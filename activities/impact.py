"""What engagement changed (principles 2, 7 and 8): an organisation's and a system's figures over
the last 12 months.

- activities closed in the period, and how many of them recorded what changed as a result;
- the median days from closing an activity to telling its participants what changed;
- the communities engaged by activities running in the period, and those on the list not engaged;
- overlaps the portal found between activities, and how many of those were joined.

Joined activities ("joined with") are one piece of engagement, so each joined group counts once:
it is closed if any of its activities closed in the period, with a change if any recorded one,
and its participants were told on the earliest date any of them were.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Q

from activities.models import Activity, Community, Join, OverlapFound

PERIOD_DAYS = 365


@dataclass
class Figures:
    since: datetime.date
    until: datetime.date
    activities: int = 0
    closed: int = 0
    closed_with_change: int = 0
    told: int = 0
    median_days_to_tell: float | None = None
    communities_engaged: list[str] = field(default_factory=list)
    communities_not_engaged: list[str] = field(default_factory=list)
    overlaps_found: int = 0
    overlaps_joined: int = 0

    @property
    def percent_with_change(self) -> int | None:
        return round(100 * self.closed_with_change / self.closed) if self.closed else None

    @property
    def percent_joined(self) -> int | None:
        return round(100 * self.overlaps_joined / self.overlaps_found) if self.overlaps_found else None


def _groups(ids: set[int]) -> list[set[int]]:
    """The activities as joined groups (connected through Join rows among them)."""
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for first, second in Join.objects.filter(first_id__in=ids, second_id__in=ids).values_list(
        "first_id", "second_id"
    ):
        parent[root(first)] = root(second)
    groups: dict[int, set[int]] = {}
    for i in ids:
        groups.setdefault(root(i), set()).add(i)
    return list(groups.values())


def figures(organisation_ids: set[int], *, today: datetime.date) -> Figures:
    since = today - datetime.timedelta(days=PERIOD_DAYS)
    result = Figures(since=since, until=today)
    mine = Activity.objects.filter(organisation_id__in=organisation_ids)
    running = mine.filter(period_start__lte=today, period_end__gte=since)
    closed = mine.filter(status=Activity.Status.CLOSED, closed_on__gte=since, closed_on__lte=today)
    rows = {
        a["pk"]: a
        for a in (running | closed).values(
            "pk", "status", "closed_on", "what_changed", "participants_told", "told_on"
        )
    }
    groups = _groups(set(rows))
    result.activities = len(groups)
    closed_ids = set(closed.values_list("pk", flat=True))
    days: list[int] = []
    for group in groups:
        closed_members = [rows[i] for i in group if i in closed_ids]
        if not closed_members:
            continue
        result.closed += 1
        if any(m["what_changed"].strip() for m in closed_members):
            result.closed_with_change += 1
        told = [m for m in closed_members if m["participants_told"] and m["told_on"]]
        if told:
            result.told += 1
            closed_on = min(m["closed_on"] for m in closed_members)
            days.append(max(0, (min(m["told_on"] for m in told) - closed_on).days))
    result.median_days_to_tell = statistics.median(days) if days else None
    engaged = set(
        Community.objects.filter(activities__in=running.values("pk"))
        .values_list("name", flat=True)
        .distinct()
    )
    everyone = list(
        Community.objects.filter(retired=False).order_by("position", "name").values_list("name", flat=True)
    )
    result.communities_engaged = [c for c in everyone if c in engaged] + sorted(engaged - set(everyone))
    result.communities_not_engaged = [c for c in everyone if c not in engaged]
    pairs = set(
        OverlapFound.objects.filter(found_at__date__gte=since)
        .filter(
            Q(first__organisation_id__in=organisation_ids) | Q(second__organisation_id__in=organisation_ids)
        )
        .values_list("first_id", "second_id")
    )
    joined = set(
        Join.objects.filter(
            Q(first__organisation_id__in=organisation_ids) | Q(second__organisation_id__in=organisation_ids)
        ).values_list("first_id", "second_id")
    )
    result.overlaps_found = len(pairs)
    result.overlaps_joined = len(pairs & joined)
    return result
