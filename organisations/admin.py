from django import forms
from django.contrib import admin
from django.db.models import Count

from engagement_portal.lib.sessions import end_sessions
from organisations.models import Membership, Organisation, System
from organisations.services import organisation_legal_hold_lift, organisation_legal_hold_set


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
    fk_name = "organisation"
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "partner"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "code", "region", "legal_hold", "legal_hold_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("legal_hold") and not (cleaned.get("legal_hold_reason") or "").strip():
            self.add_error("legal_hold_reason", "Enter why the legal hold is on, such as a case reference.")
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "type", "code", "region", "legal_hold"]
    list_filter = ["type", "region", "legal_hold"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "type", "code", "region"]}),
        (
            "Legal hold",
            {
                "description": "While a legal hold is on, the retention policy deletes nothing of "
                "this organisation's. Setting and lifting it are recorded in the audit trail.",
                "fields": ["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"],
            },
        ),
    ]
    readonly_fields = ["legal_hold_set_by", "legal_hold_set_at"]

    def save_model(self, request, obj, form, change):
        """Everything but the hold is saved as usual; setting or lifting the hold goes through
        organisations.services, which stamps who and when and records it in the audit trail."""
        wanted, reason = obj.legal_hold, obj.legal_hold_reason.strip()
        current = Organisation.objects.filter(pk=obj.pk).first() if change else None
        obj.legal_hold = current.legal_hold if current else False
        obj.legal_hold_reason = current.legal_hold_reason if current else ""
        super().save_model(request, obj, form, change)
        if wanted and (not obj.legal_hold or reason != obj.legal_hold_reason):
            held = organisation_legal_hold_set(
                organisation=obj, reason=reason, by=request.user, request=request
            )
        elif obj.legal_hold and not wanted:
            held = organisation_legal_hold_lift(organisation=obj, by=request.user, request=request)
        else:
            return
        for name in ["legal_hold", "legal_hold_reason", "legal_hold_set_by", "legal_hold_set_at"]:
            setattr(obj, name, getattr(held, name))

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
    list_display = ["user", "organisation", "role", "partner"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "partner"]
    autocomplete_fields = ["user", "organisation", "partner"]

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        end_sessions_of_people_without_membership([obj.user_id])

    def delete_queryset(self, request, queryset):
        members = list(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        end_sessions_of_people_without_membership(members)


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    """Site admins keep each ICS's footprint: its local authorities (one may be in two systems)
    and its partner organisations, whose people can then contribute to the ICS's or a local
    authority's self-assessment."""

    list_display = ["__str__", "local_authority_count", "partner_count"]
    search_fields = ["ics__name", "ics__code"]
    list_select_related = ["ics"]
    autocomplete_fields = ["ics", "local_authorities", "partners"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                local_authority_total=Count("local_authorities", distinct=True),
                partner_total=Count("partners", distinct=True),
            )
        )

    @admin.display(description="Local authorities", ordering="local_authority_total")
    def local_authority_count(self, obj):
        return obj.local_authority_total

    @admin.display(description="Partners", ordering="partner_total")
    def partner_count(self, obj):
        return obj.partner_total
