"""Restructured departments: open tasks follow their unit into its successor (recorded
handovers, indicators with the task), reports stay with the unit that filed them (its
successor's head reads them, never edits them), a quarter is filed by the unit that existed at
its end, and a merged department's page shows its predecessors' results under their names."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from indices.models import IndexEdition
from reports.models import QuarterlyReport, TaskHandover, TaskProgress
from reports.services import report_open
from reports.services_successions import tasks_hand_over
from tests import standings
from tests.factories import (
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    ReportingWindowFactory,
    TaskFactory,
    UserFactory,
)
from units.models import Membership, Succession, Unit

TODAY = dt.date(2026, 11, 28)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _head(code: str, username: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=Membership.Role.DEPARTMENT_HEAD, unit=_unit(code))
    return user


def _window(year: int, quarter: int):
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}[quarter]
    end = dt.date(year, *ends)
    return ReportingWindowFactory(
        year=year,
        quarter=quarter,
        opens_on=end - dt.timedelta(days=20),
        deadline=end + dt.timedelta(days=15),
    )


@pytest.fixture
def plan(reference_units):
    return PlanFactory(province=_unit("49"))


@pytest.fixture
def khdt_task(plan):
    """Sở KH&ĐT's task (from 2021), with an indicator and Sở TT&TT supporting it."""
    task = TaskFactory(
        plan=plan, code="3", title="Rút ngắn thời gian cấp GCN", responsible=_unit("49.SKHDT")
    )
    task.supporting.add(_unit("49.STTTT"))
    IndicatorFactory(task=task)
    return task


# Tasks pass to the successor ---------------------------------------------------------------------


def test_open_task_follows_the_chain_of_successions_with_its_indicators(khdt_task):
    indicator = khdt_task.indicators.get()
    created = tasks_hand_over(on=TODAY)
    khdt_task.refresh_from_db()
    assert khdt_task.responsible.code == "48-2025.STC"
    steps = [(h.from_unit.code, h.to_unit.code, h.date) for h in khdt_task.handovers.all()]
    assert steps == [
        ("49.SKHDT", "49.STC", dt.date(2025, 3, 1)),
        ("49.STC", "48-2025.STC", dt.date(2025, 7, 1)),
    ]
    assert len(created) == 2
    first = khdt_task.handovers.first()
    assert first.succession == Succession.objects.get(
        predecessor__code="49.SKHDT", successor__code="49.STC"
    )
    assert "NQ 01/NQ-HĐND" in first.note
    assert list(khdt_task.indicators.all()) == [indicator]  # indicators belong to the task
    assert [u.code for u in khdt_task.supporting.all()] == ["48-2025.SKHCN"]
    # Idempotent: nothing more on a second run.
    assert tasks_hand_over(on=TODAY) == []
    assert TaskHandover.objects.count() == 2


def test_a_handover_on_an_earlier_date_stops_at_the_unit_of_that_date(khdt_task):
    tasks_hand_over(on=dt.date(2025, 4, 1))
    khdt_task.refresh_from_db()
    assert khdt_task.responsible.code == "49.STC"
    tasks_hand_over(on=TODAY)
    khdt_task.refresh_from_db()
    assert khdt_task.responsible.code == "48-2025.STC"
    assert khdt_task.handovers.count() == 2


def test_closed_and_finished_tasks_stay_with_their_unit(plan):
    closed = TaskFactory(plan=plan, responsible=_unit("49.SKHDT"), closed_on=dt.date(2024, 12, 31))
    finished = TaskFactory(plan=plan, responsible=_unit("49.SKHDT"))
    report = report_open(unit=_unit("49.SKHDT"), window=_window(2024, 4))
    TaskProgress.objects.filter(report=report, task=finished).update(status="done")
    assert tasks_hand_over(on=TODAY) == []
    closed.refresh_from_db()
    finished.refresh_from_db()
    assert closed.responsible.code == finished.responsible.code == "49.SKHDT"


