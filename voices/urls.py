from django.urls import path

from voices import respond_views, views

urlpatterns = [
    # The public pages: no sign-in (each view is @login_not_required), found by the link's token.
    path("s/<str:token>/", respond_views.survey_start, name="survey_start"),
    path("s/<str:token>/answer/", respond_views.survey_answer, name="survey_answer"),
    path("s/<str:token>/send/", respond_views.survey_submit, name="survey_submit"),
    path("s/<str:token>/thank-you/", respond_views.survey_done, name="survey_done"),
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
]
