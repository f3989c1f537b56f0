"""Render an assessment's PDF report to a file: the latest submission's, or a draft of the live
answers if it has never been submitted.

    manage.py render_report ASSESSMENT_ID --output FILE.pdf

A submission's report is rendered afresh from its snapshot (it does not use or fill the stored
copy the web pages serve), so this also shows what a change to the report template does.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import report
from assessments.models import Assessment


class Command(BaseCommand):
    help = "Render an assessment's report (latest submission, else a draft) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int, help="The assessment's id (see site administration).")
        parser.add_argument("--output", "-o", required=True, type=Path, help="Where to write the PDF.")

    def handle(self, *args, assessment_id: int, output: Path, **options):
        assessment = (
            Assessment.objects.select_related("organisation", "cycle", "rubric_version", "started_by")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            raise CommandError(f"There is no assessment with id {assessment_id}.")
        submission = assessment.submissions.order_by("-number").first()
        if submission is not None:
            data = report.report_for_submission(submission, outcome=report.outcome_for(submission))
            what = f"submission {submission.number}"
        else:
            data = report.report_for_draft(assessment, by=assessment.started_by)
            what = "a draft (never submitted)"
        rendered = report.render_report(data)
        try:
            output.write_bytes(rendered.pdf)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error}") from None
        self.stdout.write(
            f"{assessment}: {what}, {rendered.pages} pages in {rendered.seconds:.1f}s, written to {output}"
        )
