from django.urls import path

from improvement import views

urlpatterns = [
    path("", views.improvement_plan, name="improvement_plan"),
    path("actions/add/", views.improvement_action_add, name="improvement_action_add"),
    path(
        "actions/<int:action_id>/change/", views.improvement_action_change, name="improvement_action_change"
    ),
    path(
        "actions/<int:action_id>/progress/",
        views.improvement_action_progress,
        name="improvement_action_progress",
    ),
    path(
        "actions/<int:action_id>/status/", views.improvement_action_status, name="improvement_action_status"
    ),
    path(
        "suggestions/<slug:cycle>/<int:principle>/<int:position>/accept/",
        views.improvement_suggestion_accept,
        name="improvement_suggestion_accept",
    ),
    path(
        "suggestions/<slug:cycle>/<int:principle>/<int:position>/decline/",
        views.improvement_suggestion_decline,
        name="improvement_suggestion_decline",
    ),
]
