from django.urls import path

from assessments import evidence_citing, report_views
from assessments import self_assessment_views as sa

urlpatterns = [
    # Self-assessments: an organisation's, one per cycle (the cycle's slug, such as 2026-27).
    path("organisations/<str:code>/assessments/", sa.assessment_list, name="assessment_list"),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/start/",
        sa.assessment_start,
        name="assessment_start",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/",
        sa.assessment_overview,
        name="assessment_overview",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/",
        sa.assessment_criterion,
        name="assessment_criterion",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/evidence/add/",
        sa.citation_add,
        name="citation_add",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/evidence/"
        "<int:citation_id>/remove/",
        sa.citation_remove,
        name="citation_remove",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/ready/",
        sa.criterion_ready,
        name="criterion_ready",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/share/",
        sa.assessment_share,
        name="assessment_share",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/evidence/<int:item_id>/cite/",
        evidence_citing.evidence_cite_criterion,
        name="evidence_cite_criterion",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/check/",
        sa.assessment_check,
        name="assessment_check",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submit/",
        sa.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/history/",
        sa.assessment_history,
        name="assessment_history",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/",
        sa.submission_list,
        name="submission_list",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/",
        sa.submission_detail,
        name="submission_detail",
    ),
    # The PDF report: the assessment as it stands (a draft, or its latest submission), and
    # each submission's.
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/report.pdf",
        report_views.assessment_report,
        name="assessment_report",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/report.pdf",
        report_views.submission_report,
        name="submission_report",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/report/",
        report_views.submission_report_status,
        name="submission_report_status",
    ),
]
