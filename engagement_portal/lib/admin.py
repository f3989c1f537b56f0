"""Site administration pages that only read.

The rubric, the audit trail and CQC's review log are written by the portal's own pages and
services, which record who did what; an edit in site administration would skip that record. So
their admin pages can list and open rows, never add, change or delete them.
"""

from __future__ import annotations

from django.contrib import admin


class ViewOnlyMixin:
    """Read, never write. Works for model admins and inlines alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and super().has_view_permission(request, obj)


class ViewOnlyModelAdmin(ViewOnlyMixin, admin.ModelAdmin):
    def get_urls(self):
        """Without the "add" page, which could only ever answer 403."""
        opts = self.model._meta
        add = f"{opts.app_label}_{opts.model_name}_add"
        return [url for url in super().get_urls() if getattr(url, "name", None) != add]
