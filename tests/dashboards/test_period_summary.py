"""The home page's planning periods: the current period's targets, and how the previous one
ended (achieved or missed by how much, a rank with what it is out of, each item's fate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from dashboards.selectors.periods import period_summary
from indices.models import Index, Period, Target
from indices.services.periods import Decision, period_start_next
from tests import standings
from tests.factories import PlanFactory, TargetFactory, TaskFactory, UnitFactory
from units.models import Unit


@pytest.fixture
def rolled_over(reference_units):
    """Quảng Nam 2021–2025: PCI top 20 (27th of 63 in 2024), PAR ≥ 86 (85 in 2024), PAPI ≥ 45
    (never assessed); two unfinished tasks. Đà Nẵng's 2026–2030 started from it: PCI carried
    as top 10 of 34, PAR carried, PAPI closed; one task carried, one closed."""
    home = Unit.objects.get(code="49")
    period = Period.objects.create(unit=home, start_year=2021, end_year=2025)
    indices = {i.code: i for i in Index.objects.all()}

    def target(code: str, **fields: object) -> Target:
        return TargetFactory(unit=home, index=indices[code], period=period, **fields)

    targets = {
        "pci": target("PCI", kind="rank", target_value=None, target_rank=20),
        "par": target("PAR", kind="score", target_value=Decimal(86)),
        "papi": target("PAPI", kind="score", target_value=Decimal(45)),
    }
    standings.pci_later()
    standings.par_leagues()
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, name="Văn phòng thử")
    plan = PlanFactory(province=home, period=period)
    carried = TaskFactory(plan=plan, code="1", title="Số hóa hồ sơ", responsible=department)
    closed = TaskFactory(plan=plan, code="2", title="Đối thoại", responsible=department)
    new = period_start_next(
        previous=period,
        unit=Unit.objects.get(code="48-2025"),
        start_year=2026,
        end_year=2030,
        decisions={
            f"target:{targets['pci'].pk}": Decision("carry", target_rank=10),
            f"target:{targets['par'].pk}": Decision("carry"),
            f"target:{targets['papi'].pk}": Decision("close", note="Không giao riêng nữa."),
            f"task:{carried.pk}": Decision("carry"),
            f"task:{closed.pk}": Decision("close", note="Đã lồng vào nhiệm vụ thường xuyên."),
        },
        note="Quảng Nam hợp nhất vào Đà Nẵng từ 1/7/2025.",
        user=None,
        today=dt.date(2026, 1, 5),
    )
    return {"previous": period, "period": new, "targets": targets}


def test_summary_of_the_successor_names_the_predecessor_period(rolled_over):
    summary = period_summary(Unit.objects.get(code="48-2025"))
    assert summary is not None
    current = summary["current"]
    assert current["years"] == "2026–2030"
    assert current["unit"].code == "48-2025"
    carried = {row["target"].index.code: row["target"] for row in current["targets"]}
    assert carried["PCI"].target_rank == 10
    assert carried["PAR"].target_value == 86
    ending = summary["previous"]
    assert ending["title"] == "Giai đoạn 2021–2025 của Tỉnh Quảng Nam"


def test_previous_period_ending_says_by_how_much_and_out_of_what(rolled_over):
    ending = period_summary(Unit.objects.get(code="48-2025"))["previous"]
    rows = {row["target"].index.code: row for row in ending["targets"]}
    assert rows["PCI"]["outcome"] == "missed"
    assert rows["PCI"]["figures"] == "hạng 27/63, mục tiêu top 20: thiếu 7 bậc"
    assert rows["PCI"]["year"] == 2024
    assert rows["PCI"]["fate"] == "carried"
    assert rows["PAR"]["outcome"] == "missed"
    assert rows["PAR"]["figures"].endswith("mục tiêu ≥ 86: thiếu 1,00 điểm")
    assert rows["PAPI"]["outcome"] == "not_assessed"
    assert (rows["PAPI"]["fate"], rows["PAPI"]["note"]) == ("closed", "Không giao riêng nữa.")
    assert ending["counts"] == {"achieved": 0, "missed": 2, "not_assessed": 1}
    tasks = {row["task"].code: row for row in ending["tasks"]}
    assert tasks["1"]["fate"] == "carried"
    assert (tasks["2"]["fate"], tasks["2"]["note"]) == (
        "closed",
        "Đã lồng vào nhiệm vụ thường xuyên.",
    )


def test_achieved_target_says_by_how_much_it_beat_the_goal(reference_units):
    home = Unit.objects.get(code="49")
    period = Period.objects.create(unit=home, start_year=2021, end_year=2025)
    TargetFactory(
        unit=home,
        index=Index.objects.get(code="PCI"),
        period=period,
        kind="rank",
        target_value=None,
        target_rank=30,
    )
    standings.pci_later()
    row = period_summary(home)["current"]["targets"][0]
    assert row["status"] == "achieved"
    assert row["figures"] == "hạng 27/63, mục tiêu top 30: vượt 3 bậc"


def test_summary_template_renders_both_periods_and_nothing_without_one(rolled_over):
    summary = period_summary(Unit.objects.get(code="48-2025"))
    html = render_to_string("dashboards/includes/period_summary.html", {"summary": summary})
    assert 'id="period-summary"' in html
    assert "Giai đoạn 2021–2025 của Tỉnh Quảng Nam" in html
    assert "hạng 27/63, mục tiêu top 20: thiếu 7 bậc" in html
    assert "Đã lồng vào nhiệm vụ thường xuyên." in html
    assert (
        render_to_string("dashboards/includes/period_summary.html", {"summary": None}).strip() == ""
    )


def test_no_period_no_summary(reference_units):
    assert period_summary(Unit.objects.get(code="01")) is None
