from django.urls import path

from reviews import views

urlpatterns = [
    path("", views.review_queue, name="review_queue"),
    # A cycle's pages come before an assessment's, whose "<code>/<cycle>/" would match them.
    path("cycles/<slug:cycle>/calibration/", views.review_calibration, name="review_calibration"),
    path("cycles/<slug:cycle>/export.csv", views.review_export, {"fmt": "csv"}, name="review_export_csv"),
    path("cycles/<slug:cycle>/export.xlsx", views.review_export, {"fmt": "xlsx"}, name="review_export_xlsx"),
    path("<str:code>/<slug:cycle>/", views.review_workspace, name="review_workspace"),
    path("<str:code>/<slug:cycle>/assign/", views.review_assign, name="review_assign"),
    path("<str:code>/<slug:cycle>/start/", views.review_start, name="review_start"),
    path("<str:code>/<slug:cycle>/notes/", views.review_notes, name="review_notes"),
    path(
        "<str:code>/<slug:cycle>/criteria/<str:criterion>/", views.review_criterion, name="review_criterion"
    ),
    path("<str:code>/<slug:cycle>/principles/<int:number>/", views.review_principle, name="review_principle"),
    path("<str:code>/<slug:cycle>/questions/", views.review_question, name="review_question"),
    path(
        "<str:code>/<slug:cycle>/questions/<int:question_id>/reply/", views.review_reply, name="review_reply"
    ),
    path("<str:code>/<slug:cycle>/return/", views.review_return, name="review_return"),
    path("<str:code>/<slug:cycle>/changes/", views.review_changes, name="review_changes"),
    path("<str:code>/<slug:cycle>/emails/", views.review_emails, name="review_emails"),
    path("<str:code>/<slug:cycle>/outcome/", views.review_outcome, name="review_outcome"),
    path(
        "<str:code>/<slug:cycle>/outcome/comments/<int:comment_id>/",
        views.review_fa_respond,
        name="review_fa_respond",
    ),
    path("<str:code>/<slug:cycle>/finalise/", views.review_finalise, name="review_finalise"),
    path(
        "<str:code>/<slug:cycle>/principles/<int:number>/moderate/",
        views.review_moderate,
        name="review_moderate",
    ),
]
