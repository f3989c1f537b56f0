"""CQC's own surveys in the review workspace (issue 16, item 6), beside the criteria they inform.

reviews/ sits on the same floor as voices/ and imports nothing of it: its templates load these
tags (as they load `activities_tags` for the register's figures), so the review's views need not
know surveys exist, and voices/ stays free to read what it needs below it.

- `cqc_surveys_in_review`: on the workspace, links to CQC's surveys of this organisation in this
  cycle (the list says what each informs) and to start one.
- `cqc_survey_findings`: on a criterion's page, the results of each CQC survey question that
  informs that criterion, small numbers hidden as on every results page.
- `cqc_heard`: on the workspace, beside each criterion in its principle's table, what CQC's
  surveys heard on it in one line a question (counts and shares, small numbers hidden). The
  workspace reads the surveys once, in one query (`_heard`): each survey's counts are cached
  under its number of respondents and its questions for as long as it is open
  (voices/results.py, voices/answering.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from voices import access, answering, results
from voices.links import links_for
from voices.models import Survey

register = template.Library()


def _surveys(assessment):
    return access.cqc_surveys().filter(organisation=assessment.organisation_id, cycle=assessment.cycle_id)


def _heard(assessment) -> dict[str, list[tuple[Survey, results.Table]]]:
    """Criterion code -> (survey, question's table) for CQC's surveys of this organisation in this
    cycle, read once per request (kept on the assessment object the page renders). The number
    of respondents is the survey's own count, kept in the same transaction as each response."""
    found = getattr(assessment, "_voices_cqc_heard", None)
    if found is not None:
        return found
    found = {}
    surveys = (
        access.cqc_surveys()
        .filter(organisation=assessment.organisation_id, cycle=assessment.cycle_id)
        .exclude(status=Survey.Status.DRAFT)
        .order_by("created_at", "pk")
    )
    for survey in surveys:
        current = results.Version(respondents=survey.response_count, population=(), free_text=())
        built = results.build(survey, include_free_text=False, current=current)
        for table in built.questions:
            for code in table.criteria:
                found.setdefault(code, []).append((survey, table))
    assessment._voices_cqc_heard = found
    return found


@register.simple_tag
def cqc_heard(assessment, code: str) -> str:
    """What CQC's surveys heard on this criterion, a line a question, or nothing."""
    lines = []
    for survey, table in _heard(assessment).get(code, []):
        # Only surveys with enough answers have tables (results.build), small counts hidden.
        answers = "; ".join(
            f"{cell.label} {'not shown' if cell.hidden else f'{cell.count} ({cell.percent}%)'}"
            for cell in table.cells
        )
        lines.append((survey.question_set.get_audience_display().lower(), table.text, answers))
    if not lines:
        return ""
    return format_html(
        '<ul class="govuk-list govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">{}</ul>',
        format_html_join(
            "",
            "<li>CQC's survey of {}: “{}”: {}.</li>",
            lines,
        ),
    )


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
