"""Reminders that a cycle closes soon (notifications.reminders, run by `send_reminders`).

14, 7 and 1 days before a cycle closes, the leads of every organisation in the cycle's scope
that has not submitted are reminded, once per threshold and closing date (a closing date that
changes starts its reminders afresh)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments.models import Assessment, AssessmentCycle
from assessments.notices import members
from notifications import reminders
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Membership

CLOSING_THRESHOLDS = (14, 7, 1)


@reminders.register("cycle closing")
def cycle_closing(today: datetime.date) -> int:
    made = 0
    cycles = AssessmentCycle.objects.filter(
        opens_on__lte=today, closes_on__gte=today, closes_on__lte=today + datetime.timedelta(days=14)
    )
    for cycle in cycles:
        days_left = (cycle.closes_on - today).days
        due = reminders.threshold(days_left, CLOSING_THRESHOLDS)
        if due is None:
            continue
        submitted = Assessment.objects.filter(cycle=cycle).exclude(status=Assessment.Status.DRAFT)
        for organisation in cycle.organisations_in_scope().exclude(
            pk__in=submitted.values("organisation_id")
        ):
            made += len(
                notify(
                    Kind.CYCLE_CLOSING,
                    members(organisation.pk, [Membership.Role.LEAD]),
                    about=f"{organisation.name} {cycle.label} self-assessment",
                    about_key=f"cycle:{cycle.pk}:organisation:{organisation.pk}",
                    occasion=f"closing:{cycle.closes_on.isoformat()}:{due}",
                    organisation_id=organisation.pk,
                    context={"organisation": organisation.name, "cycle": cycle.label, "days_left": days_left},
                    link=reverse(
                        "assessment_overview", kwargs={"code": organisation.code, "cycle": cycle.slug}
                    ),
                    due_on=cycle.closes_on,
                )
            )
    return made
