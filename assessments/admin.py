from django.contrib import admin

from assessments.models import AssessmentCycle, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "code", "region"]
    list_filter = ["type", "region"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(admin.ModelAdmin):
    """Site admins open a cycle by creating it here; leads then start their assessments in it."""

    list_display = ["label", "slug", "opens_on", "closes_on"]
    search_fields = ["label"]
    fields = ["label", "slug", "opens_on", "closes_on"]
