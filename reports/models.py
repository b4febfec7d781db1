"""Quarterly progress on the province's reform plan: plans, tasks, indicators, reports, evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indices.models import Index, Period
from indices.models.targets import CarriedOver
from units.models import Unit


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(
        days=1
    )
    return start, end


class Plan(models.Model):
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    decision = models.CharField(_("số quyết định"), max_length=120, blank=True)
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans")
    year_start = models.PositiveSmallIntegerField(_("từ năm"), default=2021)
    year_end = models.PositiveSmallIntegerField(_("đến năm"), default=2025)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    period = models.ForeignKey(
        Period,
        verbose_name=_("giai đoạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.name


class Task(CarriedOver):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nhiệm vụ"), max_length=400)
    responsible = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="tasks"
    )
    supporting = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="supported_tasks"
    )
    start_date = models.DateField(_("bắt đầu"))
    due_date = models.DateField(_("hạn hoàn thành"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code"),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("due_date")), name="task_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class TaskHandover(models.Model):
    """A task passed from a unit that ended (merged, renamed) to its successor. The task keeps its
    history; the reports filed before stay with the unit that filed them."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="handovers")
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("từ đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("sang đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("ngày chuyển giao"))
    succession = models.ForeignKey(
        "units.Succession",
        verbose_name=_("thay đổi đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["task", "date", "pk"]
        verbose_name = _("chuyển giao nhiệm vụ")
        verbose_name_plural = _("chuyển giao nhiệm vụ")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "from_unit", "to_unit", "date"], name="handover_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.from_unit} → {self.to_unit} ({self.date:%d/%m/%Y})"


class TaskAim(models.Model):
    """An index (and optionally one of its components) a task is meant to raise."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="aims")
    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="task_aims")
    component_code = models.CharField(_("mã thành phần"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("chỉ số hướng tới")
        verbose_name_plural = _("chỉ số hướng tới")
        constraints = [
            models.UniqueConstraint(fields=["task", "index", "component_code"], name="aim_unique")
        ]

    def __str__(self) -> str:
        return f"{self.index.short_name} {self.component_code}".strip()


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Càng cao càng tốt")
        LOWER = "lower", _("Càng thấp càng tốt")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("chỉ tiêu"), max_length=300)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40)
    direction = models.CharField(
        _("chiều"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.DecimalField(
        _("giá trị cơ sở"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)  # null = yearly
    value = models.DecimalField(_("mục tiêu"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("mục tiêu chỉ tiêu")
        verbose_name_plural = _("mục tiêu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"], name="indicator_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="indicator_target_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}/{self.quarter or '-'}: {self.value}"


class ReportingWindow(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    opens_on = models.DateField(_("mở từ"))
    deadline = models.DateField(_("hạn nộp"))

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="window_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="window_quarter"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("deadline")), name="window_dates"
            ),
        ]

    def __str__(self) -> str:
        # Read in the page's language when shown: "Quý 1/2025", "Q1 2025".
        return gettext("Quý %(quarter)s/%(year)s") % {"quarter": self.quarter, "year": self.year}

    @property
    def ends_on(self) -> dt.date:
        """The quarter's last day: the unit that exists then files its report."""
        return quarter_bounds(self.year, self.quarter)[1]


class QuarterlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại để bổ sung")
        APPROVED = "approved", _("Đã duyệt")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quarterly_reports")
    window = models.ForeignKey(ReportingWindow, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    reopened_until = models.DateTimeField(_("mở lại đến"), null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-window__year", "-window__quarter", "unit__name"]
        verbose_name = _("báo cáo quý")
        verbose_name_plural = _("báo cáo quý")
        constraints = [models.UniqueConstraint(fields=["unit", "window"], name="report_unique")]

    def __str__(self) -> str:
        return f"{self.unit.display_name} · {self.window}"


class TaskProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        LATE = "late", _("Chậm tiến độ")

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="progress")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(_("Mức hoàn thành (phần trăm)"), default=0)
    done = models.TextField(_("kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "task__code"]
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="progress_unique"),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.task.code}"


class IndicatorValue(models.Model):
    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


def evidence_path(instance: Evidence | None, filename: str) -> str:
    # Stored under a random name; the original name is kept in the row for downloads.
    return f"evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Evidence(models.Model):
    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class ReopenRequest(models.Model):
    """A department head's request that a locked report be made editable again, and the
    reviewer's decision on it: every request is kept, so the report's record shows who asked,
    why, and who granted or refused it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        GRANTED = "granted", _("Đã đồng ý mở lại")
        REFUSED = "refused", _("Không đồng ý")

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="reopen_requests"
    )
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    status = models.CharField(
        _("kết quả"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến người xử lý"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("đề nghị mở lại báo cáo")
        verbose_name_plural = _("đề nghị mở lại báo cáo")
        constraints = [
            # One open request per report: a second one would be decided twice.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status="pending"),
                name="reopen_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="reopen_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="reopen_status_idx")]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_status_display()}"
