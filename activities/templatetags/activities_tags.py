"""The engagement register's figures beside the criteria they inform (issue 17, part 4): 2.4
(closing the loop), 5.3 (reaching the right people), principle 7 (learning and improving) and
principle 8 (coordination across the system), on the self-assessment's criterion pages and in
the assessor's workspace. As `reviews_tags` does for CQC's questions, the pages of lower floors
load this tag, so that their views need not know about the register."""

from __future__ import annotations

from django import template
from django.utils import timezone

from activities import impact
from activities.systems import system_organisation_ids

register = template.Library()


def informs(code: str) -> str:
    """Which figures a criterion gets: '' for none."""
    if code == "2.4":
        return "loop"
    if code == "5.3":
        return "reach"
    if code.startswith("7."):
        return "learning"
    if code.startswith("8."):
        return "coordination"
    return ""


@register.inclusion_tag("activities/_criterion_figures.html")
def engagement_figures(organisation, code: str, *, for_assessor: bool = False) -> dict:
    kind = informs(code)
    if not kind:
        return {"kind": ""}
    today = timezone.localdate()
    system_ids = system_organisation_ids(organisation)
    ours = impact.figures({organisation.pk}, today=today)
    return {
        "kind": kind,
        "organisation": organisation,
        "ours": ours,
        "system": impact.figures(system_ids, today=today) if len(system_ids) > 1 else None,
        "for_assessor": for_assessor,
    }
