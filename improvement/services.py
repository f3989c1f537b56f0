"""Every write to improvement plans, each in one transaction with its audit event.

The rules live in `validate` (and the status and progress checks below), which the forms call so
that each message sits beside its field, and which the services call again before storing
anything: an owner outside the organisation and its system's partners, a due date before the
action was made, criteria the rubric does not have, progress on a dropped action.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.services import record
from engagement_portal.dates import govuk_date
from improvement import plan as plan_module
from improvement.models import Action, ProgressUpdate, SuggestionDecision
from organisations.models import Membership, Organisation
from principles import cache as rubric_cache
from principles.models import RubricVersion

WHAT_MAX = 2000
UPDATE_MAX = 5000
REASON_MAX = 2000


class ActionInvalid(Exception):
    """What was asked cannot be stored: field name -> message (None for the whole form)."""

    def __init__(self, errors: dict[str | None, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class ActionData:
    criterion_codes: list[str]
    what: str
    owner_id: int | None
    due_on: datetime.date | None


def _role(user, organisation: Organisation) -> str | None:
    return (
        Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
    )


def _require_lead(user, organisation: Organisation) -> None:
    if _role(user, organisation) != Membership.Role.LEAD:
        raise PermissionDenied("Only the organisation's leads can change its improvement plan")


def criterion_choices(version: RubricVersion | None, *, keep: list[str] = ()) -> list[tuple[str, str, bool]]:
    """(code, text, in the rubric) for every criterion of `version`, then any code of `keep` (an
    action's criteria) that it no longer has, kept so that saving never drops them silently."""
    wording = rubric_cache.wording(version) if version is not None else None
    choices = [(c.code, c.text, True) for c in wording.criteria] if wording else []
    known = {code for code, _, _ in choices}
    return choices + [(code, "", False) for code in keep if code not in known]


def validate(
    organisation: Organisation,
    data: ActionData,
    *,
    version: RubricVersion | None,
    action: Action | None = None,
    today: datetime.date | None = None,
) -> dict[str | None, str]:
    errors: dict[str | None, str] = {}
    today = today or timezone.localdate()
    allowed = {
        code for code, _, _ in criterion_choices(version, keep=action.criterion_codes if action else [])
    }
    codes = list(dict.fromkeys(data.criterion_codes))
    if not codes:
        errors["criteria"] = "Choose at least one criterion the action will improve"
    else:
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            label = version.label if version is not None else "current"
            errors["criteria"] = (
                f"Criterion {unknown[0]} is not in the {label} rubric your plan uses. "
                "Choose criteria from the list"
            )
    what = data.what.strip()
    if not what:
        errors["what"] = "Say what will be done"
    elif len(what) > WHAT_MAX:
        errors["what"] = f"What will be done must be {WHAT_MAX:,} characters or fewer"
    if data.owner_id is None or data.owner_id not in dict(plan_module.owners(organisation)):
        errors["owner"] = "Choose an owner from your organisation's people or its system partners' people"
    if data.due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    else:
        made = timezone.localtime(action.created_at).date() if action is not None else today
        if data.due_on < made:
            errors["due_on"] = (
                f"The due date must be on or after the day the action was made ({govuk_date(made)})"
                if action is not None
                else "The due date must be today or in the future"
            )
        elif data.due_on > made + datetime.timedelta(days=5 * 366):
            errors["due_on"] = "The due date must be within 5 years"
    return errors


def _summary(action: Action) -> str:
    return action.what if len(action.what) <= 80 else action.what[:79] + "…"


@transaction.atomic
def action_add(
    *,
    organisation: Organisation,
    by,
    data: ActionData,
    source: str = Action.Source.ORGANISATION,
    principle_number: int | None = None,
    cqc_words: str = "",
    assessment=None,
) -> Action:
    """A new action, out of the organisation's latest submitted self-assessment (or, for one of
    CQC's areas for improvement, the assessed one it came from). Leads only."""
    _require_lead(by, organisation)
    assessment = assessment or plan_module.plan_assessment(organisation)
    if assessment is None:
        raise ActionInvalid({None: "Submit a self-assessment before you record improvement actions"})
    version = plan_module.shown_version(organisation)
    errors = validate(organisation, data, version=version)
    if errors:
        raise ActionInvalid(errors)
    now = timezone.now()
    action = Action.objects.create(
        organisation=organisation,
        assessment=assessment,
        rubric_version=version,
        criterion_codes=list(dict.fromkeys(data.criterion_codes)),
        what=data.what.strip(),
        owner_id=data.owner_id,
        due_on=data.due_on,
        status=Action.Status.PLANNED,
        status_changed_at=now,
        source=source,
        principle_number=principle_number,
        cqc_words=cqc_words,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    record(
        "improvement.action_added",
        f"Recorded an improvement action: {_summary(action)}",
        actor=by,
        organisation=organisation,
        obj=action,
        detail={
            "object": "Improvement action",
            "cycle": assessment.cycle.label,
            "criteria": action.criterion_codes,
            "due_on": action.due_on.isoformat(),
            "source": source,
        },
    )
    return action


def _lock(action: Action) -> Action:
    return Action.objects.select_for_update().get(pk=action.pk)


@transaction.atomic
def action_change(*, action: Action, by, data: ActionData) -> Action:
    """What will be done, its criteria, owner and due date. Leads only."""
    _require_lead(by, action.organisation)
    locked = _lock(action)
    version = plan_module.shown_version(locked.organisation)
    errors = validate(locked.organisation, data, version=version, action=locked)
    if errors:
        raise ActionInvalid(errors)
    before = {
        "criteria": locked.criterion_codes,
        "what": locked.what,
        "owner": locked.owner_id,
        "due_on": locked.due_on.isoformat(),
    }
    locked.criterion_codes = list(dict.fromkeys(data.criterion_codes))
    # Codes now name criteria of the version shown (those it lacks are kept as they were).
    locked.rubric_version = version or locked.rubric_version
    locked.what = data.what.strip()
    locked.owner_id = data.owner_id
    locked.due_on = data.due_on
    locked.updated_at = timezone.now()
    locked.save()
    after = {
        "criteria": locked.criterion_codes,
        "what": locked.what,
        "owner": locked.owner_id,
        "due_on": locked.due_on.isoformat(),
    }
    record(
        "improvement.action_changed",
        f"Changed an improvement action: {_summary(locked)}",
        actor=by,
        organisation=locked.organisation_id,
        obj=locked,
        detail={
            "object": "Improvement action",
            "changed": sorted(k for k in after if after[k] != before[k]),
        },
    )
    return locked


@transaction.atomic
def action_status(*, action: Action, by, status: str, reason: str = "") -> Action:
    """Planned, in progress, done, or dropped with a reason. Leads only."""
    _require_lead(by, action.organisation)
    locked = _lock(action)
    if status not in Action.Status.values:
        raise ActionInvalid({"status": "Choose a status from the list"})
    reason = reason.strip()
    if status == Action.Status.DROPPED and not reason:
        raise ActionInvalid({"reason": "Say why the action is being dropped"})
    if len(reason) > REASON_MAX:
        raise ActionInvalid({"reason": f"The reason must be {REASON_MAX:,} characters or fewer"})
    if status == locked.status and (status != Action.Status.DROPPED or reason == locked.dropped_reason):
        return locked
    before = locked.status
    now = timezone.now()
    locked.status = status
    locked.dropped_reason = reason if status == Action.Status.DROPPED else ""
    locked.status_changed_at = locked.updated_at = now
    locked.save()
    record(
        "improvement.action_status",
        f"Improvement action {locked.get_status_display().lower()}: {_summary(locked)}",
        actor=by,
        organisation=locked.organisation_id,
        obj=locked,
        detail={
            "object": "Improvement action",
            "from": before,
            "to": status,
            "reason": locked.dropped_reason,
        },
    )
    return locked


@transaction.atomic
def progress_add(*, action: Action, by, body: str, status: str = "") -> ProgressUpdate:
    """A dated progress update, optionally moving the action on (planned, in progress or done).
    Leads and contributors; never on a dropped action."""
    if _role(by, action.organisation) not in {Membership.Role.LEAD, Membership.Role.CONTRIBUTOR}:
        raise PermissionDenied("Only the organisation's leads and contributors can update progress")
    locked = _lock(action)
    if locked.status == Action.Status.DROPPED:
        raise ActionInvalid(
            {
                "body": "This action was dropped, so it takes no progress updates. "
                "A lead can change its status first if the work has started again"
            }
        )
    body = body.strip()
    errors: dict[str | None, str] = {}
    if not body:
        errors["body"] = "Say how the action is going"
    elif len(body) > UPDATE_MAX:
        errors["body"] = f"The update must be {UPDATE_MAX:,} characters or fewer"
    if status and status not in {Action.Status.PLANNED, Action.Status.IN_PROGRESS, Action.Status.DONE}:
        errors["status"] = "Choose planned, in progress or done"
    if errors:
        raise ActionInvalid(errors)
    now = timezone.now()
    moved = status if status and status != locked.status else ""
    update = ProgressUpdate.objects.create(action=locked, body=body, status_to=moved, by=by, at=now)
    locked.updated_at = now
    if moved:
        locked.status, locked.status_changed_at = moved, now
    locked.save()
    record(
        "improvement.progress",
        f"Progress update on an improvement action: {_summary(locked)}",
        actor=by,
        organisation=locked.organisation_id,
        obj=locked,
        detail={"object": "Improvement action", "status_to": moved},
    )
    return update


# ---------------------------------------------------------------------------------------------
# CQC's areas for improvement: accepted (in CQC's words or rewritten) or declined with a reason


def _undecided(organisation: Organisation, cycle: str, principle_number: int, position: int):
    from improvement import suggestions

    suggestion = suggestions.find(organisation, cycle, principle_number, position)
    if suggestion is None:
        raise ActionInvalid({None: "CQC's outcome names no such area for improvement"})
    if SuggestionDecision.objects.filter(
        assessment=suggestion.assessment, principle_number=principle_number, position=position
    ).exists():
        raise ActionInvalid({None: "A lead has already decided on this area for improvement"})
    return suggestion


@transaction.atomic
def suggestion_accept(
    *, organisation: Organisation, by, cycle: str, principle_number: int, position: int, data: ActionData
) -> Action:
    """The area becomes an action: in CQC's words, or rewritten (what will be done changed)."""
    _require_lead(by, organisation)
    # Decisions on one organisation's suggestions are made one at a time.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    suggestion = _undecided(organisation, cycle, principle_number, position)
    action = action_add(
        organisation=organisation,
        by=by,
        data=data,
        source=Action.Source.CQC,
        principle_number=principle_number,
        cqc_words=suggestion.words,
        assessment=suggestion.assessment,
    )
    rewritten = " ".join(data.what.split()) != " ".join(suggestion.words.split())
    decision = SuggestionDecision.objects.create(
        organisation=organisation,
        assessment=suggestion.assessment,
        principle_number=principle_number,
        position=position,
        words=suggestion.words,
        decision=SuggestionDecision.Decision.REWRITTEN if rewritten else SuggestionDecision.Decision.ACCEPTED,
        action=action,
        by=by,
        at=timezone.now(),
    )
    record(
        "improvement.suggestion_decided",
        f"{decision.get_decision_display()}: CQC's area for improvement in principle {principle_number}",
        actor=by,
        organisation=organisation,
        obj=decision,
        detail={"object": "Area for improvement", "decision": decision.decision, "action": action.pk},
    )
    return action


@transaction.atomic
def suggestion_decline(
    *, organisation: Organisation, by, cycle: str, principle_number: int, position: int, reason: str
) -> SuggestionDecision:
    _require_lead(by, organisation)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    suggestion = _undecided(organisation, cycle, principle_number, position)
    reason = reason.strip()
    if not reason:
        raise ActionInvalid({"reason": "Say why you are declining this area for improvement"})
    if len(reason) > REASON_MAX:
        raise ActionInvalid({"reason": f"The reason must be {REASON_MAX:,} characters or fewer"})
    decision = SuggestionDecision.objects.create(
        organisation=organisation,
        assessment=suggestion.assessment,
        principle_number=principle_number,
        position=position,
        words=suggestion.words,
        decision=SuggestionDecision.Decision.DECLINED,
        reason=reason,
        by=by,
        at=timezone.now(),
    )
    record(
        "improvement.suggestion_decided",
        f"Declined CQC's area for improvement in principle {principle_number}",
        actor=by,
        organisation=organisation,
        obj=decision,
        detail={"object": "Area for improvement", "decision": decision.decision, "reason": reason},
    )
    return decision
