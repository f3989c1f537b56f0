"""The evidence library, under organisations/<code>/evidence/ (engagement_portal/urls.py)."""

from django.urls import path

from evidence import views

urlpatterns = [
    path("", views.evidence_library, name="evidence_library"),
    path("upload/", views.evidence_upload, name="evidence_upload"),
    path("deleted/", views.evidence_deleted, name="evidence_deleted"),
    path("<int:item_id>/", views.evidence_item, name="evidence_item"),
    path("<int:item_id>/edit/", views.evidence_item_edit, name="evidence_item_edit"),
    path("<int:item_id>/revisions/new/", views.evidence_revision_add, name="evidence_revision_add"),
    path(
        "<int:item_id>/revisions/<int:revision>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("<int:item_id>/delete/", views.evidence_item_delete, name="evidence_item_delete"),
    path("<int:item_id>/restore/", views.evidence_item_restore, name="evidence_item_restore"),
]
