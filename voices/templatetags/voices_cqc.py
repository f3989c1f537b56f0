"""CQC's own surveys in the review workspace (issue 16, item 6), beside the criteria they inform.

reviews/ sits on the same floor as voices/ and imports nothing of it: its templates load these
tags (as they load `activities_tags` for the register's figures), so the review's views need not
know surveys exist, and voices/ stays free to read what it needs below it.

- `cqc_surveys_in_review`: on the workspace, links to CQC's surveys of this organisation in this
  cycle (the list says what each informs) and to start one.
- `cqc_survey_findings`: on a criterion's page, the results of each CQC survey question that
  informs that criterion, small numbers hidden as on every results page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from voices import access, answering, results
from voices.links import links_for
from voices.models import Survey

register = template.Library()


def _surveys(assessment):
    return access.cqc_surveys().filter(organisation=assessment.organisation_id, cycle=assessment.cycle_id)


@register.inclusion_tag("voices/_cqc_workspace.html")
def cqc_surveys_in_review(assessment) -> dict:
    """Links only, with no query: the workspace's page is held to 15 queries
    (tests/test_page_queries.py), and what the surveys heard is on each criterion's page."""
    here = urlencode({"organisation": assessment.organisation.code, "cycle": assessment.cycle.slug})
    return {
        "assessment": assessment,
        "list_url": f"{reverse('cqc_survey_list')}?{here}",
        "new_url": f"{reverse('cqc_survey_new')}?{here}",
    }


@register.inclusion_tag("voices/_cqc_criterion.html")
def cqc_survey_findings(assessment, code: str) -> dict:
    found = []
    for survey in _surveys(assessment).exclude(status=Survey.Status.DRAFT).order_by("created_at", "pk"):
        if not any(code in step.criteria for step in answering.steps_for(survey)):
            continue
        built = results.build(survey, include_free_text=False)
        found.append(
            {
                "survey": survey,
                "results": built,
                "tables": [table for table in built.questions if code in table.criteria],
                "url": links_for(survey).results,
            }
        )
    return {"found": found, "code": code}
