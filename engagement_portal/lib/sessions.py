"""Ending people's sessions: signing them out everywhere at once, such as when their last
membership goes or they are deactivated."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(*, user_ids: Iterable[int], keep: str | None = None) -> int:
    """Delete every live session of these people, signing them out everywhere at once.

    Django does not index sessions by person, so this decodes each unexpired session row. At
    this portal's scale (a few hundred people, sessions of at most 12 hours) that is a few
    thousand rows at most, and it only runs when access changes (a site admin removes it, or a
    person sets up or turns off two-factor authentication). `keep` is a session key to leave
    alone (the person's own, current session). Returns how many sessions ended.
    """
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.pk != keep and session.get_decoded().get(SESSION_KEY) in wanted
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
