"""Demo plan and reports: Quảng Nam's 2021–2025 reform scheme (illustrative tasks and
indicators, assigned to the departments of the time), reporting windows, reports in every state
of the workflow, and the tasks handed over through the 2025 restructurings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indices.models import Index
from reports.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Plan,
    QuarterlyReport,
    ReportingWindow,
    Task,
    TaskAim,
    TaskProgress,
)
from reports.services import quarter_bounds, report_open
from reports.services_successions import tasks_hand_over
from units.models import Unit

TASKS = [
    # code, responsible unit, title, aims (index, component),
    # indicator (name, measure, direction, baseline, quarterly target)
    (
        "1",
        "49.STTTT",
        "Nâng tỷ lệ văn bản trao đổi dưới dạng điện tử giữa các cơ quan lên trên 95%",
        [("PAR", "7"), ("ICT", "3")],
        ("Tỷ lệ văn bản điện tử", "%", "higher", 88, 95),
    ),
    (
        "2",
        "49.STTTT",
        "Cung cấp dịch vụ công trực tuyến toàn trình cho các thủ tục đủ điều kiện",
        [("PAPI", "8"), ("PAR", "7")],
        ("Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "higher", 35, 60),
    ),
    (
        "3",
        "49.SKHDT",
        "Rút ngắn thời gian cấp giấy chứng nhận đăng ký đầu tư",
        [("PCI", "4"), ("PCI", "1")],
        ("Thời gian cấp GCN đăng ký đầu tư", "ngày", "lower", 15, 10),
    ),
    (
        "4",
        "49.SKHDT",
        "Tổ chức đối thoại doanh nghiệp định kỳ hằng quý",
        [("PCI", "7"), ("PCI", "3")],
        ("Số cuộc đối thoại doanh nghiệp", "cuộc", "higher", 2, 3),
    ),
    (
        "5",
        "49.STNMT",
        "Cắt giảm thời gian giải quyết thủ tục đất đai",
        [("PCI", "2"), ("PAR", "3")],
        ("Thời gian giải quyết thủ tục đất đai", "ngày", "lower", 30, 20),
    ),
    (
        "6",
        "49.STP",
        "Rà soát, công bố thủ tục hành chính và văn bản quy phạm pháp luật",
        [("PAR", "2"), ("PCI", "10")],
        None,
    ),
    (
        "7",
        "49.SNV",
        "Đánh giá, xếp hạng Chỉ số CCHC các sở, ngành và địa phương",
        [("PAR", "1")],
        None,
    ),
    (
        "8",
        "502",
        "Nâng cao chất lượng Bộ phận một cửa cấp huyện (Tam Kỳ)",
        [("PAPI", "5"), ("PAR", "3")],
        ("Tỷ lệ hồ sơ giải quyết đúng hạn", "%", "higher", 92, 98),
    ),
    (
        "9",
        "515",
        "Công khai, minh bạch thông tin ngân sách và đất đai cấp xã (Bắc Trà My)",
        [("PAPI", "2"), ("PCI", "3")],
        None,
    ),
]


def _windows(today: dt.date) -> list[ReportingWindow]:
    """2024 Q3 and Q4 (filed by the departments of the time), 2025 Q1 and Q2 (by Quảng Nam's
    departments after the 1/3/2025 restructuring) and this quarter (by the new Đà Nẵng's)."""
    windows = []
    current_quarter = (today.month - 1) // 3 + 1
    for year, quarter in (
        (2024, 3),
        (2024, 4),
        (2025, 1),
        (2025, 2),
        (today.year, current_quarter),
    ):
        _start, end = quarter_bounds(year, quarter)
        window, _created = ReportingWindow.objects.get_or_create(
            year=year,
            quarter=quarter,
            defaults={
                "opens_on": end - dt.timedelta(days=20),
                "deadline": end + dt.timedelta(days=15),
            },
        )
        windows.append(window)
    return windows


# Which unit files for which quarter, and in what state: a quarter's report is filed by the unit
# that existed at the quarter's end, so the tasks of Sở KH&ĐT and Sở TT&TT are reported by them
# in 2024, by Sở Tài chính and Sở KH&CN of Quảng Nam in 2025 (after 1/3/2025), and by the new Đà
# Nẵng's departments this quarter. unit → (first quarter's state, second quarter's state).
STATES_2024 = {
    "49.STTTT": ("approved", "approved"),
    "49.SKHDT": ("approved", "approved"),
    "49.STNMT": ("approved", "approved"),
    "49.STP": ("approved", "submitted"),
    "502": ("approved", "approved"),
}
STATES_2025 = {
    "49.SKHCN": ("approved", "returned"),
    "49.STC": ("approved", "submitted"),
    "49.SNNMT": ("approved", "draft"),
    "49.STP": ("submitted", None),
    "502": ("approved", "approved"),
}
STATES_NOW = {"48-2025.STC": "submitted", "48-2025.SKHCN": "draft"}
RESTRUCTURED = dt.date(2025, 3, 1)


@transaction.atomic
def progress_demo_load(*, today: dt.date | None = None) -> int:
    """Idempotent: nothing is added when the demo plan exists. The tasks are handed over to the
    successors of their units as the demo's quarters go by (tasks_hand_over)."""
    if Plan.objects.filter(is_demo=True).exists():
        return 0
    today = today or timezone.localdate()
    _demo_plan_create(today)
    q3_2024, q4_2024, q1, q2, current = _windows(today)
    reviewer = get_user_model().objects.filter(username="thamdinh").first()
    count = _demo_reports(STATES_2024, (q3_2024, q4_2024), reviewer)
    tasks_hand_over(on=RESTRUCTURED)
    count += _demo_reports(STATES_2025, (q1, q2), reviewer)
    tasks_hand_over(on=today)
    # This quarter: Sở Tài chính has filed early (read-only for its head, awaiting review);
    # Sở KH&CN's report is opened, not yet written.
    for unit_code, state in STATES_NOW.items():
        report = report_open(unit=Unit.objects.get(code=unit_code), window=current)
        if state != "draft":
            _demo_progress_fill(report, first_quarter=True)
        _demo_report_settle(report, window=current, state=state, reviewer=None)
        if state == "submitted":
            filed = min(current.deadline, today) - dt.timedelta(days=1)
            report.submitted_at = timezone.make_aware(dt.datetime.combine(filed, dt.time(9)))
            report.save(update_fields=["submitted_at"])
        count += 1
    return count


def _demo_reports(
    states: Mapping[str, tuple[str | None, ...]],
    windows: tuple[ReportingWindow, ...],
    reviewer: Any,
) -> int:
    count = 0
    for unit_code, row in states.items():
        unit = Unit.objects.get(code=unit_code)
        for window, state in zip(windows, row, strict=True):
            if state is None:
                continue
            report = report_open(unit=unit, window=window)
            _demo_progress_fill(report, first_quarter=window == windows[0])
            _demo_report_settle(report, window=window, state=state, reviewer=reviewer)
            count += 1
    return count


def _demo_plan_create(today: dt.date) -> Plan:
    """The demo plan with its tasks, the components they aim at, and their indicators' targets
    for every quarter of 2025 and of this year."""
    province = Unit.objects.get(code="49")
    plan = Plan.objects.create(
        name=(
            "Đề án nâng cao Chỉ số CCHC, PAPI, PCI và chuyển đổi số tỉnh Quảng Nam "
            "giai đoạn 2021–2025 (minh họa)"
        ),
        decision="QĐ …/QĐ-UBND (minh họa)",
        province=province,
        is_demo=True,
    )
    indices = {i.code: i for i in Index.objects.all()}
    for code, unit_code, title, aims, indicator in TASKS:
        task = Task.objects.create(
            plan=plan,
            code=code,
            title=title,
            responsible=Unit.objects.get(code=unit_code),
            start_date=dt.date(2021, 1, 1),
            due_date=dt.date(2025, 6, 30),
        )
        for index_code, component in aims:
            TaskAim.objects.create(task=task, index=indices[index_code], component_code=component)
        if indicator:
            name, measure, direction, base, goal = indicator
            item = Indicator.objects.create(
                task=task,
                name=name,
                unit_of_measure=measure,
                direction=direction,
                baseline=Decimal(base),
            )
            for year in sorted({2024, 2025, today.year}):
                for quarter in (1, 2, 3, 4):
                    IndicatorTarget.objects.get_or_create(
                        indicator=item,
                        year=year,
                        quarter=quarter,
                        defaults={"value": Decimal(goal)},
                    )
    return plan


def _demo_progress_fill(report: QuarterlyReport, *, first_quarter: bool) -> None:
    for progress in report.progress.select_related("task"):
        progress.status = (
            TaskProgress.Status.IN_PROGRESS if first_quarter else TaskProgress.Status.LATE
        )
        progress.percent_complete = 60 if first_quarter else 75
        progress.done = "Đã triển khai theo kế hoạch; kết quả chi tiết trong báo cáo (minh họa)."
        progress.explanation = "Minh chứng lưu tại Sở Nội vụ (dữ liệu minh họa)."
        progress.save()
        for measured in progress.task.indicators.all():
            IndicatorValue.objects.create(
                report=report,
                indicator=measured,
                value=(measured.baseline or 0) + (3 if first_quarter else 5),
            )


def _demo_report_settle(
    report: QuarterlyReport, *, window: ReportingWindow, state: str, reviewer: Any
) -> None:
    """Put the report in the workflow state the demo shows, as if submitted at 9:00 on the
    deadline and reviewed at once."""
    report.status = state
    report.is_demo = True
    if state != "draft":
        report.submitted_at = timezone.make_aware(dt.datetime.combine(window.deadline, dt.time(9)))
    if state in ("approved", "returned"):
        report.reviewed_by = reviewer
        report.reviewed_at = report.submitted_at
    if state == "returned":
        report.review_comment = "Đề nghị bổ sung minh chứng cho kết quả số hóa hồ sơ (minh họa)."
    report.save()
