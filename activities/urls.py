"""The activities register, under organisations/<code>/activities/ (engagement_portal/urls.py)."""

from django.urls import path

from activities import views

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_new, name="activity_new"),
    path("impact/", views.activity_impact, name="activity_impact"),
    path("export.<str:fmt>", views.activity_register_export, name="activity_register_export"),
    path("import/", views.activity_import, name="activity_import"),
    path("import/<int:batch_id>/", views.activity_import_preview, name="activity_import_preview"),
    path("system/", views.activity_system_list, name="activity_system_list"),
    path("system/timeline/", views.activity_timeline, name="activity_timeline"),
    path("system/file-as-evidence/", views.activity_file_evidence, name="activity_file_evidence"),
    path("system/export.<str:fmt>", views.activity_system_export, name="activity_system_export"),
    path("<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:activity_id>/close/", views.activity_close, name="activity_close"),
    path("<int:activity_id>/join/", views.activity_join, name="activity_join"),
    path("<int:activity_id>/unjoin/", views.activity_unjoin, name="activity_unjoin"),
    path("<int:activity_id>/publish/", views.activity_publish, name="activity_publish"),
    path("<int:activity_id>/withdraw/", views.activity_withdraw, name="activity_withdraw"),
]
