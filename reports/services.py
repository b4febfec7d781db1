"""Writes for quarterly progress: reports, the review workflow, evidence, reminders."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import AuditKind, audit_record
from reports.evidence import evidence_check
from reports.models import (
    Evidence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    QuarterlyReport,
    ReopenRequest,
    ReportingWindow,
    Task,
    TaskProgress,
    evidence_path,
    quarter_bounds,
)
from reports.selectors import SETTLED, completeness
from reports.services_successions import unit_files_quarter_check
from units.models import Membership, Unit

logger = logging.getLogger(__name__)
Status = QuarterlyReport.Status
EDITABLE = {Status.DRAFT, Status.RETURNED}
REOPEN_DAYS = 7


def report_is_open(report: QuarterlyReport, *, now: dt.datetime | None = None) -> bool:
    """Editable by its unit: a returned report until it is resubmitted, whatever the date; a
    draft before the deadline or while it has been reopened. Submitted and approved reports
    are locked."""
    now = now or timezone.now()
    if report.status == Status.RETURNED:
        return True
    if report.status != Status.DRAFT:
        return False
    if report.reopened_until and now <= report.reopened_until:
        return True
    return timezone.localdate(now) <= report.window.deadline


def _day(moment: dt.datetime | dt.date | None) -> str:
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return formats.date_format(moment, "SHORT_DATE_FORMAT") if moment else ""


def report_lock_reason(report: QuarterlyReport, *, now: dt.datetime | None = None) -> str:
    """Why the unit can no longer change the report, in words a department head can act on;
    empty while it is editable."""
    now = now or timezone.now()
    if report_is_open(report, now=now):
        return ""
    if report.status == Status.SUBMITTED:
        return _("Đã nộp ngày %(date)s, đang chờ duyệt.") % {"date": _day(report.submitted_at)}
    if report.status == Status.APPROVED:
        return _("Đã duyệt ngày %(date)s.") % {"date": _day(report.reviewed_at)}
    reopened = report.reopened_until
    if reopened and timezone.localtime(reopened).date() > report.window.deadline:
        return _("Thời hạn mở lại đã hết ngày %(date)s.") % {"date": _day(reopened)}
    return _("Kỳ báo cáo đã đóng ngày %(date)s.") % {"date": _day(report.window.deadline)}


def superseded(start: dt.date, end: dt.date, *, prefix: str = "") -> Q:
    """Tasks a quarter no longer reports on: closed before it began, or carried into a later
    period whose copy has begun by its end (the copy is reported). `prefix` reaches the task
    from another model ("task__")."""
    return Q(**{f"{prefix}closed_on__lt": start}) | Q(
        **{f"{prefix}carried_to__start_date__lte": end}
    )


def _tasks_for(unit: Unit, window: ReportingWindow) -> Iterable[Task]:
    """The tasks the unit reports on for the quarter: begun by its end and not superseded."""
    start, end = quarter_bounds(window.year, window.quarter)
    return (
        Task.objects.filter(responsible=unit, start_date__lte=end)
        .exclude(superseded(start, end))
        .order_by("code")
    )


def _filer_check(unit: Unit, window: ReportingWindow) -> None:
    _start, end = quarter_bounds(window.year, window.quarter)
    unit_files_quarter_check(unit=unit, window=window, end=end)


@transaction.atomic
def report_open(*, unit: Unit, window: ReportingWindow) -> QuarterlyReport:
    """The unit's report for the quarter, created with one progress row per task it leads.
    Refused for a unit that did not exist on the quarter's last day (its successor files)."""
    _filer_check(unit, window)
    report, created = QuarterlyReport.objects.get_or_create(unit=unit, window=window)
    if not created and not report_is_open(report):
        return report  # a locked report is never changed, not even by a task added since
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


