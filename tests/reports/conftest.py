"""The plan, its tasks and reporting windows the progress tests share."""

import datetime as dt

import pytest
from django.utils import timezone

from indices.models import Index
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    PlanFactory,
    ReportingWindowFactory,
    TaskAimFactory,
    TaskFactory,
)
from units.models import Unit


@pytest.fixture
def plan(reference_units):
    """Two tasks aimed at PCI's time costs, one for each department head, each with an
    indicator whose quarterly target is 10 days (lower is better, from 15)."""
    plan = PlanFactory(name="Đề án thử", province=Unit.objects.get(code="49"))
    for code, unit in (("1", "48-2025.STC"), ("2", "48-2025.SKHCN")):
        task = TaskFactory(plan=plan, code=code, responsible=Unit.objects.get(code=unit))
        TaskAimFactory(task=task, index=Index.objects.get(code="PCI"), component_code="4")
        indicator = IndicatorFactory(task=task)
        for year in sorted({2025, timezone.localdate().year}):
            for quarter in (1, 2, 3, 4):
                IndicatorTargetFactory(indicator=indicator, year=year, quarter=quarter)
    return plan


@pytest.fixture
def open_window(db):
    today = timezone.localdate()
    return ReportingWindowFactory(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
    )


@pytest.fixture
def past_window(db):
    # Closed on 15/10/2025; the first quarter today's departments (from 1/7/2025) filed for.
    return ReportingWindowFactory(
        year=2025, quarter=3, opens_on=dt.date(2025, 9, 10), deadline=dt.date(2025, 10, 15)
    )
