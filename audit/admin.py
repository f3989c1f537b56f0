from django.contrib import admin

from audit.models import AuditEvent
from engagement_portal.lib.admin import ViewOnlyModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyModelAdmin):
    """The audit trail, read-only: site administration can list and open events, never add,
    change or delete one (the model and the database refuse too). The portal's own search,
    /audit/, is the friendlier way in."""

    list_display = ["at", "action", "actor_username", "actor_is_staff", "organisation_id", "summary"]
    list_filter = ["action", "actor_is_staff"]
    search_fields = ["summary", "actor_username", "path"]
    date_hierarchy = "at"
    show_full_result_count = False
