"""Site administration for the rubric: view-only, for looking things up.

Edits go through the rubric pages (/rubric/), where every change is recorded in the version's
history with who made it, when, and the words before and after. An edit made here would skip
that record, so nothing about the rubric can be added, changed or deleted in the admin, for a
draft as much as for a published or retired version (which the models and the database refuse
to change anyway). Staff can still read every version, its contents and its history.
"""

from __future__ import annotations

from django.contrib import admin

from engagement_portal.lib.admin import ViewOnlyMixin, ViewOnlyModelAdmin
from principles.models import (
    Criterion,
    EvidenceCategory,
    LevelDescriptor,
    Principle,
    RubricChange,
    RubricVersion,
    SuggestedEvidence,
)


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
