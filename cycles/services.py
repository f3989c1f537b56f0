"""Writes to cycles: create, change dates, close. Keyword-only, one transaction each; each checks
that the person is a cycle manager, records a CycleChange and an audit event, and (for new
dates) tells everyone in the cycle's scope once the change commits.

Refused, with words a cycle manager can act on: a closing date before the opening date; dates
that overlap another cycle asking any of the same organisations; a rubric version that is not
published (a draft, or retired); when changing dates, a date in the past.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import AssessmentCycle, CycleChange
from assessments.notices import members
from audit.services import record
from cycles.access import is_cycle_manager
from engagement_portal.dates import govuk_date
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Membership, Organisation
from principles.models import RubricVersion


class CycleRefused(Exception):
    """The cycle cannot be saved; `errors` maps each form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass
class Scope:
    kind: str = AssessmentCycle.Scope.ALL
    types: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)


def slug_for(label: str) -> str:
    return slugify(label.replace("/", "-"))[:20]


def _require_manager(user) -> None:
    if not is_cycle_manager(user):
        raise PermissionDenied("Only CQC's cycle managers can do this")


def scope_ids(scope: Scope) -> set[int]:
    probe = AssessmentCycle(
        scope=scope.kind,
        scope_types=scope.types,
        scope_regions=scope.regions,
        scope_organisation_ids=scope.organisation_ids,
    )
    return set(probe.organisations_in_scope().values_list("pk", flat=True))


def overlapping(
    *, opens_on: datetime.date, closes_on: datetime.date, organisation_ids: set[int], exclude_pk=None
) -> tuple[AssessmentCycle, list[Organisation]] | None:
    """The first other cycle whose dates overlap these and that asks any of these organisations,
    with the organisations both ask."""
    others = AssessmentCycle.objects.filter(opens_on__lte=closes_on, closes_on__gte=opens_on, closed_at=None)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others.order_by("opens_on"):
        shared = other.organisations_in_scope().filter(pk__in=organisation_ids).order_by("name")
        if shared.exists():
            return other, list(shared[:3])
    return None


def _check_dates(opens_on, closes_on, errors: dict[str, str]) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = "The closing date must be the same as or after the opening date"


def _overlap_message(found) -> str:
    other, shared = found
    names = ", ".join(o.name for o in shared)
    return (
        f"These dates overlap the {other.label} cycle ({govuk_date(other.opens_on)} to "
        f"{govuk_date(other.closes_on)}), which already asks some of the same organisations, such as "
        f"{names}. Change the dates or the organisations"
    )


@transaction.atomic
def cycle_create(
    *,
    by,
    label: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    rubric_version: RubricVersion | None,
    scope: Scope,
    reply_by_working_days: int,
    factual_accuracy_days: int,
) -> AssessmentCycle:
    _require_manager(by)
    label = label.strip()
    errors: dict[str, str] = {}
    slug = slug_for(label)
    if not slug:
        errors["label"] = 'Enter a name such as "2027/28"'
    elif (
        AssessmentCycle.objects.filter(label__iexact=label).exists()
        or AssessmentCycle.objects.filter(slug=slug).exists()
    ):
        errors["label"] = f"There is already a cycle called {label}"
    _check_dates(opens_on, closes_on, errors)
    if closes_on and closes_on < timezone.localdate():
        errors.setdefault("closes_on", "The closing date must be today or in the future")
    if rubric_version is None:
        errors["rubric_version"] = "Choose the rubric version the cycle uses"
    elif rubric_version.status != RubricVersion.Status.PUBLISHED:
        errors["rubric_version"] = (
            f"Rubric version {rubric_version.label} is {rubric_version.get_status_display().lower()}: "
            "choose a published version"
        )
    ids = scope_ids(scope)
    if scope.kind == AssessmentCycle.Scope.TYPE and not scope.types:
        errors["scope_types"] = "Choose at least one type of organisation"
    elif scope.kind == AssessmentCycle.Scope.REGION and not scope.regions:
        errors["scope_regions"] = "Choose at least one region"
    elif scope.kind == AssessmentCycle.Scope.PICKED and not scope.organisation_ids:
        errors["scope_organisations"] = "Choose at least one organisation"
    elif not ids:
        errors["scope"] = "No organisation is in this scope: choose another"
    if not 1 <= reply_by_working_days <= 60:
        errors["reply_by_working_days"] = "The reply-by period must be from 1 to 60 working days"
    if not 1 <= factual_accuracy_days <= 60:
        errors["factual_accuracy_days"] = "The factual-accuracy period must be from 1 to 60 days"
    if not errors:
        found = overlapping(opens_on=opens_on, closes_on=closes_on, organisation_ids=ids)
        if found:
            errors["opens_on"] = _overlap_message(found)
    if errors:
        raise CycleRefused(errors)
    cycle = AssessmentCycle.objects.create(
        label=label,
        slug=slug,
        opens_on=opens_on,
        closes_on=closes_on,
        rubric_version=rubric_version,
        scope=scope.kind,
        scope_types=sorted(scope.types) if scope.kind == AssessmentCycle.Scope.TYPE else [],
        scope_regions=sorted(scope.regions) if scope.kind == AssessmentCycle.Scope.REGION else [],
        scope_organisation_ids=sorted(ids) if scope.kind == AssessmentCycle.Scope.PICKED else [],
        reply_by_working_days=reply_by_working_days,
        factual_accuracy_days=factual_accuracy_days,
        created_by=by,
        created_at=timezone.now(),
    )
    CycleChange.objects.create(
        cycle=cycle, kind=CycleChange.Kind.CREATED, to_opens_on=opens_on, to_closes_on=closes_on, by=by
    )
    record(
        "cycle.created",
        f"Created the {label} cycle, open {govuk_date(opens_on)} to {govuk_date(closes_on)}",
        actor=by,
        obj=cycle,
        detail={
            "object": f"{label} cycle",
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
        },
    )
    return cycle


