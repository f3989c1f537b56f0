"""The controlled lists of topics and communities rubric admins keep, under activities/."""

from django.urls import path

from activities import views

urlpatterns = [
    path("lists/<slug:kind>/", views.activity_terms, name="activity_terms"),
    path("lists/<slug:kind>/<int:term_id>/retire/", views.activity_term_retire, name="activity_term_retire"),
]
