from django.urls import path

from audit import views

urlpatterns = [
    path("organisations/<str:code>/activity/", views.organisation_activity, name="organisation_activity"),
    path("audit/", views.audit_search, name="audit_search"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
