"""Background work on self-assessments: rendering a submission's PDF report.

Queued by assessments/report.py the first time someone asks for a submission's report; runs in
`manage.py db_worker` in production, in-process as it is queued on developers' machines and in
tests (see TASKS in settings). Safe to run twice: a report already stored is left alone.
"""

from __future__ import annotations

from django_tasks import task

from assessments import report


@task()
def render_submission_report(report_id: int) -> str:
    """Render and store one RenderedReport. Returns "ready", "failed", "stale" or "missing"."""
    return report.store_submission_report(report_id)
