"""The demo's quarterly progress across the 2025 restructurings: the demo heads lead today's
departments (the new Đà Nẵng's Sở Tài chính and Sở KH&CN) and read the reports their
predecessors filed; the tasks were handed over on 1/3/2025 and 1/7/2025; every workflow state
is still shown. Needs only the reference data (the commands `make setup` runs)."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports.models import QuarterlyReport, Task, TaskHandover
from reports.services_successions import tasks_hand_over


@pytest.fixture
def demo_progress(reference_units):
    call_command("create_demo_accounts", stdout=io.StringIO())
    call_command("load_progress_demo", stdout=io.StringIO())


def _plan_task(code: str) -> Task:
    """A task of the 2021–2025 plan (not its copy carried into a later period)."""
    return Task.objects.get(plan__is_demo=True, code=code, carried_from__isnull=True)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_demo_heads_lead_todays_departments(demo_progress):
    assert _user("truongso_stc").membership.unit.code == "48-2025.STC"
    assert _user("truongso_skhcn").membership.unit.code == "48-2025.SKHCN"
    assert _user("thamdinh").membership.unit.code == "48-2025.SNV"
    assert not get_user_model().objects.filter(username__in=["truongso_khdt", "truongso_tttt"])


def test_demo_tasks_were_handed_over_through_both_restructurings(demo_progress):
    task = _plan_task("3")
    assert task.responsible.code == "48-2025.STC"
    assert [(h.from_unit.code, h.to_unit.code, h.date) for h in task.handovers.all()] == [
        ("49.SKHDT", "49.STC", dt.date(2025, 3, 1)),
        ("49.STC", "48-2025.STC", dt.date(2025, 7, 1)),
    ]
    assert _plan_task("1").responsible.code == "48-2025.SKHCN"
    assert tasks_hand_over() == []  # the loader left nothing to hand over


def test_demo_reports_are_filed_by_the_unit_of_each_quarter(demo_progress):
    filed = {
        (r.window.year, r.window.quarter, r.unit.code): r.status
        for r in QuarterlyReport.objects.select_related("window", "unit")
    }
    assert filed[2024, 4, "49.SKHDT"] == "approved"
    assert filed[2024, 3, "49.STTTT"] == "approved"
    assert filed[2025, 1, "49.STC"] == "approved"
    assert filed[2025, 2, "49.SKHCN"] == "returned"
    assert filed[2025, 2, "49.STC"] == "submitted"
    assert filed[2025, 2, "49.SNNMT"] == "draft"
    assert not [key for key in filed if key[2] == "49.SKHDT" and key[0] == 2025]
    assert {"draft", "submitted", "returned", "approved"} <= set(filed.values())
    today = timezone.localdate()
    current = (today.year, (today.month - 1) // 3 + 1)
    assert filed[*current, "48-2025.STC"] == "submitted"
    assert filed[*current, "48-2025.SKHCN"] == "draft"
    assert TaskHandover.objects.filter(task__plan__is_demo=True).count() == 12


def test_demo_head_sees_the_predecessors_reports_read_only(client, demo_progress):
    client.force_login(_user("truongso_stc"))
    home = client.get(reverse("reports:home"))
    earlier = {item["unit"].code: item["reports"] for item in home.context["earlier"]}
    assert set(earlier) == {"49.SKHDT", "49.STC"}
    assert [(r.window.year, r.window.quarter) for r in earlier["49.SKHDT"]] == [
        (2024, 4),
        (2024, 3),
    ]
    body = home.content.decode()
    assert "Sở Kế hoạch và Đầu tư" in body
    report = earlier["49.STC"][0]
    page = client.get(reverse("reports:report", args=[report.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert "Chuyển từ Sở Kế hoạch và Đầu tư ngày 01/03/2025" in page.content.decode()
    # Sở KH&CN's predecessors are not Sở Tài chính's to read.
    other = QuarterlyReport.objects.get(unit__code="49.STTTT", window__year=2024, window__quarter=4)
    assert client.get(reverse("reports:report", args=[other.pk])).status_code == 403
