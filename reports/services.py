"""Writes for quarterly progress: reports, the review workflow, evidence, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from reports.evidence import evidence_check
from reports.models import (
    Evidence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    QuarterlyReport,
    ReportingWindow,
    Task,
    TaskProgress,
)
from reports.selectors import SETTLED, completeness
from units.models import Membership, Unit

Status = QuarterlyReport.Status
EDITABLE = {Status.DRAFT, Status.RETURNED}
RETURN_GRACE_DAYS = 7


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(
        days=1
    )
    return start, end


def report_is_open(report: QuarterlyReport, *, now: dt.datetime | None = None) -> bool:
    """Editable by its unit: a draft or returned report, before the deadline or while an admin
    (or a return) has reopened it. Submitted and approved reports are locked."""
    now = now or timezone.now()
    if report.status not in EDITABLE:
        return False
    if report.reopened_until and now <= report.reopened_until:
        return True
    return timezone.localdate(now) <= report.window.deadline


def _tasks_for(unit: Unit, window: ReportingWindow) -> Iterable[Task]:
    _start, end = quarter_bounds(window.year, window.quarter)
    return Task.objects.filter(responsible=unit, start_date__lte=end).order_by("code")


@transaction.atomic
def report_open(*, unit: Unit, window: ReportingWindow) -> QuarterlyReport:
    """The unit's report for the quarter, created with one progress row per task it leads."""
    report, _created = QuarterlyReport.objects.get_or_create(unit=unit, window=window)
    existing = set(report.progress.values_list("task_id", flat=True))
    TaskProgress.objects.bulk_create(
        TaskProgress(report=report, task=task)
        for task in _tasks_for(unit, window)
        if task.pk not in existing
    )
    return report


def quarterly_target(indicator: Indicator, window: ReportingWindow) -> Decimal | None:
    target = (
        IndicatorTarget.objects.filter(
            indicator=indicator, year=window.year, quarter=window.quarter
        )
        .values_list("value", flat=True)
        .first()
    )
    return target


def _misses(indicator: Indicator, value: Decimal, target: Decimal | None) -> bool:
    if target is None:
        return False
    return value < target if indicator.direction == Indicator.Direction.HIGHER else value > target


@transaction.atomic
def progress_save(
    *,
    report: QuarterlyReport,
    user: Any,
    entries: list[dict[str, Any]],
    values: dict[int, Decimal | None],
) -> QuarterlyReport:
    """Save what a department head typed. Refused when the report is locked."""
    if not report_is_open(report):
        raise ValidationError("Báo cáo đã khóa: đã gửi, đã duyệt hoặc quá hạn nộp.")
    rows = {p.pk: p for p in report.progress.select_related("task")}
    for entry in entries:
        progress = rows.get(entry["id"])
        if progress is None:
            raise ValidationError("Nhiệm vụ không thuộc báo cáo này.")
        for field in (
            "status",
            "percent_complete",
            "done",
            "difficulties",
            "proposals",
            "explanation",
        ):
            setattr(progress, field, entry[field])
        progress.save()
    indicators = {i.pk: i for i in Indicator.objects.filter(task__progress__report=report)}
    for indicator_id, value in values.items():
        if indicator_id not in indicators:
            raise ValidationError("Chỉ tiêu không thuộc báo cáo này.")
        if value is None:
            IndicatorValue.objects.filter(report=report, indicator_id=indicator_id).delete()
        else:
            IndicatorValue.objects.update_or_create(
                report=report, indicator_id=indicator_id, defaults={"value": value}
            )
    return report


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def report_problems(report: QuarterlyReport) -> list[str]:
    """What blocks submission: explanations required when there is no evidence, when a task is
    late, or when an indicator misses its quarterly target."""
    problems = []
    values = {v.indicator_id: v.value for v in report.values.all()}
    for progress in report.progress.select_related("task").prefetch_related(
        "evidence", "task__indicators"
    ):
        label = f"{progress.task.code}. {progress.task.title}"
        explained = bool(progress.explanation.strip())
        if not progress.evidence.all() and not explained:
            problems.append(f"{label}: chưa có minh chứng, cần ghi giải trình.")
        if progress.status == TaskProgress.Status.LATE and not explained:
            problems.append(f"{label}: nhiệm vụ chậm tiến độ, cần ghi giải trình.")
        for indicator in progress.task.indicators.all():
            value = values.get(indicator.pk)
            target = quarterly_target(indicator, report.window)
            if value is None and target is not None:
                problems.append(f"{label}: chưa nhập giá trị chỉ tiêu “{indicator.name}”.")
            elif (
                value is not None
                and target is not None
                and _misses(indicator, value, target)
                and not explained
            ):
                problems.append(
                    f"{label}: chỉ tiêu “{indicator.name}” chưa đạt mục tiêu quý "
                    f"({_number(value)} so với {_number(target)}), cần ghi giải trình."
                )
    return problems


