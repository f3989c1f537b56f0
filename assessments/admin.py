from django.contrib import admin

from assessments.models import AssessmentCycle, Membership, Organisation
from engagement_portal.security import end_sessions


def end_sessions_of_people_without_membership(user_ids) -> None:
    """Removing a person's last membership takes their access away now, not when their
    session ends: each of these people left with no membership at all is signed out
    everywhere (CQC staff without memberships simply sign in again). Someone who still belongs
    to another organisation keeps their session, whose every page checks their access anyway."""
    user_ids = set(user_ids)
    still_members = set(Membership.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    end_sessions(user_ids=user_ids - still_members)


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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            end_sessions_of_people_without_membership(obj.user_id for obj in formset.deleted_objects)

    def delete_model(self, request, obj):
        members = list(obj.memberships.values_list("user_id", flat=True))
        super().delete_model(request, obj)
        end_sessions_of_people_without_membership(members)

    def delete_queryset(self, request, queryset):
        members = list(Membership.objects.filter(organisation__in=queryset).values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        end_sessions_of_people_without_membership(members)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        end_sessions_of_people_without_membership([obj.user_id])

    def delete_queryset(self, request, queryset):
        members = list(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        end_sessions_of_people_without_membership(members)


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(admin.ModelAdmin):
    """Site admins open a cycle by creating it here; leads then start their assessments in it."""

    list_display = ["label", "slug", "opens_on", "closes_on"]
    search_fields = ["label"]
    fields = ["label", "slug", "opens_on", "closes_on"]
