"""Site administration for the rubric: for looking things up, and for repairs to drafts.

Rubric admins edit drafts in the portal's own pages, which record every change in the history;
the admin is for site staff. A published or retired version is read-only here, as it is
everywhere else (the models and the database refuse changes too).
"""

from __future__ import annotations

from django.contrib import admin

from principles.models import (
    Criterion,
    EvidenceCategory,
    LevelDescriptor,
    Principle,
    RubricVersion,
    SuggestedEvidence,
)


def _is_draft(version: RubricVersion | None) -> bool:
    return version is None or version.is_draft


class DraftOnlyMixin:
    """Change and delete only while the object's version is a draft."""

    @staticmethod
    def version_of(obj) -> RubricVersion | None:
        if obj is None:
            return None
        if isinstance(obj, RubricVersion):
            return obj
        if isinstance(obj, EvidenceCategory | Principle):
            return obj.version
        if isinstance(obj, Criterion):
            return obj.principle.version
        return None

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _is_draft(self.version_of(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _is_draft(self.version_of(obj))

    def has_add_permission(self, request, obj=None) -> bool:
        # An inline's `obj` is its parent: nothing can be added to a frozen version either.
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj) and _is_draft(self.version_of(obj))
        return super().has_add_permission(request)


class EvidenceCategoryInline(DraftOnlyMixin, admin.TabularInline):
    model = EvidenceCategory
    extra = 0


class PrincipleInline(DraftOnlyMixin, admin.TabularInline):
    model = Principle
    fields = ["number", "title", "statement"]
    extra = 0
    show_change_link = True


@admin.register(RubricVersion)
class RubricVersionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["label", "title", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "content_hash",
        "based_on",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
        "retired_at",
        "retired_by",
    ]
    inlines = [EvidenceCategoryInline, PrincipleInline]


class CriterionInline(DraftOnlyMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    show_change_link = True


class SuggestedEvidenceInline(DraftOnlyMixin, admin.TabularInline):
    model = SuggestedEvidence
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "version"]
    list_filter = ["version"]
    inlines = [CriterionInline, SuggestedEvidenceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = RubricVersion.objects.filter(status=RubricVersion.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LevelDescriptorInline(DraftOnlyMixin, admin.TabularInline):
    model = LevelDescriptor
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "text", "principle"]
    list_filter = ["principle__version"]
    search_fields = ["code", "text"]
    inlines = [LevelDescriptorInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "principle":
            kwargs["queryset"] = Principle.objects.filter(version__status=RubricVersion.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
