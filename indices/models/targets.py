"""The province's targets on the indices, and their yearly milestones."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indices.models.catalogue import Component, Index
from units.models import Unit


class Period(models.Model):
    """A province's planning period (2021–2025, 2026–2030). Its targets and plans belong to it;
    a period started from the previous one carries over or closes, with a note, what the previous
    one left unfinished (`previous`, `Target.carried_from`, `Task.carried_from`)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="periods"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("giai đoạn trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_periods",
    )
    note = models.TextField(_("ghi chú khi mở giai đoạn"), blank=True)
    started_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "start_year"]
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        constraints = [
            models.UniqueConstraint(fields=["unit", "start_year"], name="period_unique_start"),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="period_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class CarriedOver(models.Model):
    """What a new period does with an unfinished item of the previous one: a copy that is
    `carried_from` it, or the item `closed_on` a date with a note. Targets and tasks share it."""

    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("chuyển tiếp từ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    closed_on = models.DateField(_("khép lại ngày"), null=True, blank=True)
    closing_note = models.TextField(_("ghi chú khi khép lại"), blank=True)

    class Meta:
        abstract = True


class Target(CarriedOver):
    class Kind(models.TextChoices):
        SCORE = "score", _("Điểm số (≥)")
        RANK = "rank", _("Thứ hạng (≤)")
        GROUP = "group", _("Nhóm xếp loại (tối thiểu)")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="targets")
    component_code = models.CharField(
        _("mã thành phần"),
        max_length=40,
        blank=True,
        help_text=_("Để trống cho chỉ số tổng; ví dụ 3 = Tính minh bạch của PCI."),
    )
    kind = models.CharField(_("loại mục tiêu"), max_length=6, choices=Kind.choices)
    target_value = models.DecimalField(
        _("điểm mục tiêu"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    target_rank = models.PositiveSmallIntegerField(_("thứ hạng mục tiêu"), null=True, blank=True)
    target_group = models.CharField(_("nhóm mục tiêu"), max_length=20, blank=True)
    period_start = models.PositiveSmallIntegerField(_("từ năm"), default=2021)
    period_end = models.PositiveSmallIntegerField(_("đến năm"), default=2025)
    baseline_year = models.PositiveSmallIntegerField(_("năm cơ sở"))
    baseline_value = models.DecimalField(
        _("giá trị cơ sở"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    baseline_rank = models.PositiveSmallIntegerField(_("thứ hạng cơ sở"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("năm đạt mục tiêu"), default=2025)
    source = models.CharField(_("văn bản giao chỉ tiêu"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    period = models.ForeignKey(
        Period,
        verbose_name=_("giai đoạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "index__order", "component_code"]
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "index", "component_code", "kind", "period_start"],
                name="target_unique",
            ),
            models.CheckConstraint(
                condition=(Q(kind="score") & Q(target_value__isnull=False))
                | (Q(kind="rank") & Q(target_rank__isnull=False))
                | (Q(kind="group") & ~Q(target_group="")),
                name="target_has_its_value",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="target_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.index} · {self.describe()}"

    def describe(self) -> str:
        # A component by its name, as its latest edition names it (the audit log and the admin
        # read this), never by its number.
        component = (
            Component.objects.filter(edition__index_id=self.index_id, code=self.component_code)
            .order_by("-edition__year")
            .values_list("name", flat=True)
            .first()
            if self.component_code
            else None
        )
        what = f"{component or self.component_code}: " if self.component_code else ""
        if self.kind == self.Kind.SCORE:
            return f"{what}≥ {self.target_value.normalize():f}" if self.target_value else what
        if self.kind == self.Kind.RANK:
            return f"{what}top {self.target_rank}"
        return f"{what}{self.target_group}"


class TargetMilestone(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("điểm"), max_digits=10, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("mốc mục tiêu")
        verbose_name_plural = _("mốc mục tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="milestone_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.rank if self.rank is not None else self.value}"
