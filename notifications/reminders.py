"""Reminders of deadlines, sent by `manage.py send_reminders` (run it daily).

This app cannot know what has a deadline (cycles, questions, draft outcomes live above it), so
the apps that do register a source here from their AppConfig.ready: a function of today's date
that calls `services.notify` for each reminder due. Each reminder's occasion names its deadline
and its threshold (such as "closing:2027-03-31:7"), so the unique idempotency key makes every
reminder go once however often the command runs, and when two processes run it at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Source = Callable[[datetime.date], int]
_sources: dict[str, Source] = {}


def register(name: str) -> Callable[[Source], Source]:
    """Decorator: `source(today)` sends the reminders due today and returns how many it made."""

    def add(source: Source) -> Source:
        _sources[name] = source
        return source

    return add


def sources() -> dict[str, Source]:
    return dict(_sources)


def threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The reminder a deadline `days_left` away is due for: the smallest threshold at or above
    it, so a day the command did not run still gets its reminder the next day (once)."""
    if days_left < 0:
        return None
    candidates = [t for t in sorted(thresholds) if days_left <= t]
    return candidates[0] if candidates else None


def run(today: datetime.date) -> dict[str, int]:
    """Every source, each in a transaction of its own: one failing stops none of the others."""
    made: dict[str, int] = {}
    for name, source in sources().items():
        try:
            with transaction.atomic():
                made[name] = source(today)
        except Exception:
            logger.exception("Reminders from %s failed", name)
            made[name] = -1
    return made
