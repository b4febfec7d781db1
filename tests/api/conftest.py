"""Clients of the read API: a token per account, and the quarterly reports the progress
endpoints read (two departments, each with its own report)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from api.services import api_token_issue
from indices.models import Index
from reports.models import QuarterlyReport, TaskProgress
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
def client_for():
    """An API client holding a fresh token of `user` (the Bearer scheme)."""

    def make(user, *, scheme: str = "Bearer") -> APIClient:
        client = APIClient()
        key = api_token_issue(user=user, name="IOC").key
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
        return client

    return make


@pytest.fixture
def reports_two_units(reference_units):
    """Q3 2025 reports of Sở Tài chính (submitted, one task done at 100 %) and Sở KH&CN (draft,
    one task in progress at 40 %) of the new Đà Nẵng, each task with an indicator aimed at PCI."""
    window = ReportingWindowFactory(
        year=2025, quarter=3, opens_on=dt.date(2025, 9, 10), deadline=dt.date(2025, 10, 15)
    )
    plan = PlanFactory(province=Unit.objects.get(code="49"))
    pci = Index.objects.get(code="PCI")
    reports = {}
    for code, unit_code, status, progress, percent in (
        ("1", "48-2025.STC", "submitted", "done", 100),
        ("2", "48-2025.SKHCN", "draft", "in_progress", 40),
    ):
        unit = Unit.objects.get(code=unit_code)
        task = TaskFactory(plan=plan, code=code, responsible=unit)
        TaskAimFactory(task=task, index=pci, component_code="")
        indicator = IndicatorFactory(task=task)
        IndicatorTargetFactory(indicator=indicator, year=2025, quarter=3)
        report = QuarterlyReport.objects.create(unit=unit, window=window, status=status)
        TaskProgress.objects.create(
            report=report, task=task, status=progress, percent_complete=percent
        )
        report.values.create(indicator=indicator, value="12.5")
        reports[unit_code] = report
    return reports
