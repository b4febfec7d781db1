from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Membership,
    ProformaSetting,
    ProformaWeight,
    Region,
    Succession,
    Unit,
    UnitAlias,
)
from .naming import normalize_name


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ["name", "source"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "region", "valid_from", "valid_to"]
    list_filter = ["kind", "region", "valid_to"]
    search_fields = ["code", "name", "short_name", "name_en", "aliases__name"]
    list_select_related = ["parent", "region"]
    raw_id_fields = ["parent"]
    inlines = [UnitAliasInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        aliases = formset.save(commit=False)
        for alias in aliases:
            if isinstance(alias, UnitAlias):
                alias.normalized = normalize_name(alias.name)
            alias.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "normalized", "source"]
    search_fields = ["name", "normalized", "unit__name", "unit__code"]
    readonly_fields = ["normalized"]
    raw_id_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: UnitAlias, form: Any, change: bool) -> None:
        obj.normalized = normalize_name(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "date", "legal_basis"]
    list_filter = ["kind", "date"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    raw_id_fields = ["user", "unit"]


class ProformaWeightInline(admin.TabularInline):
    model = ProformaWeight
    extra = 2
    fields = ["predecessor", "weight"]
    autocomplete_fields = ["predecessor"]


@admin.register(ProformaSetting)
class ProformaSettingAdmin(SimpleHistoryAdmin):
    """How a successor province's line before the merger is estimated: the mean of its
    predecessors (the default), a weighted mean from the weights entered here (one per
    predecessor: population, enterprises…), or none."""

    list_display = ["successor", "method", "weight_label", "source"]
    autocomplete_fields = ["successor"]
    inlines = [ProformaWeightInline]