def test_a_split_unit_is_refused_naming_the_task_and_the_units(plan):
    old = _unit("49.SVHTTDL")
    for code in ("48-2025.SYT", "48-2025.SGDDT"):
        Succession.objects.create(
            predecessor=old, successor=_unit(code), kind="split", date=dt.date(2025, 7, 1)
        )
    TaskFactory(plan=plan, code="9", title="Số hóa di tích", responsible=old)
    with pytest.raises(ValidationError) as caught:
        tasks_hand_over(on=TODAY)
    message = caught.value.messages[0]
    assert "9. Số hóa di tích" in message
    assert "Sở Văn hóa, Thể thao và Du lịch" in message
    assert "Sở Giáo dục và Đào tạo" in message
    assert "Sở Y tế" in message
    assert not TaskHandover.objects.exists()


def test_hand_over_tasks_command_reports_each_step(khdt_task):
    out = io.StringIO()
    call_command("hand_over_tasks", "--on", "2026-11-28", stdout=out)
    assert "3: 49.SKHDT → 49.STC (01/03/2025)" in out.getvalue()
    assert "Nhiệm vụ đã chuyển giao: 2." in out.getvalue()


# A quarter is filed by the unit that existed at its end -----------------------------------------


def test_a_unit_that_ended_before_the_quarter_closed_cannot_file_it(khdt_task):
    with pytest.raises(ValidationError) as caught:
        report_open(unit=_unit("49.SKHDT"), window=_window(2025, 1))
    message = caught.value.messages[0]
    assert "Sở Kế hoạch và Đầu tư" in message
    assert "Quý 1/2025" in message
    assert "31/03/2025" in message
    assert "báo cáo quý này do Sở Tài chính nộp" in message
    assert not QuarterlyReport.objects.exists()


def test_a_unit_that_began_after_the_quarter_closed_cannot_file_it(reference_units):
    window = _window(2025, 2)
    with pytest.raises(ValidationError, match="do Sở Tài chính nộp"):
        report_open(unit=_unit("48-2025.STC"), window=window)
    assert report_open(unit=_unit("49.STC"), window=window).unit.code == "49.STC"


def test_the_start_button_says_who_files_instead(client, khdt_task):
    window = _window(2025, 1)
    client.force_login(_head("49.SKHDT", "head-skhdt"))
    response = client.post(reverse("reports:start", args=[window.pk]), follow=True)
    assert "báo cáo quý này do Sở Tài chính nộp" in response.content.decode()
    assert not QuarterlyReport.objects.exists()


# Earlier reports stay with the unit that filed them -----------------------------------------------


@pytest.fixture
def earlier_report(khdt_task):
    """Sở KH&ĐT's report for Q4/2024, filed before its task was handed over."""
    report = report_open(unit=_unit("49.SKHDT"), window=_window(2024, 4))
    report.progress.update(status="in_progress", percent_complete=60)
    tasks_hand_over(on=TODAY)
    return report


