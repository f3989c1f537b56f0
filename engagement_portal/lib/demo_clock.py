"""The clock `manage.py seed_demo` makes its demo data by, so that it reads like a cycle's work:
started in spring, answered over the summer, submitted, reviewed and assessed months apart,
rather than all at the second the command ran.

Inside `clock.at(moment)`, `django.utils.timezone.now()` (which every `auto_now` field, service
and audit event reads) returns that moment, one second later at each call so rows keep their
order; `clock.advance(timedelta)` moves it on between steps, within office hours (a no-op
outside `at`). A moment is never later than the real time: the demo's history is all in the
past. For demo data only: nothing else may change what the time is.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone


class DemoClock:
    def __init__(self) -> None:
        self._moment: datetime.datetime | None = None
        self._real = timezone.now

    @contextlib.contextmanager
    def at(self, moment: datetime.datetime) -> Iterator[DemoClock]:
        if self._moment is not None:
            raise RuntimeError("The demo clock is already running")
        self._real = timezone.now
        self._moment = min(moment, self._real() - datetime.timedelta(hours=1))
        timezone.now = self._now
        try:
            yield self
        finally:
            timezone.now = self._real
            self._moment = None

    def advance(self, delta: datetime.timedelta) -> None:
        """Move on by `delta`, into office hours: a time after 5:30pm, before 9am or at a weekend
        becomes 9am on the next working day."""
        if self._moment is not None:
            self._moment = min(office_hours(self._moment + delta), self._real())

    def _now(self) -> datetime.datetime:
        self._moment = min(self._moment + datetime.timedelta(seconds=1), self._real())
        return self._moment


clock = DemoClock()


def moment(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A time of day in the portal's time zone (London)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def office_hours(when: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(when)
    if local.time() > datetime.time(17, 30):
        local = local + datetime.timedelta(days=1)
    if local.time() > datetime.time(17, 30) or local.time() < datetime.time(9):
        local = local.replace(hour=9, minute=0, second=0, microsecond=0)
    while local.weekday() >= 5:
        local = (local + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return timezone.make_aware(local.replace(tzinfo=None))
