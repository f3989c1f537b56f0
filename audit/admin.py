from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: site administration can list and open events, never add,
    change or delete one (the model and the database refuse too). The portal's own search,
    /audit/, is the friendlier way in."""

    list_display = ["at", "action", "actor_username", "actor_is_staff", "organisation_id", "summary"]
    list_filter = ["action", "actor_is_staff"]
    search_fields = ["summary", "actor_username", "path"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # No add page: it could only answer 403.
        opts = self.model._meta
        add = f"{opts.app_label}_{opts.model_name}_add"
        return [url for url in super().get_urls() if getattr(url, "name", None) != add]