def _transition(report: QuarterlyReport, allowed: Collection[str], target: str) -> None:
    if report.status not in allowed:
        raise ValidationError(
            f"Không thể chuyển báo cáo từ “{report.get_status_display()}” sang "
            f"“{Status(target).label}”."
        )


@transaction.atomic
def report_submit(*, report: QuarterlyReport, user: Any) -> QuarterlyReport:
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _transition(report, EDITABLE, Status.SUBMITTED)
    if not report_is_open(report):
        raise ValidationError("Đã quá hạn nộp; liên hệ quản trị viên để mở lại báo cáo.")
    problems = report_problems(report)
    if problems:
        raise ValidationError(problems)
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.save()
    return report


def _review(report: QuarterlyReport, user: Any, target: str) -> QuarterlyReport:
    """Lock a submitted report and record the reviewer's decision (the caller saves)."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _transition(report, {Status.SUBMITTED}, target)
    report.status = target
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    return report


@transaction.atomic
def report_approve(*, report: QuarterlyReport, user: Any) -> QuarterlyReport:
    report = _review(report, user, Status.APPROVED)
    report.save()
    return report


@transaction.atomic
def report_return(*, report: QuarterlyReport, user: Any, comment: str) -> QuarterlyReport:
    report = _review(report, user, Status.RETURNED)
    if not comment.strip():
        raise ValidationError("Khi trả lại báo cáo cần ghi rõ nội dung cần bổ sung.")
    report.review_comment = comment.strip()
    # The unit gets time to fix it even when the deadline has passed.
    report.reopened_until = timezone.now() + dt.timedelta(days=RETURN_GRACE_DAYS)
    report.save()
    return report


@transaction.atomic
def report_reopen(*, report: QuarterlyReport, user: Any, days: int = 7) -> QuarterlyReport:
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status == Status.APPROVED:
        report.status = Status.DRAFT
    report.reopened_until = timezone.now() + dt.timedelta(days=days)
    report.save()
    return report


# Evidence -----------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, progress: TaskProgress, upload: UploadedFile, user: Any) -> Evidence:
    """Attach a file after checking its size and its content, not its name: what it really is
    and that it carries nothing that acts when opened (reports.evidence)."""
    if not report_is_open(progress.report):
        raise ValidationError("Báo cáo đã khóa, không thể thêm minh chứng.")
    # Django sets both for every file received in a request; the stubs also allow files built
    # by hand without them.
    name = upload.name or ""
    size = upload.size or 0
    limit = settings.EVIDENCE_MAX_MB * 1024 * 1024
    if size > limit:
        raise ValidationError(
            f"Tệp {name} dung lượng {size / 1024 / 1024:.1f} MB vượt giới hạn "
            f"{settings.EVIDENCE_MAX_MB} MB."
        )
    content_type = evidence_check(name=PurePath(name).name, data=upload.read())
    upload.seek(0)
    return Evidence.objects.create(
        progress=progress,
        file=upload,
        original_name=PurePath(name).name,
        content_type=content_type,
        size=size,
        uploaded_by=user,
    )


# Reminders ---------------------------------------------------------------------------------------


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """E-mail department heads whose report is due in 7 days and not submitted, and reviewers a
    digest of the units whose report is overdue."""
    today = today or timezone.localdate()
    sent = {"heads": 0, "reviewers": 0}
    for window in ReportingWindow.objects.filter(deadline=today + dt.timedelta(days=7)):
        for row in completeness(window=window):
            if row["state"] in SETTLED:
                continue
            heads = Membership.objects.filter(
                role=Membership.Role.DEPARTMENT_HEAD, unit=row["unit"]
            ).select_related("user")
            recipients = [m.user.email for m in heads if m.user.email]
            if recipients:
                send_mail(
                    subject=(
                        f"[Reform Portal] Nhắc nộp báo cáo {window} "
                        f"trước {window.deadline:%d/%m/%Y}"
                    ),
                    message=(
                        f"Báo cáo tiến độ {window} của {row['unit'].name} chưa được gửi. "
                        f"Hạn nộp: {window.deadline:%d/%m/%Y}."
                    ),
                    from_email=None,
                    recipient_list=recipients,
                )
                sent["heads"] += 1
    overdue_lines = []
    for window in ReportingWindow.objects.filter(deadline__lt=today).order_by("-deadline")[:4]:
        for row in completeness(window=window):
            if row["state"] not in SETTLED:
                overdue_lines.append(f"- {row['unit'].name}: {window} ({row['state_label']})")
    if overdue_lines:
        reviewers = Membership.objects.filter(role=Membership.Role.REVIEWER).select_related("user")
        recipients = [m.user.email for m in reviewers if m.user.email]
        if recipients:
            send_mail(
                subject=f"[Reform Portal] {len(overdue_lines)} báo cáo quý quá hạn",
                message="Các đơn vị chưa nộp báo cáo đúng hạn:\n" + "\n".join(overdue_lines),
                from_email=None,
                recipient_list=recipients,
            )
            sent["reviewers"] = len(recipients)
    return sent
