"""Site administration for background task results (django-tasks-db's queue): staff can look up
what ran, when and with what error, read-only as the package makes it, and without its "add"
page, which could only ever answer 403 (the same rule as principles/admin.py)."""

from __future__ import annotations

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class TaskResultAdmin(DBTaskResultAdmin):
    def get_urls(self):
        opts = self.model._meta
        add = f"{opts.app_label}_{opts.model_name}_add"
        return [url for url in super().get_urls() if getattr(url, "name", None) != add]


def register() -> None:
    """Called from EvidenceConfig.ready(), after the admin has loaded django_tasks_db's own."""
    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, TaskResultAdmin)
