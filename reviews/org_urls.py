from django.urls import path

from reviews import org_views

urlpatterns = [
    path("", org_views.assessment_questions, name="assessment_questions"),
]
