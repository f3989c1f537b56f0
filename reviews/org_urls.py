from django.urls import path

from reviews import org_views

urlpatterns = [
    path("questions/", org_views.assessment_questions, name="assessment_questions"),
    path("outcome/", org_views.assessment_outcome, name="assessment_outcome"),
]
