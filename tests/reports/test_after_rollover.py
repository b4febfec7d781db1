"""After a task is carried into a new period or closed, and after a unit has ended: the
superseded task is neither reported on, nor late, nor offered as a way to raise an index; a
locked report never changes when a quarter's report is opened again; an ended unit's missing
report is not listed as overdue; the progress page opens on the quarter in progress."""

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import QuarterlyReport
from reports.selectors import current_window, overdue_reports, tasks_aiming_at
from reports.services import report_open
from tests.factories import (
    IndexFactory,
    PlanFactory,
    ReportingWindowFactory,
    TaskAimFactory,
    TaskFactory,
)
from units.models import Unit

TODAY = dt.date(2026, 11, 28)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


@pytest.fixture
def carried(reference_units):
    """Task 3 of the 2021–2025 plan, carried into the 2026–2030 plan as a copy led by today's
    Sở Tài chính; task 6 closed at the rollover."""
    old = PlanFactory(province=_unit("49"))
    new = PlanFactory(province=_unit("48-2025"), year_start=2026, year_end=2030)
    stc = _unit("48-2025.STC")
    original = TaskFactory(
        plan=old,
        code="3",
        responsible=stc,
        start_date=dt.date(2021, 1, 1),
        due_date=dt.date(2025, 6, 30),
    )
    copy = TaskFactory(
        plan=new,
        code="3",
        responsible=stc,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2030, 12, 31),
        carried_from=original,
    )
    closed = TaskFactory(
        plan=old,
        code="6",
        responsible=stc,
        start_date=dt.date(2021, 1, 1),
        due_date=dt.date(2025, 6, 30),
        closed_on=dt.date(2026, 1, 1),
        closing_note="Khép lại khi mở giai đoạn 2026–2030.",
    )
    index = IndexFactory(code="PCI_T")
    for task in (original, copy, closed):
        TaskAimFactory(task=task, index=index, component_code="4")
    return {"original": original, "copy": copy, "closed": closed, "unit": stc}


@pytest.mark.django_db
def test_a_quarter_reports_the_live_copy_not_the_carried_or_closed_task(carried):
    window = ReportingWindowFactory(year=2026, quarter=4)
    report = report_open(unit=carried["unit"], window=window)
    assert list(report.progress.values_list("task_id", flat=True)) == [carried["copy"].pk]


@pytest.mark.django_db
def test_a_locked_report_is_not_changed_by_opening_it_again(carried):
    window = ReportingWindowFactory(year=2026, quarter=4)
    report = QuarterlyReport.objects.create(
        unit=carried["unit"], window=window, status=QuarterlyReport.Status.SUBMITTED
    )
    assert report_open(unit=carried["unit"], window=window) == report
    assert not report.progress.exists()


@pytest.mark.django_db
def test_only_the_live_copy_is_offered_as_a_way_to_raise_the_index(carried):
    found = tasks_aiming_at(components={("PCI_T", "4")})
    assert [row["task"] for row in found[("PCI_T", "4")]] == [carried["copy"]]
    assert found[("PCI_T", "4")][0]["status"] is None  # nobody reported on it yet
    # Until the copy has a report of its own, its original's latest report is its progress.
    window = ReportingWindowFactory(year=2025, quarter=2)
    report = QuarterlyReport.objects.create(unit=_unit("49.STC"), window=window)
    report.progress.create(task=carried["original"], status="in_progress", percent_complete=75)
    row = tasks_aiming_at(components={("PCI_T", "4")})[("PCI_T", "4")][0]
    assert (row["task"], row["status"], row["percent"], row["report_id"]) == (
        carried["copy"],
        "in_progress",
        75,
        report.pk,
    )


@pytest.mark.django_db
def test_an_ended_units_missing_report_is_not_overdue(reference_units):
    window = ReportingWindowFactory(
        year=2025, quarter=2, opens_on=dt.date(2025, 6, 10), deadline=dt.date(2025, 7, 15)
    )
    TaskFactory(
        plan=PlanFactory(province=_unit("49")),
        responsible=_unit("49.STC"),
        start_date=dt.date(2021, 1, 1),
        due_date=dt.date(2025, 6, 30),
    )
    # Quảng Nam's Sở Tài chính led the task at the quarter's end and never filed; it ended on
    # 30/6/2025, so nobody can file any more: history, not something to chase.
    assert window.deadline < timezone.localdate()
    assert overdue_reports() == []


@pytest.mark.django_db
def test_the_progress_page_opens_on_the_quarter_in_progress(reference_units):
    ReportingWindowFactory(
        year=2025, quarter=2, opens_on=dt.date(2025, 6, 10), deadline=dt.date(2025, 7, 15)
    )
    now = ReportingWindowFactory(
        year=2026, quarter=4, opens_on=dt.date(2026, 12, 11), deadline=dt.date(2027, 1, 15)
    )
    assert current_window(today=TODAY) == now
