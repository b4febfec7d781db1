"""The read API's clients: the tokens admins issue to them, and the record of every call."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A client's key to the read API, acting as one portal account: it reads exactly what that
    account may read. Only a hash of the key is stored; the key is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("tên ứng dụng sử dụng"),
        max_length=100,
        help_text=_("Hệ thống dùng mã này, ví dụ: IOC, LGSP."),
    )
    # The first characters of the key, shown in lists so a client can tell its keys apart.
    prefix = models.CharField(_("đầu mã"), max_length=12, editable=False)
    key_hash = models.CharField(_("mã băm"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiCall(models.Model):
    """One call to the read API: who (account and token), what, the answer's status, and when.
    Written for every call, refused ones included."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.ForeignKey(
        ApiToken,
        verbose_name=_("mã truy cập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    method = models.CharField(_("phương thức"), max_length=10)
    path = models.CharField(_("đường dẫn"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("mã trả về"))
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian xử lý (ms)"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("lượt gọi API")
        verbose_name_plural = _("nhật ký gọi API")
        indexes = [models.Index(fields=["token", "-at"], name="api_call_token_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status_code}"
