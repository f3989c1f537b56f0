"""The improvement plan beside the criteria it improves (issue 18, parts 2 and 3): on the next
cycle's self-assessment (criterion pages, check your answers, the overview) and in the assessor's
workspace. As `activities_tags` does for the engagement register, the pages of lower floors load
these tags, so that their views (assessments/, reviews/) need not know about improvement plans.

Each tag reads the carried actions in a fixed number of queries (improvement/plan.py).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone

from improvement import plan as plan_module

register = template.Library()


def _carried(context, assessment) -> list[plan_module.PlannedAction]:
    """Read once per page, however many tags on it ask (kept on the page's assessment object,
    which lives as long as the request)."""
    found = getattr(assessment, "_improvement_carried", None)
    if found is None:
        found = assessment._improvement_carried = plan_module.carried(assessment)
    return found


@register.inclusion_tag("improvement/_criterion_actions.html", takes_context=True)
def criterion_actions(
    context, assessment, code: str, *, can_update: bool = False, for_assessor: bool = False
) -> dict:
    """Last cycle's open and recently finished actions for this criterion, asking how each went
    (a progress update) of people who may write one."""
    planned = plan_module.for_criterion(_carried(context, assessment), code)
    back = f"{assessment.cycle.slug}:{code}"
    for p in planned:
        p.updated_this_cycle = p.updated_since(assessment.started_at)
        p.progress_url = (
            reverse(
                "improvement_action_progress",
                kwargs={"code": assessment.organisation.code, "action_id": p.action.pk},
            )
            + f"?back={back}"
        )
    return {
        "planned": planned,
        "assessment": assessment,
        "code": code,
        "can_update": can_update and not for_assessor,
        "for_assessor": for_assessor,
        "today": timezone.localdate(),
    }


@register.inclusion_tag("improvement/_check_actions.html", takes_context=True)
def actions_without_update(context, assessment) -> dict:
    """For check your answers: carried actions with no progress update this cycle."""
    return {
        "waiting": plan_module.without_update(_carried(context, assessment), assessment),
        "assessment": assessment,
    }


@register.inclusion_tag("improvement/_overview_progress.html", takes_context=True)
def plan_progress(context, assessment, previous=None, principles=()) -> dict:
    """For the overview: how far the actions carried from earlier cycles have got, and, beside the
    earlier cycle's scores, the actions per principle of the rubric version shown (named from
    `principles`, the overview's rows, when given)."""
    titles = {str(p.principle.number): p.principle.title for p in principles}
    planned = _carried(context, assessment)
    today = timezone.localdate()
    by_principle: dict[str, list] = {}
    for p in planned:
        numbers = sorted({c.code.split(".")[0] for c in p.criteria}, key=lambda n: (len(n), n))
        for number in numbers:
            by_principle.setdefault(number, []).append(p)
    return {
        "assessment": assessment,
        "previous": previous,
        "progress": plan_module.Progress.of(planned, today),
        "without_update": len(plan_module.without_update(planned, assessment)),
        "by_principle": [
            (number, titles.get(number, ""), plan_module.Progress.of(rows, today))
            for number, rows in sorted(by_principle.items(), key=lambda item: (len(item[0]), item[0]))
        ],
    }
