"""Reminders of overdue improvement actions (notifications.reminders, run by `send_reminders`).

The day after an action's due date passes with the action still planned or in progress, its
owner and its organisation's leads are emailed, once per due date (a new due date starts its
reminder afresh). Actions overdue for more than OVERDUE_WINDOW_DAYS are not reminded of: the
home pages of the owner and the leads list them until they are done, dropped or given a new date.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments.notices import members
from engagement_portal.dates import govuk_date
from improvement.models import Action
from notifications import reminders
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Membership

OVERDUE_WINDOW_DAYS = 14


@reminders.register("improvement actions overdue")
def actions_overdue(today: datetime.date) -> int:
    made = 0
    actions = (
        Action.objects.filter(
            status__in=Action.OPEN,
            due_on__lt=today,
            due_on__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
        )
        .select_related("organisation", "owner")
        .order_by("due_on", "pk")
    )
    for action in actions:
        organisation = action.organisation
        people = [action.owner, *members(organisation.pk, [Membership.Role.LEAD])]
        made += len(
            notify(
                Kind.ACTION_OVERDUE,
                people,
                about=f"{organisation.name} improvement action",
                about_key=f"improvement-action:{action.pk}",
                occasion=f"overdue:{action.due_on.isoformat()}",
                organisation_id=organisation.pk,
                context={
                    "organisation": organisation.name,
                    "what": action.what,
                    "due": govuk_date(action.due_on),
                    "status": action.get_status_display().lower(),
                },
                link=reverse("improvement_plan", kwargs={"code": organisation.code}) + f"#action-{action.pk}",
            )
        )
    return made
