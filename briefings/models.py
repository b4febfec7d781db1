"""A generated report (index briefing, internal league, quarterly progress) as a workbook or a
PDF: who asked for it, with which parameters and language, how far its build has come, and the
file, kept for `BRIEFING_KEEP_DAYS` days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GeneratedReport(models.Model):
    class Kind(models.TextChoices):
        INDEX = "index", _("Bản tin chỉ số")
        INTERNAL = "internal", _("Báo cáo xếp hạng nội bộ")
        PROGRESS = "progress", _("Báo cáo tiến độ quý")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel (.xlsx)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generated_reports"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    fmt = models.CharField(_("định dạng"), max_length=8, choices=Format.choices)
    parameters = models.JSONField(_("tham số"), default=dict)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    title = models.CharField(_("tên"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(_("tệp"), upload_to="briefings/%Y/%m/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    finished = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    expires = models.DateTimeField(_("hết hạn"))

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("báo cáo đã tạo")
        verbose_name_plural = _("báo cáo đã tạo")
        indexes = [
            models.Index(fields=["user", "-created"]),
            models.Index(fields=["expires"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="briefing_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} #{self.pk}"
