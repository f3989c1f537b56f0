from django.urls import path

from notifications import views

urlpatterns = [
    path("account/emails/", views.email_choices, name="email_choices"),
    path(
        "notifications/<int:notification_id>/dismiss/",
        views.notification_dismiss,
        name="notification_dismiss",
    ),
]
