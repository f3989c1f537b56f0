from django.urls import path

from voices import cqc_views, rubric_views, views

urlpatterns = [
    # The public pages where people answer are in voices/public_urls.py, under s/.
    # An organisation's surveys.
    path("organisations/<str:code>/surveys/", views.survey_list, name="survey_list"),
    path("organisations/<str:code>/surveys/new/", views.survey_new, name="survey_new"),
    path("organisations/<str:code>/surveys/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("organisations/<str:code>/surveys/<int:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/preview/",
        views.survey_preview,
        name="survey_preview",
    ),
    path("organisations/<str:code>/surveys/<int:survey_id>/open/", views.survey_open, name="survey_open"),
    path("organisations/<str:code>/surveys/<int:survey_id>/close/", views.survey_close, name="survey_close"),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/replace-link/",
        views.survey_replace_link,
        name="survey_replace_link",
    ),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/results/",
        views.survey_results,
        name="survey_results",
    ),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/population/",
        views.survey_population,
        name="survey_population",
    ),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/free-text/",
        views.survey_free_text,
        name="survey_free_text",
    ),
    path("organisations/<str:code>/surveys/<int:survey_id>/file/", views.survey_file, name="survey_file"),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/results.<str:fmt>",
        views.survey_export,
        name="survey_export",
    ),
    path(
        "organisations/<str:code>/surveys/<int:survey_id>/free-text.csv",
        views.survey_free_text_export,
        name="survey_free_text_export",
    ),
    # CQC's survey about the organisation, once CQC's outcome for its cycle is final.
    path(
        "organisations/<str:code>/surveys/cqc/<int:survey_id>/",
        views.survey_cqc_results,
        name="survey_cqc_results",
    ),
    # CQC's own surveys, for its assessors.
    path("cqc-surveys/", cqc_views.cqc_survey_list, name="cqc_survey_list"),
    path("cqc-surveys/new/", cqc_views.cqc_survey_new, name="cqc_survey_new"),
    path("cqc-surveys/<int:survey_id>/", cqc_views.cqc_survey_detail, name="cqc_survey_detail"),
    path("cqc-surveys/<int:survey_id>/edit/", cqc_views.cqc_survey_edit, name="cqc_survey_edit"),
    path("cqc-surveys/<int:survey_id>/preview/", cqc_views.cqc_survey_preview, name="cqc_survey_preview"),
    path("cqc-surveys/<int:survey_id>/open/", cqc_views.cqc_survey_open, name="cqc_survey_open"),
    path("cqc-surveys/<int:survey_id>/close/", cqc_views.cqc_survey_close, name="cqc_survey_close"),
    path(
        "cqc-surveys/<int:survey_id>/replace-link/",
        cqc_views.cqc_survey_replace_link,
        name="cqc_survey_replace_link",
    ),
    path("cqc-surveys/<int:survey_id>/results/", cqc_views.cqc_survey_results, name="cqc_survey_results"),
    path(
        "cqc-surveys/<int:survey_id>/free-text/", cqc_views.cqc_survey_free_text, name="cqc_survey_free_text"
    ),
    # A rubric version's survey questions; rubric admins change a draft's.
    path("rubric/versions/<str:label>/questions/", rubric_views.question_sets, name="rubric_question_sets"),
    path(
        "rubric/versions/<str:label>/questions/<str:audience>/new/",
        rubric_views.question_add,
        name="rubric_question_add",
    ),
    path(
        "rubric/versions/<str:label>/questions/<str:audience>/<str:code>/edit/",
        rubric_views.question_edit,
        name="rubric_question_edit",
    ),
    path(
        "rubric/versions/<str:label>/questions/<str:audience>/<str:code>/remove/",
        rubric_views.question_remove,
        name="rubric_question_remove",
    ),
]
