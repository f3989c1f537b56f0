from django.contrib import admin

from engagement_portal.lib.admin import ViewOnlyModelAdmin
from reviews.models import ReviewEvent


@admin.register(ReviewEvent)
class ReviewEventAdmin(ViewOnlyModelAdmin):
    """The audit log, read-only."""

    list_display = ["review", "kind", "subject", "by", "at"]
    list_filter = ["kind"]
