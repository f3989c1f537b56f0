"""Site administration: every notification, failed ones first to find, and sending them again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from engagement_portal.lib.admin import ViewOnlyModelAdmin
from notifications import services
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ViewOnlyModelAdmin):
    list_display = ("created_at", "kind", "email", "about", "status", "attempts", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("email", "about", "subject")
    date_hierarchy = "created_at"
    # The HTML part repeats the text; a one-time link (an invitation's) is never shown.
    exclude = ("body_html", "secret")
    actions = ["send_again"]

    @admin.action(description="Send the selected failed notifications again", permissions=["view"])
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=Notification.Status.FAILED))
        with transaction.atomic():
            for notification in failed:
                services.try_again(notification)
        messages.info(request, f"{len(failed)} failed notification(s) queued again.")