def test_successors_head_reads_the_predecessors_report_and_cannot_edit_it(client, earlier_report):
    head = _head("48-2025.STC", "head-stc")
    client.force_login(head)
    earlier_report.refresh_from_db()
    assert earlier_report.unit.code == "49.SKHDT"  # never moved onto the successor
    assert earlier_report.progress.get().task.responsible.code == "48-2025.STC"
    url = reverse("reports:report", args=[earlier_report.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    body = response.content.decode()
    # A report of 2024 says nothing of handovers that came after its quarter.
    assert "Chuyển từ" not in body
    assert client.post(url, {"action": "save"}).status_code == 403
    progress = earlier_report.progress.get()
    upload = reverse("reports:evidence_upload", args=[progress.pk])
    assert client.post(upload).status_code == 403


def test_successors_home_lists_predecessors_reports_under_their_names(client, earlier_report):
    client.force_login(_head("48-2025.STC", "head-stc"))
    response = client.get(reverse("reports:home"))
    earlier = response.context["earlier"]
    assert [item["unit"].code for item in earlier] == ["49.SKHDT"]
    assert earlier[0]["reports"] == [earlier_report]
    body = response.content.decode()
    assert 'id="predecessor-reports"' in body
    assert "Sở Kế hoạch và Đầu tư" in body
    assert reverse("reports:report", args=[earlier_report.pk]) in body
    assert client.get(reverse("reports:unit", args=["49.SKHDT"])).status_code == 200
    # The quarters of the successor's own list are its own: Q4/2024 was not its to file.
    assert all(q["window"].year > 2024 for q in response.context["own"]["quarters"])


def test_an_unrelated_head_reads_neither_the_report_nor_the_unit(client, earlier_report):
    client.force_login(_head("48-2025.SKHCN", "head-skhcn"))
    assert client.get(reverse("reports:report", args=[earlier_report.pk])).status_code == 403
    assert client.get(reverse("reports:unit", args=["49.SKHDT"])).status_code == 403
    home = client.get(reverse("reports:home"))
    assert home.context["earlier"] == []


def test_todays_report_says_where_its_task_came_from(client, earlier_report):
    current = report_open(unit=_unit("48-2025.STC"), window=_window(2026, 4))
    client.force_login(_head("48-2025.STC", "head-stc"))
    body = client.get(reverse("reports:report", args=[current.pk])).content.decode()
    assert "Chuyển từ Sở Kế hoạch và Đầu tư ngày 01/03/2025" in body
    assert "Chuyển từ Sở Tài chính ngày 01/07/2025" in body


def test_the_successors_head_opens_the_predecessors_unit_pages(client, reference_units):
    """The "Hình thành từ" links on a head's own unit page lead somewhere: the predecessors'
    pages are their department's history. A sister department's page stays closed."""
    client.force_login(_head("48-2025.STC", "head-stc"))
    for code in ("49.STC", "49.SKHDT"):
        assert client.get(reverse("dashboards:unit", args=[code])).status_code == 200, code
    assert client.get(reverse("dashboards:unit", args=["49.STTTT"])).status_code == 403


def test_the_predecessors_own_head_still_edits_nothing_of_the_successor(client, earlier_report):
    """A head left on the ended unit reads its own reports, not the successor's."""
    current = report_open(unit=_unit("48-2025.STC"), window=_window(2026, 4))
    client.force_login(_head("49.SKHDT", "head-skhdt"))
    assert client.get(reverse("reports:report", args=[earlier_report.pk])).status_code == 200
    assert client.get(reverse("reports:report", args=[current.pk])).status_code == 403


def test_completeness_lists_the_units_of_each_quarter(client, earlier_report, reviewer):
    _window(2025, 2)
    _window(2026, 4)
    client.force_login(reviewer)
    before = client.get(reverse("reports:home") + "?quy=2024-4").context["completeness"]
    assert [row["unit"].code for row in before] == ["49.SKHDT"]
    now = client.get(reverse("reports:home") + "?quy=2026-4").context["completeness"]
    assert [row["unit"].code for row in now] == ["48-2025.STC"]
    q2_2025 = client.get(reverse("reports:home") + "?quy=2025-2").context["completeness"]
    assert [row["unit"].code for row in q2_2025] == ["49.STC"]


# A merged department's history on its unit page --------------------------------------------------


def test_unit_page_shows_predecessors_internal_results_under_their_names(client, reference_units):
    standings.internal_leagues()  # PAR_DEPT 2021, published to every portal user
    client.force_login(_head("48-2025.STC", "head-stc"))
    response = client.get(reverse("dashboards:unit", args=["48-2025.STC"]))
    assert response.status_code == 200
    history = response.context["predecessor_series"]
    assert [item["unit"].code for item in history] == ["49.STC", "49.SKHDT"]
    assert all(s.index.code == "PAR_DEPT" for item in history for s in item["series"])
    assert response.context["score_series"] == []  # nothing moved onto the successor
    body = response.content.decode()
    assert 'id="predecessor-results"' in body
    assert "Sở Kế hoạch và Đầu tư" in body
    assert "28/02/2025" in body
    skhdt = history[1]["series"][0].cells[0].score
    assert skhdt.unit.code == "49.SKHDT"
    assert skhdt.value > Decimal(0)


def test_draft_internal_results_of_predecessors_stay_hidden(client, reference_units):
    standings.internal_leagues()
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=False)
    client.force_login(_head("48-2025.STC", "head-stc"))
    response = client.get(reverse("dashboards:unit", args=["48-2025.STC"]))
    assert response.context["predecessor_series"] == []
    assert 'id="predecessor-results"' not in response.content.decode()
