from django.contrib import admin

from assessments.models import AssessmentCycle


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(admin.ModelAdmin):
    """Site admins open a cycle by creating it here; leads then start their assessments in it."""

    list_display = ["label", "slug", "opens_on", "closes_on"]
    search_fields = ["label"]
    fields = ["label", "slug", "opens_on", "closes_on"]
