"""Background work on self-assessments: rendering a submission's PDF report.

Queued here (`request_submission_report`) the first time someone asks for a submission's report;
the render itself is `report.store_submission_report`. Runs in
`manage.py db_worker` in production, in-process as it is queued on developers' machines and in
tests (see TASKS in settings). Safe to run twice: a report already stored is left alone.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from assessments import report
from assessments.models import RenderedReport, Submission

logger = logging.getLogger(__name__)

# A render still pending after this long is taken to be lost with its worker, and queued again.
LOST_AFTER = datetime.timedelta(minutes=10)


@task()
def render_submission_report(report_id: int) -> str:
    """Render and store one RenderedReport. Returns "ready", "failed", "stale" or "missing"."""
    return report.store_submission_report(report_id)


def request_submission_report(submission: Submission) -> RenderedReport:
    """The report of this submission: ready, or queued to be rendered.

    Queues a render the first time, after a failure, and when a pending render looks lost. Two
    requests at once queue it once: the unique key makes the second find the first's row, and a
    re-queue only happens for the request whose conditional update changed the row."""
    existing = report.submission_report(submission)
    if existing is not None and existing.status == RenderedReport.Status.READY:
        return existing
    now = timezone.now()
    if existing is None:
        row, queue = RenderedReport.objects.get_or_create(
            **report.report_key(submission), defaults={"requested_at": now}
        )
    else:
        row = existing
        lost = row.status == RenderedReport.Status.PENDING and row.requested_at < now - LOST_AFTER
        queue = (row.status == RenderedReport.Status.FAILED or lost) and bool(
            RenderedReport.objects.filter(pk=row.pk, status=row.status, requested_at=row.requested_at).update(
                status=RenderedReport.Status.PENDING, requested_at=now, detail=""
            )
        )
    if queue:
        try:
            render_submission_report.enqueue(row.pk)
        except Exception:
            logger.exception("Could not queue the report of %s", submission)
            RenderedReport.objects.filter(pk=row.pk).update(
                status=RenderedReport.Status.FAILED, detail="Could not be queued"
            )
        row.refresh_from_db()
    return row
