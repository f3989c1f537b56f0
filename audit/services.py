"""Writing to the audit trail: the one function every app calls."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.actions import ACTIONS
from audit.models import AuditEvent


def _is_staff(user) -> bool:
    from assessments.roles import is_assessor, is_rubric_admin

    return bool(user.is_superuser or user.is_staff or is_assessor(user) or is_rubric_admin(user))


def record(
    action: str,
    summary: str,
    *,
    actor=None,
    organisation=None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's signed-in person; `organisation` is the
    organisation (or its id) whose data the event is about; `obj` the object it touched."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.actions.ACTIONS")
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    event = AuditEvent(action=action, summary=summary[:500], detail=detail or {})
    if actor is not None:
        event.actor_id = actor.pk
        event.actor_username = actor.get_username()
        event.actor_is_staff = _is_staff(actor)
    if organisation is not None:
        event.organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if obj is not None:
        event.object_type = obj._meta.label
        event.object_id = str(obj.pk)
    if request is not None:
        from engagement_portal.security import client_ip

        event.ip = client_ip(request)
        event.path = request.path[:500]
    event.save()
    return event
