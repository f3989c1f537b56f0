"""The self-assessment report as a PDF download (assessments/report.py builds and renders it).

Who gets what:
- the organisation's people (leads, contributors, viewers) get a draft report of the live
  answers while the assessment is with them (in progress, or returned with questions), and the
  report of what was submitted once it is with CQC, and of any earlier submission;
- CQC assessors get only reports of submissions: an assessment never submitted is a 404 for
  them, and so is its draft content at any time;
- everyone else gets a 404, as for every page of another organisation's assessment.

Drafts are rendered on every request and never stored or cached (`Cache-Control: no-store`):
they change with every save, and a stored copy would be stale working material. Measured with
bench/pdf.py, the report of a complete self-assessment (33 criteria with 300-word narratives, 300
pieces of evidence: 66 pages) takes about 2.5 seconds of one core to render; a typical one (the
demo data: 16 to 20 pages) well under a second. A draft is still rendered while its
person waits: it must show the answers as they are at that moment (a queued render would show
them as they were when the worker got to it, and would need storing), and a few seconds for the
largest drafts is acceptable for a download people ask for now and then. Submitted reports never
change, so they are rendered once in the background and stored (see report.py); while one is
being prepared, the download sends its person to a page that says so and offers the file when it
is ready.

Because drafts cost a second or two of a core each, one person may render only
settings.DRAFT_REPORT_LIMIT of them in any 10 minutes (counted in the database, so across every
app server); the next one gets a page saying when they can download it again (429).
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from assessments import report, services, tasks
from assessments.access import get_assessment_for_member, get_assessment_for_submission_reader
from assessments.models import Assessment, DraftReportRender, RenderedReport, Submission
from organisations.access import get_organisation_for_user, membership_for

NO_STORE = "private, no-store"
DRAFT_REPORT_WINDOW = datetime.timedelta(minutes=10)


def _pdf_headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Type"] = "application/pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Unpublished regulatory material: never kept by a browser or a proxy.
    response["Cache-Control"] = NO_STORE
    return response


def _wait_for_draft(user) -> datetime.timedelta | None:
    """None if the person may render a draft now (and it is counted), else how long until they
    may. Rows older than the window are deleted on the way."""
    now = timezone.now()
    since = now - DRAFT_REPORT_WINDOW
    with transaction.atomic():
        # One count at a time per person, so two requests at once cannot both take the last one.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        DraftReportRender.objects.filter(user=user, at__lte=since).delete()
        recent = list(
            DraftReportRender.objects.filter(user=user, at__gt=since)
            .order_by("at")
            .values_list("at", flat=True)
        )
        limit = settings.DRAFT_REPORT_LIMIT
        if len(recent) >= limit:
            # Free again once enough of the recent ones have left the window (never, with a
            # limit of 0: then the page says to wait the whole window).
            oldest = recent[len(recent) - limit] if limit > 0 else now
            return oldest + DRAFT_REPORT_WINDOW - now
        DraftReportRender.objects.create(user=user, at=now)
    return None


def _draft_response(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    wait = _wait_for_draft(request.user)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        response = render(
            request,
            "assessments/report_limit.html",
            {
                "assessment": assessment,
                "minutes": minutes,
                "limit": settings.DRAFT_REPORT_LIMIT,
                "window": DRAFT_REPORT_WINDOW.seconds // 60,
            },
            status=429,
        )
        response["Retry-After"] = str(math.ceil(wait.total_seconds()))
        return response
    data = report.report_for_draft(assessment, by=request.user)
    rendered = report.render_report(data)
    services.report_download_record(assessment=assessment, by=request.user)
    return _pdf_headers(HttpResponse(rendered.pdf), data.filename)


def _submission_response(
    request: HttpRequest, assessment: Assessment, submission: Submission
) -> HttpResponse:
    row = tasks.request_submission_report(submission)
    if row.status == RenderedReport.Status.READY:
        stored = report.open_submission_report(row)
        if stored is not None:
            snapshot = submission.snapshot
            filename = report.report_filename(
                snapshot["organisation"]["name"], snapshot["cycle"], number=submission.number
            )
            services.report_download_record(assessment=assessment, by=request.user, submission=submission)
            response = FileResponse(stored, content_type="application/pdf")
            return _pdf_headers(response, filename)
    return redirect(
        "submission_report_status",
        code=assessment.organisation.code,
        cycle=assessment.cycle.slug,
        number=submission.number,
    )


@require_GET
def assessment_report(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """The report of the assessment as it stands: a draft of the live answers while the
    organisation is working on it, else the latest submission's report. Assessors always get
    the latest submission's."""
    organisation = get_organisation_for_user(request.user, code)
    if membership_for(request.user, organisation) is not None:
        assessment = get_assessment_for_member(request.user, code, cycle).assessment
        if assessment.is_editable:
            return _draft_response(request, assessment)
    else:
        assessment = get_assessment_for_submission_reader(request.user, code, cycle)
    submission = assessment.submissions.order_by("-number").first()
    if submission is None:
        raise Http404("No such report")
    return _submission_response(request, assessment, submission)


@require_GET
def submission_report(request: HttpRequest, code: str, cycle: str, number: int) -> HttpResponse:
    """One submission's report: what CQC received, from its snapshot."""
    assessment = get_assessment_for_submission_reader(request.user, code, cycle)
    submission = get_object_or_404(assessment.submissions, number=number)
    return _submission_response(request, assessment, submission)


@require_GET
def submission_report_status(request: HttpRequest, code: str, cycle: str, number: int) -> HttpResponse:
    """Whether a submission's report is ready: "being prepared", with a button to check again,
    or a link to the file."""
    assessment = get_assessment_for_submission_reader(request.user, code, cycle)
    submission = get_object_or_404(assessment.submissions, number=number)
    return render(
        request,
        "assessments/report_status.html",
        {
            "assessment": assessment,
            "submission": submission,
            "report": report.submission_report(submission),
            "Status": RenderedReport.Status,
        },
    )
