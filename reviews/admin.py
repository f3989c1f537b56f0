from django.contrib import admin

from reviews.models import ReviewEvent


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit log, read-only."""

    list_display = ["review", "kind", "subject", "by", "at"]
    list_filter = ["kind"]

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
