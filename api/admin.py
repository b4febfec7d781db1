"""Tokens issued and revoked by the portal's admins on the admin site; the call log, read only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiCall, ApiToken
from .services import api_token_issue, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is not None:  # a token's account never changes; issue a new one instead
            return ("user", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_token_issue(user=obj.user, name=obj.name)
        obj.pk = issued.token.pk
        obj.prefix = issued.token.prefix
        obj.key_hash = issued.token.key_hash
        obj.created_at = issued.token.created_at
        obj._state = issued.token._state  # saved: the admin's history and redirect use it
        messages.warning(
            request,
            _(
                "Mã truy cập mới (chỉ hiện một lần, hãy chép ngay và gửi cho ứng dụng sử dụng): "
                "%(key)s"
            )
            % {"key": issued.key},
        )

    @admin.action(description=_("Thu hồi các mã truy cập đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("Đã thu hồi %(n)s mã truy cập.") % {"n": queryset.count()})


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "token", "method", "path", "status_code", "duration_ms")
    list_filter = ("status_code", "method")
    search_fields = ("path", "user__username", "token__name")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiCall | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiCall | None = None) -> bool:
        return False