def indicator_misses(indicator: Indicator, value: Decimal, target: Decimal | None) -> bool:
    """Whether a value misses its target, in the indicator's direction (a time or a cost: lower
    is better)."""
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
    """Save what a department head typed. Refused, with the reason, when the report is locked.
    The report is read again under a row lock: a save racing a submission (a double click)
    sees the submission and is refused, never writes into a submitted report."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if not report_is_open(report):
        raise ValidationError(
            _("Báo cáo đã khóa: %(reason)s") % {"reason": report_lock_reason(report)}
        )
    rows = {p.pk: p for p in report.progress.select_related("task")}
    for entry in entries:
        progress = rows.get(entry["id"])
        if progress is None:
            raise ValidationError(_("Nhiệm vụ không thuộc báo cáo này."))
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
            raise ValidationError(_("Chỉ tiêu không thuộc báo cáo này."))
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
                and indicator_misses(indicator, value, target)
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
            _("Không thể chuyển báo cáo từ “%(old)s” sang “%(new)s”.")
            % {"old": report.get_status_display(), "new": Status(target).label}
        )


@transaction.atomic
def report_submit(*, report: QuarterlyReport, user: Any) -> QuarterlyReport:
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _transition(report, EDITABLE, Status.SUBMITTED)
    _filer_check(report.unit, report.window)
    if not report_is_open(report):
        raise ValidationError(
            _("Báo cáo đã khóa: %(reason)s Hãy gửi đề nghị mở lại.")
            % {"reason": report_lock_reason(report)}
        )
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
    audit_record(kind=AuditKind.REPORT_APPROVE, user=user, obj=report)
    return report


@transaction.atomic
def report_return(*, report: QuarterlyReport, user: Any, comment: str) -> QuarterlyReport:
    report = _review(report, user, Status.RETURNED)
    if not comment.strip():
        raise ValidationError(_("Khi trả lại báo cáo cần ghi rõ nội dung cần bổ sung."))
    report.review_comment = comment.strip()
    # A returned report stays editable until it is resubmitted (report_is_open), even after
    # the quarter's deadline: no reopening date is needed.
    report.save()
    audit_record(kind=AuditKind.REPORT_RETURN, user=user, obj=report, description=comment.strip())
    _pending_settle(report, user, _("Báo cáo đã được trả lại để bổ sung."))
    return report


def _reopen(report: QuarterlyReport, days: int) -> None:
    """Make a locked report a draft its unit may edit for `days` days (the caller saves)."""
    if report.status in (Status.SUBMITTED, Status.APPROVED):
        report.status = Status.DRAFT
    report.reopened_until = timezone.now() + dt.timedelta(days=days)


def _pending_settle(report: QuarterlyReport, user: Any, note: str) -> None:
    """A pending request is answered by whatever made the report editable again."""
    ReopenRequest.objects.filter(report=report, status=ReopenRequest.Status.PENDING).update(
        status=ReopenRequest.Status.GRANTED,
        decided_by=user,
        decided_at=timezone.now(),
        decision_note=note,
    )


@transaction.atomic
def report_reopen(
    *, report: QuarterlyReport, user: Any, days: int = REOPEN_DAYS
) -> QuarterlyReport:
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _reopen(report, days)
    report.save()
    audit_record(kind=AuditKind.REPORT_REOPEN, user=user, obj=report, description="Mở trực tiếp")
    _pending_settle(report, user, _("Quản trị viên đã mở lại báo cáo."))
    return report


# Reopening on request -----------------------------------------------------------------------------


@transaction.atomic
def reopen_request_create(*, report: QuarterlyReport, user: Any, reason: str) -> ReopenRequest:
    """The unit asks for its locked report to be reopened. One request waits at a time."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if report_is_open(report):
        raise ValidationError(_("Báo cáo đang mở, có thể sửa trực tiếp."))
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do cần mở lại báo cáo."))
    if report.reopen_requests.filter(status=ReopenRequest.Status.PENDING).exists():
        raise ValidationError(_("Đã có một đề nghị mở lại đang chờ xử lý."))
    return ReopenRequest.objects.create(report=report, reason=reason.strip(), requested_by=user)


