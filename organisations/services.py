"""Every write about organisations and their people goes through here.

The legal hold (records management: while it is on, the retention policy in `records/` deletes
nothing of the organisation's) is a field of Organisation; site administration sets and lifts it
through these, which record who and when in the audit trail."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import record
from organisations.models import Organisation


def organisation_legal_hold_set(
    *, organisation: Organisation, reason: str, by, request: HttpRequest | None = None
) -> Organisation:
    """Put an organisation under a legal hold (or change the reason for one): from now on the
    retention policy deletes nothing of its. Recorded in the audit trail with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A legal hold needs a reason.")
    with transaction.atomic():
        held = Organisation.objects.select_for_update().get(pk=organisation.pk)
        already = held.legal_hold
        held.legal_hold, held.legal_hold_reason = True, reason
        held.legal_hold_set_by, held.legal_hold_set_at = by, timezone.now()
        held.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"])
        summary = "Legal hold reason changed" if already else "Legal hold set"
        record(
            "organisation.legal_hold_set",
            f"{summary} on {held.name}: {reason}",
            actor=by,
            organisation=held,
            obj=held,
            request=request,
            detail={"reason": reason},
        )
    return held


def organisation_legal_hold_lift(
    *, organisation: Organisation, by, request: HttpRequest | None = None
) -> Organisation:
    """Lift a legal hold: retention applies to the organisation again from its next run."""
    with transaction.atomic():
        held = Organisation.objects.select_for_update().get(pk=organisation.pk)
        reason = held.legal_hold_reason
        held.legal_hold, held.legal_hold_reason = False, ""
        held.legal_hold_set_by, held.legal_hold_set_at = by, timezone.now()
        held.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"])
        record(
            "organisation.legal_hold_lifted",
            f"Legal hold lifted on {held.name}",
            actor=by,
            organisation=held,
            obj=held,
            request=request,
            detail={"reason": reason},
        )
    return held
