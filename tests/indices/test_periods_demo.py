"""The demo's periods: Đà Nẵng's 2026–2030 period started from Quảng Nam's 2021–2025 through
the rollover, once, with its own illustrative targets."""

from __future__ import annotations

import pytest

from dashboards.selectors.periods import period_summary
from indices.models import Period, Target
from reports.demo import progress_demo_load
from reports.demo_periods import periods_demo_load
from reports.models import Plan
from units.models import Unit

pytestmark = pytest.mark.demo


def test_demo_starts_da_nang_2026_2030_from_quang_nam(demo_data):
    progress_demo_load()
    period = periods_demo_load()
    assert period is not None
    assert (period.unit.code, period.start_year, period.end_year) == ("48-2025", 2026, 2030)
    assert period.previous.unit.code == "49"
    carried = period.targets.filter(carried_from__isnull=False)
    assert carried.exists()
    assert all(
        t.note.startswith("Chuyển từ giai đoạn 2021–2025 của Tỉnh Quảng Nam") for t in carried
    )
    own = period.targets.filter(carried_from__isnull=True)
    assert {(t.index.code, t.source) for t in own} == {
        ("PAR", "Mục tiêu minh họa"),
        ("PCI", "Mục tiêu minh họa"),
        ("PAPI", "Mục tiêu minh họa"),
    }
    assert Target.objects.filter(unit__code="49", closed_on__isnull=False).exists()
    plan = Plan.objects.get(period=period)
    assert plan.is_demo
    assert all(t.responsible.is_valid_on(t.start_date) for t in plan.tasks.all())
    assert plan.tasks.exists()
    # A second load adds nothing.
    assert periods_demo_load() == period
    assert Period.objects.filter(unit__code="48-2025").count() == 1
    summary = period_summary(Unit.objects.get(code="48-2025"))
    assert summary["previous"]["title"] == "Giai đoạn 2021–2025 của Tỉnh Quảng Nam"
