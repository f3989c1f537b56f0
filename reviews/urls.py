from django.urls import path

from reviews import views

urlpatterns = [
    path("", views.review_queue, name="review_queue"),
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
    path("<str:code>/<slug:cycle>/outcome/", views.review_outcome, name="review_outcome"),
    path(
        "<str:code>/<slug:cycle>/outcome/comments/<int:comment_id>/",
        views.review_fa_respond,
        name="review_fa_respond",
    ),
    path("<str:code>/<slug:cycle>/finalise/", views.review_finalise, name="review_finalise"),
]
