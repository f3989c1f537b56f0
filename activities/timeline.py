"""The system's activities month by month, for a page that needs no JavaScript: each month of
the range lists the activities running in it (an activity spanning three months is in each)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

MONTHS = 12


@dataclass
class Month:
    first: datetime.date
    activities: list

    @property
    def last(self) -> datetime.date:
        return add_months(self.first, 1) - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None, default: datetime.date) -> datetime.date:
    """'2027-03' as the first of March 2027; anything else, the default's month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default.replace(day=1)


def window(first: datetime.date, months: int = MONTHS) -> tuple[datetime.date, datetime.date]:
    return first, add_months(first, months) - datetime.timedelta(days=1)


def by_month(activities, first: datetime.date, months: int = MONTHS) -> list[Month]:
    """`activities` must already be limited to the window (see `window`)."""
    out = [Month(add_months(first, n), []) for n in range(months)]
    for activity in activities:
        for month in out:
            if activity.period_start <= month.last and activity.period_end >= month.first:
                month.activities.append(activity)
    return out
