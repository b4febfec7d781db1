from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Component,
    ImportBatch,
    Index,
    IndexEdition,
    RatingBand,
    RatingScheme,
    Score,
    Target,
    TargetMilestone,
)
from .services.catalogue import target_delete, targets_changed


class EditionInline(admin.TabularInline):
    model = IndexEdition
    extra = 0
    fields = [
        "year",
        "status",
        "level",
        "methodology_version",
        "aggregation",
        "breaks_comparability",
        "published_internally",
    ]
    show_change_link = True


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "kind", "publisher", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "short_name"]
    inlines = [EditionInline]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = ["code", "name", "name_en", "parent", "max_points", "weight", "order", "aliases"]
    raw_id_fields = ["parent"]


@admin.register(IndexEdition)
class IndexEditionAdmin(SimpleHistoryAdmin):
    list_display = [
        "index",
        "year",
        "status",
        "level",
        "methodology_version",
        "scale",
        "aggregation",
        "aggregation_confirmed",
        "breaks_comparability",
        "published_internally",
    ]
    list_filter = [
        "index",
        "status",
        "level",
        "scale",
        "aggregation",
        "breaks_comparability",
        "published_internally",
    ]
    search_fields = ["index__code", "index__name", "methodology_version", "legal_basis"]
    list_select_related = ["index"]
    inlines = [ComponentInline]


@admin.register(Component)
class ComponentAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "code", "name", "max_points", "weight", "order", "parent"]
    list_filter = ["edition__index", "edition__year"]
    search_fields = ["code", "name", "name_en", "aliases"]
    list_select_related = ["edition__index", "parent"]
    raw_id_fields = ["parent", "edition"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = [
        "unit",
        "edition",
        "component",
        "state",
        "value",
        "published_rank",
        "published_group",
        "basis",
    ]
    list_filter = ["edition__index", "edition__year", "state", "basis"]
    search_fields = ["unit__name", "unit__code", "component__name"]
    list_select_related = ["unit", "edition__index", "component"]
    raw_id_fields = ["unit", "edition", "component", "batch"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["edition", "original_name", "status", "uploaded_by", "created_at", "values"]
    list_filter = ["status", "edition__index", "is_demo"]
    search_fields = ["original_name", "sha256", "source_note"]
    list_select_related = ["edition__index", "uploaded_by"]
    readonly_fields = ["sha256", "created_at", "committed_at"]


class RatingBandInline(admin.TabularInline):
    model = RatingBand
    extra = 0


@admin.register(RatingScheme)
class RatingSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["index", "method", "note"]
    list_filter = ["method"]
    inlines = [RatingBandInline]


class MilestoneInline(admin.TabularInline):
    model = TargetMilestone
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    """Every change here goes through the targets' rebuild, as the target form's does."""

    list_display = [
        "unit",
        "index",
        "component_code",
        "kind",
        "target_value",
        "target_rank",
        "target_group",
        "baseline_year",
        "target_year",
        "is_demo",
    ]
    list_filter = ["index", "kind", "is_demo"]
    search_fields = ["unit__name", "index__code", "component_code", "source"]
    list_select_related = ["unit", "index"]
    raw_id_fields = ["unit"]
    inlines = [MilestoneInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the target and its milestones are saved, in the admin's transaction.
        super().save_related(request, form, formsets, change)
        index_id = form.instance.index_id
        previous = form.initial.get("index") if change else None
        targets_changed(index_ids=[index_id, previous])

    def delete_model(self, request: HttpRequest, obj: Target) -> None:
        target_delete(target=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Target]) -> None:
        for target in queryset:
            target_delete(target=target)