@transaction.atomic
def reopen_request_decide(
    *, request: ReopenRequest, user: Any, grant: bool, note: str = ""
) -> ReopenRequest:
    """Grant (the report becomes an editable draft for REOPEN_DAYS days) or refuse (a reason
    is required) a pending request; the decision is recorded on the request."""
    request = ReopenRequest.objects.select_for_update().select_related("report").get(pk=request.pk)
    if request.status != ReopenRequest.Status.PENDING:
        raise ValidationError(_("Đề nghị này đã được xử lý."))
    if not grant and not note.strip():
        raise ValidationError(_("Khi không đồng ý mở lại cần ghi rõ lý do."))
    if grant:
        report = QuarterlyReport.objects.select_for_update().get(pk=request.report_id)
        _reopen(report, REOPEN_DAYS)
        report.save()
        audit_record(
            kind=AuditKind.REPORT_REOPEN, user=user, obj=report, description=request.reason
        )
    request.status = ReopenRequest.Status.GRANTED if grant else ReopenRequest.Status.REFUSED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request


# Evidence -----------------------------------------------------------------------------------------


def _evidence_store(upload: UploadedFile, name: str) -> str:
    """Write the file under a new random name; the stored name. A file that cannot be written
    whole (the evidence folder is full, not writable) leaves nothing behind: the part written
    is removed and the reason raised as a ValidationError naming the file."""
    target = evidence_path(None, name)
    try:
        return default_storage.save(target, upload)
    except OSError as error:
        with contextlib.suppress(OSError):
            default_storage.delete(target)  # a partly written file (Django leaves it)
        logger.error("evidence %s not stored in %s: %s", name, target, error)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = _("thư mục lưu minh chứng trên máy chủ đã hết dung lượng")
        else:
            reason = _("máy chủ không ghi được tệp vào thư mục lưu minh chứng")
        raise ValidationError(
            _(
                "Tệp %(name)s chưa được lưu: %(reason)s. Nội dung báo cáo đã được lưu; hãy báo "
                "quản trị viên và tải tệp lên lại sau."
            )
            % {"name": name, "reason": reason},
            code="storage",
        ) from error


def evidence_add(*, progress: TaskProgress, upload: UploadedFile, user: Any) -> Evidence:
    """Attach a file after checking its size and its content, not its name: what it really is
    and that it carries nothing that acts when opened (reports.evidence). The file is written
    first, then its row; when the row cannot be written the file is removed again."""
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
    stored = _evidence_store(upload, PurePath(name).name)
    try:
        with transaction.atomic():
            return Evidence.objects.create(
                progress=progress,
                file=stored,
                original_name=PurePath(name).name,
                content_type=content_type,
                size=size,
                uploaded_by=user,
            )
    except BaseException:
        default_storage.delete(stored)
        raise


def report_save(
    *,
    report: QuarterlyReport,
    user: Any,
    entries: list[dict[str, Any]],
    values: dict[int, Decimal | None],
    uploads: Mapping[int, Sequence[UploadedFile]],
) -> list[Evidence]:
    """Save the typed text, then attach the files chosen in the same form (by progress row).

    The text is committed before any file is checked, so a refused file never costs what was
    typed; the files that are refused are reported together in one ValidationError raised
    after the others are stored."""
    progress_save(report=report, user=user, entries=entries, values=values)
    rows = {p.pk: p for p in report.progress.select_related("report__window")}
    added: list[Evidence] = []
    refused: list[str] = []
    for progress_id, files in uploads.items():
        progress = rows.get(progress_id)
        if progress is None:
            refused.append(_("Nhiệm vụ không thuộc báo cáo này."))
            continue
        for upload in files:
            try:
                added.append(evidence_add(progress=progress, upload=upload, user=user))
            except ValidationError as error:
                refused.extend(error.messages)
    if refused:
        raise ValidationError(refused)
    return added


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
