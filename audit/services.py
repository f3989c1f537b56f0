"""Writing to the audit trail: the one function every app calls.

Services call `record` inside the transaction that makes the change, so a change that is rolled
back leaves no record, and a record is never missing for a change that stuck. They pass who did
it (`actor`) and whose data it is (`organisation`); where the request came from (address and
path) is taken from the request `audit.middleware.AuditMiddleware` is serving, so services need
no request argument.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit.actions import ACTIONS
from audit.models import AuditEvent
from engagement_portal.lib.client_ip import client_ip
from organisations.roles import is_assessor, is_rubric_admin

# The request being served in this thread (set by AuditMiddleware), for the address and path.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)


def actor_role(user) -> str:
    """What kind of CQC or admin person this is, kept on the event as it was at the time:
    "assessor", "site_admin", "rubric_admin", or "" for everyone else (organisation members)."""
    if user.is_superuser or user.is_staff:
        return "site_admin"
    if is_assessor(user):
        return "assessor"
    if is_rubric_admin(user):
        return "rubric_admin"
    return ""


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
    organisation (or its id) whose data the event is about; `obj` the object it touched.
    `detail["object"]`, when given, names the object in words for the activity pages."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.actions.ACTIONS")
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    # The time read here, not by the field's default (bound to the function when the model was
    # imported), so that seed_demo's clock (engagement_portal/lib/demo_clock.py) dates it too.
    event = AuditEvent(action=action, summary=summary[:500], detail=dict(detail or {}), at=timezone.now())
    if actor is not None:
        event.actor_id = actor.pk
        event.actor_username = actor.get_username()
        role = actor_role(actor)
        event.actor_is_staff = bool(role)
        if role:
            event.detail["actor_role"] = role
    if organisation is not None:
        event.organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if obj is not None:
        event.object_type = obj._meta.label
        event.object_id = str(obj.pk)
    if request is not None:
        event.ip = client_ip(request)
        event.path = request.path[:500]
    event.save()
    return event