@transaction.atomic
def cycle_change_dates(
    *, cycle: AssessmentCycle, by, opens_on: datetime.date, closes_on: datetime.date
) -> AssessmentCycle:
    """New dates, recorded, and everyone in the cycle's scope told (once per new pair of dates)."""
    _require_manager(by)
    locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if locked.is_closed:
        errors["closes_on"] = "This cycle is closed, so its dates cannot change"
    _check_dates(opens_on, closes_on, errors)
    if opens_on != locked.opens_on and opens_on < today:
        errors["opens_on"] = "The new opening date must be today or in the future"
    if closes_on < today:
        errors.setdefault("closes_on", "The new closing date must be today or in the future")
    if (opens_on, closes_on) == (locked.opens_on, locked.closes_on):
        errors["opens_on"] = "These are the cycle's dates already: change at least one"
    if not errors:
        found = overlapping(
            opens_on=opens_on,
            closes_on=closes_on,
            organisation_ids=set(locked.organisations_in_scope().values_list("pk", flat=True)),
            exclude_pk=locked.pk,
        )
        if found:
            errors["opens_on"] = _overlap_message(found)
    if errors:
        raise CycleRefused(errors)
    before = (locked.opens_on, locked.closes_on)
    locked.opens_on, locked.closes_on = opens_on, closes_on
    locked.save(update_fields=["opens_on", "closes_on"])
    CycleChange.objects.create(
        cycle=locked,
        kind=CycleChange.Kind.DATES,
        from_opens_on=before[0],
        from_closes_on=before[1],
        to_opens_on=opens_on,
        to_closes_on=closes_on,
        by=by,
    )
    record(
        "cycle.dates_changed",
        f"Changed the {locked.label} cycle's dates from {govuk_date(before[0])} to {govuk_date(before[1])} "
        f"to {govuk_date(opens_on)} to {govuk_date(closes_on)}",
        actor=by,
        obj=locked,
        detail={
            "object": f"{locked.label} cycle",
            "from": [before[0].isoformat(), before[1].isoformat()],
            "to": [opens_on.isoformat(), closes_on.isoformat()],
        },
    )
    for organisation in locked.organisations_in_scope():
        notify(
            Kind.CYCLE_DATES_CHANGED,
            members(organisation.pk, [Membership.Role.LEAD, Membership.Role.CONTRIBUTOR]),
            about=f"The {locked.label} cycle",
            about_key=f"cycle:{locked.pk}:organisation:{organisation.pk}",
            occasion=f"dates:{opens_on.isoformat()}:{closes_on.isoformat()}",
            organisation_id=organisation.pk,
            context={
                "organisation": organisation.name,
                "cycle": locked.label,
                "opens_on": govuk_date(opens_on),
                "closes_on": govuk_date(closes_on),
                "previous": f"{govuk_date(before[0])} to {govuk_date(before[1])}",
            },
            link=reverse("assessment_list", kwargs={"code": organisation.code}),
            due_on=closes_on,
        )
    cycle.opens_on, cycle.closes_on = opens_on, closes_on
    return locked


@transaction.atomic
def cycle_close(*, cycle: AssessmentCycle, by) -> AssessmentCycle:
    """Close the cycle now: nobody can start or submit in it any more."""
    _require_manager(by)
    locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.is_closed:
        raise CycleRefused({"confirm": "This cycle is closed already"})
    locked.closed_at, locked.closed_by = timezone.now(), by
    locked.save(update_fields=["closed_at", "closed_by"])
    CycleChange.objects.create(cycle=locked, kind=CycleChange.Kind.CLOSED, by=by)
    record(
        "cycle.closed",
        f"Closed the {locked.label} cycle",
        actor=by,
        obj=locked,
        detail={"object": f"{locked.label} cycle"},
    )
    cycle.closed_at = locked.closed_at
    return locked
