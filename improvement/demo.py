"""Demo improvement plan for `manage.py seed_demo` (issue 18): Northmoor and Riverside ICS's
2025/26 self-assessment and CQC's outcome became actions, carried into its 2026/27 self-
assessment. All through the services, on the demo clock, and idempotent (nothing is added once
Northmoor has any action).

- April 2026, after submitting: two actions of the organisation's own;
- June 2026, once CQC's outcome was final: two of CQC's areas for improvement accepted (one
  rewritten in the organisation's words), one declined with a reason;
- over the summer and autumn: progress updates, one action done, one dropped, one overdue, and
  two with no update yet this cycle (check your answers lists them).
"""

from __future__ import annotations

import datetime

from assessments.models import Assessment, AssessmentCycle
from engagement_portal.lib.demo_clock import clock, moment
from improvement import services
from improvement import suggestions as suggestions_module
from improvement.models import Action


def _data(codes, what, owner, due):
    return services.ActionData(criterion_codes=list(codes), what=what, owner_id=owner.pk, due_on=due)


def seed_improvement(organisations: dict, people: dict) -> None:
    northmoor = organisations.get("QZ1")
    if northmoor is None or Action.objects.filter(organisation=northmoor).exists():
        return
    cycle = AssessmentCycle.objects.filter(slug="2025-26").first()
    assessed = Assessment.objects.filter(organisation=northmoor, cycle=cycle).first()
    if assessed is None or assessed.status != Assessment.Status.ASSESSED:
        return
    lead, ben = people["lead.northmoor"], people["contributor.northmoor"]
    kiran = people.get("contributor.healthwatch", ben)
    hour = datetime.timedelta(hours=1)

    # After submitting in March: the lead's own actions.
    with clock.at(moment(2026, 4, 14, 10)):
        board = services.action_add(
            organisation=northmoor,
            by=lead,
            data=_data(
                ("1.1", "3.2"),
                "Add a standing item on engagement to every partnership board agenda, with the "
                "decisions it informed",
                lead,
                datetime.date(2026, 9, 30),
            ),
        )
        clock.advance(hour)
        panel = services.action_add(
            organisation=northmoor,
            by=lead,
            data=_data(
                ("5.2", "5.3"),
                "Recruit young people and people from ethnic minority communities to the residents' panel",
                kiran,
                datetime.date(2026, 10, 31),
            ),
        )

    # Once CQC's outcome was final (27 May): its areas for improvement.
    areas = {(s.principle_number, s.position): s for s in suggestions_module.waiting(northmoor)}
    evaluate = tell = None
    with clock.at(moment(2026, 6, 3, 11)):
        if (7, 1) in areas:
            evaluate = services.suggestion_accept(
                organisation=northmoor,
                by=lead,
                cycle="2025-26",
                principle_number=7,
                position=1,
                data=_data(("7.1", "7.3"), areas[(7, 1)].words, ben, datetime.date(2027, 1, 31)),
            )
            clock.advance(hour)
        if (2, 1) in areas:
            tell = services.suggestion_accept(
                organisation=northmoor,
                by=lead,
                cycle="2025-26",
                principle_number=2,
                position=1,
                data=_data(
                    ("2.3", "2.4"),
                    "Tell participants within eight weeks what their views changed, and what could not "
                    "change and why",
                    ben,
                    datetime.date(2026, 12, 18),
                ),
            )
            clock.advance(hour)
        if (6, 1) in areas:
            services.suggestion_decline(
                organisation=northmoor,
                by=lead,
                cycle="2025-26",
                principle_number=6,
                position=1,
                reason="Westvale and Northmoor's joint accessibility review already covers online-only "
                "engagement; it reports in March 2027.",
            )

    # Progress over the summer and autumn, in the 2026/27 cycle.
    with clock.at(moment(2026, 7, 8, 14)):
        services.progress_add(
            action=board,
            by=lead,
            body="Engagement is now a standing item; the June board recorded two decisions it informed.",
            status=Action.Status.IN_PROGRESS,
        )
    with clock.at(moment(2026, 9, 24, 10)):
        services.progress_add(
            action=board,
            by=lead,
            body="Every board since June has had the item, with the decisions minuted.",
            status=Action.Status.DONE,
        )
    with clock.at(moment(2026, 8, 19, 15)):
        services.progress_add(
            action=panel,
            by=kiran,
            body="Healthwatch ran two recruitment sessions with youth groups; 6 new members so far, "
            "against 20 hoped for.",
            status=Action.Status.IN_PROGRESS,
        )
    if evaluate is not None:
        with clock.at(moment(2026, 9, 2, 11)):
            services.action_status(
                action=evaluate,
                by=lead,
                status=Action.Status.DROPPED,
                reason="Folded into the system-wide evaluation framework the partnership adopted in August.",
            )
    # `tell` has no update yet this cycle, nor has the panel since it went overdue.
    del tell
