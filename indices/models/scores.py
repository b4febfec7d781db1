"""Scores and the import batches they come from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indices.models.catalogue import Basis, Component, IndexEdition, Level
from units.models import Unit


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Đã xem trước")
        COMMITTED = "committed", _("Đã ghi")
        SUPERSEDED = "superseded", _("Đã được thay thế")
        FAILED = "failed", _("Lỗi")

    edition = models.ForeignKey(IndexEdition, on_delete=models.PROTECT, related_name="batches")
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/", blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    committed_at = models.DateTimeField(_("thời điểm ghi"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    units_matched = models.PositiveIntegerField(_("số đơn vị"), default=0)
    values = models.PositiveIntegerField(_("số giá trị"), default=0)
    mapping = models.JSONField(_("ánh xạ cột"), default=dict, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    source_note = models.CharField(_("nguồn"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.edition} · {self.original_name}"


class Score(models.Model):
    class State(models.TextChoices):
        VALUE = "value", _("Có giá trị")
        NOT_PUBLISHED = "not_published", _("Không công bố")
        NOT_AVAILABLE = "not_available", _("Không có dữ liệu")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="scores")
    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="scores")
    # Null component = the edition's total.
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="scores"
    )
    state = models.CharField(_("trạng thái"), max_length=14, choices=State.choices)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=4, null=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân công bố"), default=2)
    published_rank = models.PositiveSmallIntegerField(_("thứ hạng công bố"), null=True, blank=True)
    published_group = models.CharField(_("xếp loại công bố"), max_length=40, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores"
    )
    basis = models.CharField(
        _("cơ sở số liệu"), max_length=12, choices=Basis.choices, default=Basis.PUBLISHED
    )
    source = models.CharField(
        _("nguồn của dòng"),
        max_length=500,
        blank=True,
        help_text=_("Văn bản hoặc đường dẫn công bố, khi khác nguồn của lần nhập."),
    )

    class Meta:
        verbose_name = _("điểm số")
        verbose_name_plural = _("điểm số")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "edition", "component"],
                condition=Q(component__isnull=False),
                name="score_unique_component",
            ),
            models.UniqueConstraint(
                fields=["unit", "edition"],
                condition=Q(component__isnull=True),
                name="score_unique_total",
            ),
            models.CheckConstraint(
                condition=(Q(state="value") & Q(value__isnull=False))
                | (Q(state__in=["not_published", "not_available"]) & Q(value__isnull=True)),
                name="score_value_matches_state",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "component"]),
            # An edition's totals, without reading its component scores (the rebuild's plan).
            models.Index(
                fields=["edition"], condition=Q(component__isnull=True), name="score_totals"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.edition} · {self.component or 'total'}"

    @property
    def is_illustrative(self) -> bool:
        return self.basis == Basis.ILLUSTRATIVE
