"""Site administration for the rubric: view-only, for looking things up.

Edits go through the rubric pages (/rubric/), where every change is recorded in the version's
history with who made it, when, and the words before and after. An edit made here would skip
that record, so nothing about the rubric can be added, changed or deleted in the admin, for a
draft as much as for a published or retired version (which the models and the database refuse
to change anyway). Staff can still read every version, its contents and its history.
"""

from __future__ import annotations

from django.contrib import admin

from principles.models import (
    Criterion,
    EvidenceCategory,
    LevelDescriptor,
    Principle,
    RubricChange,
    RubricVersion,
    SuggestedEvidence,
)


class ViewOnlyMixin:
    """Read, never write: edits go through the rubric pages so that every change is recorded."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and super().has_view_permission(request, obj)


class ViewOnlyModelAdmin(ViewOnlyMixin, admin.ModelAdmin):
    def get_urls(self):
        """Without the "add" page, which could only ever answer 403."""
        opts = self.model._meta
        add = f"{opts.app_label}_{opts.model_name}_add"
        return [url for url in super().get_urls() if getattr(url, "name", None) != add]


class EvidenceCategoryInline(ViewOnlyMixin, admin.TabularInline):
    model = EvidenceCategory
    extra = 0


class PrincipleInline(ViewOnlyMixin, admin.TabularInline):
    model = Principle
    fields = ["number", "title", "statement"]
    extra = 0
    show_change_link = True


@admin.register(RubricVersion)
class RubricVersionAdmin(ViewOnlyModelAdmin):
    list_display = ["label", "title", "status", "published_at"]
    list_filter = ["status"]
    inlines = [EvidenceCategoryInline, PrincipleInline]


class CriterionInline(ViewOnlyMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    show_change_link = True


class SuggestedEvidenceInline(ViewOnlyMixin, admin.TabularInline):
    model = SuggestedEvidence
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(ViewOnlyModelAdmin):
    list_display = ["__str__", "version"]
    list_filter = ["version"]
    inlines = [CriterionInline, SuggestedEvidenceInline]


class LevelDescriptorInline(ViewOnlyMixin, admin.TabularInline):
    model = LevelDescriptor
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(ViewOnlyModelAdmin):
    list_display = ["code", "text", "principle"]
    list_filter = ["principle__version"]
    search_fields = ["code", "text"]
    inlines = [LevelDescriptorInline]


@admin.register(RubricChange)
class RubricChangeAdmin(ViewOnlyModelAdmin):
    """The history rubric admins read on each version's history page, for staff to search."""

    list_display = ["changed_at", "version", "subject", "field", "changed_by"]
    list_filter = ["version"]
    list_select_related = ["version", "changed_by"]
    search_fields = ["subject", "field", "before", "after"]
