"""Dates and times in the one GOV.UK style the portal uses everywhere: "2 December 2026",
"1:15pm", "10am", "midday", "midnight" (GOV.UK style guide: no leading zeros, 12-hour clock,
lower-case am and pm, no ":00").

Every template reaches these through the built-in filters `govuk_date`, `govuk_time` and
`govuk_datetime` (engagement_portal/templatetags/govuk_dates.py, registered as builtins in
settings), and Python code that puts a date into words calls them directly. A date-time is
shown in the portal's time zone (Europe/London), as Django's own `date` filter would.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays
from django.utils import timezone

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def as_date(value) -> datetime.date | None:
    """A date from a date, a date-time (in the portal's time zone) or an ISO string such as a
    snapshot's evidence date ("2026-03-12"); None for anything else."""
    if isinstance(value, datetime.datetime):
        return _local(value).date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def govuk_date(value) -> str:
    """ "2 December 2026". A string that is not an ISO date is returned as it is (never lost);
    None or an empty value gives ""."""
    day = as_date(value)
    if day is None:
        return value if isinstance(value, str) else ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def govuk_month(value) -> str:
    """ "March 2026": a month, for periods."""
    day = as_date(value)
    return f"{MONTHS[day.month - 1]} {day.year}" if day else ""


def govuk_time(value) -> str:
    """ "1:15pm", "10am", "midday", "midnight"."""
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    if not isinstance(value, datetime.time):
        return ""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def govuk_datetime(value) -> str:
    """ "2 December 2026 at 1:15pm"."""
    if not isinstance(value, datetime.datetime):
        return govuk_date(value)
    return f"{govuk_date(value)} at {govuk_time(value)}"


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not a bank holiday in England (substitute days included)."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """`days` working days after `start` (weekends and England's bank holidays not counted)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
