"""The improvement plan's section of the self-assessment report (issue 18, part 3), which
assessments/report.py asks for through `assessments.report_sections` (registered in this app's
AppConfig.ready, so that floor 4 never imports floor 5).

The section shows the actions carried from earlier cycles and what happened to them (their
status, the latest progress update, CQC's rating of the cycle they came from), and the actions
that came out of this self-assessment. It is read as the plan stands when the report is rendered:
plans change after submitting, and the section says it is not part of what was submitted.
"""

from __future__ import annotations

from assessments.report_sections import ReportSection
from engagement_portal.dates import govuk_date
from engagement_portal.lib.hashing import json_sha256
from improvement import plan as plan_module
from improvement.models import Action
from reviews.models import Outcome

ANCHOR = "improvement-plan"


def _row(p: plan_module.PlannedAction) -> dict:
    action = p.action
    latest = p.latest
    return {
        "what": action.what,
        "criteria": [c.label for c in p.criteria],
        "owner": p.owner_name,
        "due": govuk_date(action.due_on),
        "status": action.get_status_display(),
        "dropped_reason": action.dropped_reason,
        "cqc_words": action.cqc_words,
        "principle": action.principle_number,
        "latest": {"on": govuk_date(latest.at), "body": latest.body} if latest else None,
        "updates": p.update_count,
    }


def section(assessment) -> ReportSection | None:
    """Four queries; None when the organisation has no actions to show for this assessment."""
    carried = plan_module.carried(assessment)
    new = plan_module.load(
        assessment.organisation,
        assessment.rubric_version,
        actions=Action.objects.filter(assessment=assessment),
        all_updates=False,
    )
    if not carried and not new:
        return None
    earlier_ids = {p.action.assessment_id for p in carried}
    ratings = {
        assessment_id: (final or {}).get("rating")
        for assessment_id, final in Outcome.objects.filter(
            review__assessment_id__in=earlier_ids, final__isnull=False
        ).values_list("review__assessment_id", "final")
    }
    cycles: dict[int, dict] = {}
    for p in carried:
        cycle = cycles.setdefault(
            p.action.assessment_id,
            {
                "label": p.action.assessment.cycle.label,
                "assessed": p.action.assessment_id in ratings,
                "rating": ratings.get(p.action.assessment_id),
                "actions": [],
            },
        )
        cycle["actions"].append(_row(p))
    data = {
        "cycle": assessment.cycle.label,
        "earlier": list(cycles.values()),
        "new": [_row(p) for p in new],
    }
    return ReportSection(
        anchor=ANCHOR,
        title="Improvement plan",
        template="pdf/_improvement.html",
        data=data,
        fingerprint=json_sha256(data),
    )
