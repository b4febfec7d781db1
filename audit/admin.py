from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the portal's services, never by hand."""

    list_display = ["at", "kind", "username", "ip_address", "object_repr", "description"]
    list_filter = ["kind"]
    search_fields = ["username", "object_repr", "description", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
