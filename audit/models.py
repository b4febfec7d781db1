from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded action. Written by `audit.services.audit_record` only, never changed."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Đăng nhập")
        SIGN_IN_FAILED = "sign_in_failed", _("Đăng nhập không thành công")
        IMPORT_COMMIT = "import_commit", _("Ghi dữ liệu nhập")
        BATCH_RESTORE = "batch_restore", _("Khôi phục lô nhập")
        TARGET_CHANGE = "target_change", _("Thay đổi mục tiêu")
        REPORT_APPROVE = "report_approve", _("Duyệt báo cáo")
        REPORT_RETURN = "report_return", _("Trả lại báo cáo")
        REPORT_REOPEN = "report_reopen", _("Mở lại báo cáo")
        EXPORT = "export", _("Tải bảng số liệu")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # Kept as written: the name typed in a failed sign-in, and the actor's after an account
    # is deleted.
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=200, blank=True)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hoạt động")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "-at"], name="audit_kind_at"),
            models.Index(fields=["username", "-at"], name="audit_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username or '-'}"
