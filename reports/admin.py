from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Evidence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Plan,
    QuarterlyReport,
    ReopenRequest,
    ReportingWindow,
    Task,
    TaskAim,
    TaskProgress,
)


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["code", "title", "responsible", "start_date", "due_date"]
    raw_id_fields = ["responsible"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "decision", "year_start", "year_end", "is_demo"]
    inlines = [TaskInline]


class AimInline(admin.TabularInline):
    model = TaskAim
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "responsible", "due_date", "plan"]
    list_filter = ["plan", "responsible__kind"]
    search_fields = ["code", "title", "responsible__name"]
    raw_id_fields = ["responsible"]
    filter_horizontal = ["supporting"]
    inlines = [AimInline, IndicatorInline]


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "task", "unit_of_measure", "direction", "baseline"]
    search_fields = ["name", "task__title"]
    inlines = [TargetInline]


@admin.register(ReportingWindow)
class ReportingWindowAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "opens_on", "deadline"]


class ReportContentReadOnly:
    """A report's content (progress, indicator values, evidence) is written by its department
    only: here, superusers too may read it and reassign or reopen the report, never change it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgressInline(ReportContentReadOnly, admin.StackedInline):
    model = TaskProgress
    extra = 0


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "window", "status", "submitted_at", "reviewed_by", "reopened_until"]
    list_filter = ["status", "window"]
    search_fields = ["unit__name", "review_comment"]
    raw_id_fields = ["unit"]
    inlines = [ProgressInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReportContentReadOnly, SimpleHistoryAdmin):
    list_display = ["report", "indicator", "value"]


@admin.register(Evidence)
class EvidenceAdmin(ReportContentReadOnly, admin.ModelAdmin):
    list_display = [
        "original_name",
        "progress",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]


@admin.register(ReopenRequest)
class ReopenRequestAdmin(ReportContentReadOnly, admin.ModelAdmin):
    """The record of who asked to reopen a report and who decided: read here, decided on the
    report's page."""

    list_display = ["report", "requested_by", "requested_at", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["report__unit__name", "reason", "decision_note"]
