"""Planning periods: targets and plans saved into their period, and starting the next period
from the previous one (carry or close each unmet target and unfinished task, all or nothing)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from indices.models import Index, Period, Target
from indices.selectors_periods import current_period, previous_period
from indices.services.catalogue import target_save
from indices.services.periods import Decision, period_start_next, rollover_pending
from reports.models import Plan, QuarterlyReport, Task, TaskProgress
from reports.services_manage import plan_save
from tests import standings
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    PlanFactory,
    ReportingWindowFactory,
    TargetFactory,
    TaskAimFactory,
    TaskFactory,
    UnitFactory,
)
from tests.units.factories import SuccessionFactory
from units.models import Unit

NOTE = "Tỉnh Quảng Nam hợp nhất vào Thành phố Đà Nẵng từ 1/7/2025 (NQ 202/2025/QH15)."


@pytest.fixture
def ended(reference_units):
    """Quảng Nam's 2021–2025 period: PCI top 20 (27th of 63 in 2024: missed), PAR ≥ 85 (85 in
    2024: achieved), PAPI ≥ 45 (never assessed); a plan with a task whose department merged on
    1/7/2025, one of a department still in place, one done and one already closed."""
    home = Unit.objects.get(code="49")
    period = Period.objects.create(unit=home, start_year=2021, end_year=2025)
    indices = {i.code: i for i in Index.objects.all()}

    def target(code: str, **fields: object) -> Target:
        return TargetFactory(unit=home, index=indices[code], period=period, **fields)

    targets = {
        "pci": target("PCI", kind="rank", target_value=None, target_rank=20, baseline_rank=19),
        "par": target("PAR", kind="score", target_value=Decimal(85)),
        "papi": target("PAPI", kind="score", target_value=Decimal(45)),
    }
    standings.pci_later()
    standings.par_leagues()
    merged = SuccessionFactory(
        predecessor__kind=Unit.Kind.DEPARTMENT,
        predecessor__name="Sở Kế hoạch thử",
        successor__kind=Unit.Kind.DEPARTMENT,
        successor__name="Sở Tài chính Đà Nẵng thử",
    )
    staying = UnitFactory(kind=Unit.Kind.DEPARTMENT, name="Văn phòng thử")
    plan = PlanFactory(province=home, period=period, year_start=2021, year_end=2025)
    tasks = {
        "merged": TaskFactory(plan=plan, code="1", responsible=merged.predecessor),
        "staying": TaskFactory(plan=plan, code="2", responsible=staying),
        "done": TaskFactory(plan=plan, code="3", responsible=staying),
        "closed": TaskFactory(
            plan=plan, code="4", responsible=staying, closed_on=dt.date(2024, 1, 1)
        ),
    }
    TaskAimFactory(task=tasks["merged"], index=indices["PCI"], component_code="2")
    indicator = IndicatorFactory(task=tasks["merged"])
    IndicatorTargetFactory(indicator=indicator, year=2025, quarter=4, value=Decimal(10))
    report = QuarterlyReport.objects.create(unit=staying, window=ReportingWindowFactory())
    TaskProgress.objects.create(report=report, task=tasks["done"], status="done")
    return {"period": period, "targets": targets, "tasks": tasks, "successor": merged.successor}


def _all(ended, **overrides: Decision) -> dict[str, Decision]:
    t, k = ended["targets"], ended["tasks"]
    decisions = {
        f"target:{t['pci'].pk}": Decision("carry", target_rank=10),
        f"target:{t['papi'].pk}": Decision("close", note="PAPI không còn giao chỉ tiêu riêng."),
        f"task:{k['merged'].pk}": Decision("carry"),
        f"task:{k['staying'].pk}": Decision("close"),
    }
    return decisions | overrides


def _start(ended, decisions, **kwargs):
    arguments = {
        "previous": ended["period"],
        "unit": Unit.objects.get(code="48-2025"),
        "start_year": 2026,
        "end_year": 2030,
        "decisions": decisions,
        "note": NOTE,
        "user": None,
    } | kwargs
    return period_start_next(**arguments)


def test_pending_lists_unmet_targets_and_unfinished_tasks(ended):
    items = rollover_pending(
        previous=ended["period"], unit=Unit.objects.get(code="48-2025"), start_year=2026
    )
    t, k = ended["targets"], ended["tasks"]
    assert {i.key for i in items} == {
        f"target:{t['pci'].pk}",
        f"target:{t['papi'].pk}",
        f"task:{k['merged'].pk}",
        f"task:{k['staying'].pk}",
    }
    pci = next(i for i in items if i.key == f"target:{t['pci'].pk}")
    assert pci.needs_rank
    assert pci.rank_out_of == (63, 34)
    assert "27/63" in pci.detail


def test_rollover_carries_and_closes_targets_and_tasks(ended):
    period = _start(ended, _all(ended), today=dt.date(2026, 1, 5))
    da_nang = Unit.objects.get(code="48-2025")
    assert (period.unit, period.previous, period.note) == (da_nang, ended["period"], NOTE)
    carried = period.targets.get()
    old_pci = ended["targets"]["pci"]
    assert carried.carried_from == old_pci
    assert (carried.unit, carried.target_rank, carried.period_start, carried.period_end) == (
        da_nang,
        10,
        2026,
        2030,
    )
    assert carried.baseline_rank == 27
    assert carried.note.startswith("Chuyển từ giai đoạn 2021–2025 của Tỉnh Quảng Nam: ")
    papi = Target.objects.get(pk=ended["targets"]["papi"].pk)
    assert papi.closed_on == dt.date(2026, 1, 5)
    assert papi.closing_note == "PAPI không còn giao chỉ tiêu riêng."
    assert Target.objects.get(pk=ended["targets"]["par"].pk).carried_to.count() == 0

    plan = Plan.objects.get(period=period)
    assert (plan.province, plan.year_start, plan.year_end) == (da_nang, 2026, 2030)
    task = plan.tasks.get()
    assert task.carried_from == ended["tasks"]["merged"]
    assert task.responsible == ended["successor"]
    assert (task.start_date, task.due_date) == (dt.date(2026, 1, 1), dt.date(2030, 12, 31))
    assert [(a.index.code, a.component_code) for a in task.aims.all()] == [("PCI", "2")]
    indicator = task.indicators.get()
    assert sorted(indicator.targets.values_list("year", flat=True)) == list(range(2026, 2031))
    staying = Task.objects.get(pk=ended["tasks"]["staying"].pk)
    assert (staying.closed_on, staying.closing_note) == (dt.date(2026, 1, 5), NOTE)
    event = AuditEvent.objects.get(object_type="indices.period", object_id=str(period.pk))
    assert "mục tiêu chuyển tiếp 1, khép lại 1" in event.description
    assert "nhiệm vụ chuyển tiếp 1, khép lại 1" in event.description


def test_rank_target_from_63_to_34_provinces_needs_a_new_rank(ended):
    key = f"target:{ended['targets']['pci'].pk}"
    with pytest.raises(ValidationError) as error:
        _start(ended, _all(ended, **{key: Decision("carry")}))
    assert "63 tỉnh" in str(error.value)
    assert "34 tỉnh" in str(error.value)
    assert not Period.objects.filter(unit__code="48-2025").exists()
    # Closing it instead is fine.
    period = _start(ended, _all(ended, **{key: Decision("close")}))
    assert not period.targets.exists()


def test_second_rollover_into_the_same_period_is_refused(ended):
    _start(ended, _all(ended))
    with pytest.raises(ValidationError, match="đã được chuyển sang giai đoạn mới"):
        _start(ended, {})


def test_rollover_is_all_or_nothing(ended):
    abolished = UnitFactory(
        kind=Unit.Kind.DISTRICT, name="Huyện thử", valid_to=dt.date(2025, 6, 30)
    )
    task = TaskFactory(plan=ended["tasks"]["merged"].plan, code="9", responsible=abolished)
    decisions = _all(ended, **{f"task:{task.pk}": Decision("carry")})
    with pytest.raises(ValidationError) as error:
        _start(ended, decisions)
    assert "Nhiệm vụ 9" in str(error.value)
    assert "Huyện thử" in str(error.value)
    assert not Period.objects.filter(unit__code="48-2025").exists()
    assert not Target.objects.filter(closed_on__isnull=False).exists()
    assert not Task.objects.filter(closed_on__gte=dt.date(2025, 1, 1)).exists()
    assert Plan.objects.count() == 1


def test_rollover_names_undecided_items_and_needs_a_note_across_units(ended):
    with pytest.raises(ValidationError) as error:
        _start(ended, {}, note="")
    messages = error.value.messages
    assert any("cần ghi chú" in m for m in messages)
    assert any("PCI" in m and "chưa chọn" in m for m in messages)
    assert any("Nhiệm vụ 1." in m for m in messages)


def test_rollover_into_a_unit_that_is_not_the_successor_is_refused(ended):
    with pytest.raises(ValidationError, match="không phải đơn vị kế thừa"):
        _start(ended, _all(ended), unit=Unit.objects.get(code="01"))


def test_a_period_starts_right_after_the_previous_one_and_not_before_its_last_year(ended):
    # A typo (2040–2045 for 2026–2030) would carry everything over years later: refused.
    with pytest.raises(ValidationError, match="phải bắt đầu ngay sau giai đoạn trước: năm 2026"):
        _start(ended, _all(ended), start_year=2040, end_year=2045)
    assert not Period.objects.filter(start_year=2040).exists()
    # The next period can be opened from the previous one's last year on, not earlier.
    period = _start(ended, _all(ended))
    with pytest.raises(ValidationError, match="chưa đến năm cuối"):
        _start({**ended, "period": period}, {}, start_year=2031, end_year=2035)


def test_current_and_previous_period(ended):
    period = _start(ended, _all(ended))
    da_nang = Unit.objects.get(code="48-2025")
    assert current_period(da_nang, year=2027) == period
    assert previous_period(period) == ended["period"]
    assert current_period(Unit.objects.get(code="49"), year=2027) == ended["period"]


def test_target_save_puts_the_target_in_its_period(reference_units):
    unit = Unit.objects.get(code="48-2025")
    par = Index.objects.get(code="PAR")
    target = target_save(
        unit=unit,
        index=par,
        kind="score",
        target_value=Decimal(90),
        baseline_year=2025,
        target_year=2030,
    )
    assert (target.period.unit, target.period.start_year, target.period.end_year) == (
        unit,
        2026,
        2030,
    )
    assert (target.period_start, target.period_end) == (2026, 2030)
    with pytest.raises(ValidationError, match="ngoài giai đoạn"):
        target_save(
            unit=unit,
            index=par,
            kind="rank",
            target_rank=5,
            baseline_year=2025,
            target_year=2030,
            period_start=2021,
            period_end=2025,
        )


def test_plan_save_puts_the_plan_in_its_period(reference_units):
    unit = Unit.objects.get(code="48-2025")
    plan = plan_save(
        plan=None,
        name="Kế hoạch 2026–2030",
        decision="",
        year_start=2026,
        year_end=2030,
        province=unit,
    )
    assert (plan.period.unit, plan.period.start_year, plan.period.end_year) == (unit, 2026, 2030)
    shorter = plan_save(
        plan=None, name="Khác", decision="", year_start=2026, year_end=2028, province=unit
    )
    assert shorter.period == plan.period


def test_start_period_command(ended):
    out = io.StringIO()
    call_command(
        "start_period",
        "--from-unit=49",
        "--from-year=2021",
        "--unit=48-2025",
        "--years=2026-2030",
        "--carry-all",
        "--rank=PCI=10",
        f"--note={NOTE}",
        stdout=out,
    )
    period = Period.objects.get(unit__code="48-2025", start_year=2026)
    assert period.targets.count() == 2
    assert "Đã mở giai đoạn 2026–2030" in out.getvalue()
    with pytest.raises(CommandError, match="đã được chuyển"):
        call_command(
            "start_period",
            "--from-unit=49",
            "--from-year=2021",
            "--unit=48-2025",
            "--years=2026-2030",
            "--close-all",
            f"--note={NOTE}",
            stdout=io.StringIO(),
        )


def test_start_period_command_refuses_a_rank_without_its_new_rank(ended):
    with pytest.raises(CommandError, match="34 tỉnh"):
        call_command(
            "start_period",
            "--from-unit=49",
            "--from-year=2021",
            "--unit=48-2025",
            "--years=2026-2030",
            "--carry-all",
            f"--note={NOTE}",
            stdout=io.StringIO(),
        )
    assert not Period.objects.filter(unit__code="48-2025").exists()
