import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from indices.models import Index
from reports.models import (
    QuarterlyReport,
)
from tests.browser.conftest import PageWatch, login
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    MembershipFactory,
    PlanFactory,
    ReportingWindowFactory,
    TaskAimFactory,
    TaskFactory,
    UserFactory,
)
from units.models import Membership, Unit

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plan():
    task = TaskFactory(
        plan=PlanFactory(name="Đề án thử", province=Unit.objects.get(code="49")),
        code="3",
        title="Rút ngắn thời gian cấp phép đầu tư",
        responsible=Unit.objects.get(code="48-2025.STC"),
        due_date=dt.date(2030, 1, 1),
    )
    TaskAimFactory(task=task, index=Index.objects.get(code="PCI"), component_code="4")
    indicator = IndicatorFactory(task=task, name="Thời gian cấp GCN")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    IndicatorTargetFactory(indicator=indicator, year=today.year, quarter=quarter, value=10)
    return ReportingWindowFactory(
        year=today.year, quarter=quarter, opens_on=today, deadline=today + dt.timedelta(days=15)
    )


def test_head_submits_reviewer_returns_head_fixes_reviewer_approves(
    live_server, chromium, tmp_path, browser_reference
):
    window = _plan()
    MembershipFactory(
        user=UserFactory(username="truongso_stc"),
        role=Membership.Role.DEPARTMENT_HEAD,
        unit=Unit.objects.get(code="48-2025.STC"),
    )
    MembershipFactory(
        user=UserFactory(username="thamdinh"),
        role=Membership.Role.REVIEWER,
        unit=Unit.objects.get(code="48-2025.SNV"),
    )
    evidence = tmp_path / "quyet-dinh.pdf"
    evidence.write_bytes(PDF)

    head = PageWatch(chromium.new_context(viewport={"width": 1366, "height": 768}).new_page())
    login(head, live_server.url, "truongso_stc")
    head.page.goto(live_server.url + "/tien-do/")
    head.page.click("#own-reports button.primary")
    head.page.wait_for_load_state("networkidle")
    page = head.page
    page.select_option("select[name$=status]", "in_progress")
    page.fill("input[name$=percent_complete]", "60")
    page.fill("textarea[name$=-done]", "Ban hành quy trình liên thông")
    page.fill("input[name^=i][inputmode=decimal]", "9,5")
    # The file is chosen inside the task's block and saved with the text in one POST.
    page.set_input_files("#task-3 input[type=file]", str(evidence))
    page.click("#task-3 button.evidence-save")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="quyet-dinh.pdf").is_visible()
    assert page.input_value("textarea[name$=-done]") == "Ban hành quy trình liên thông"
    page.click("#submit-report")
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-status").inner_text() == "Đã gửi"
    head.screenshot("progress-submitted")

    reviewer = PageWatch(chromium.new_context(viewport={"width": 1366, "height": 768}).new_page())
    login(reviewer, live_server.url, "thamdinh")
    report = QuarterlyReport.objects.get(window=window)
    reviewer.page.goto(f"{live_server.url}/tien-do/bao-cao/{report.pk}/")
    reviewer.page.fill("#review textarea", "Bổ sung số liệu quý trước để so sánh")
    reviewer.page.click("#review button[value=return]")
    reviewer.page.wait_for_load_state("networkidle")
    assert reviewer.page.locator("#report-status").inner_text() == "Trả lại để bổ sung"

    page.reload()
    assert "Bổ sung số liệu quý trước" in page.locator("#review-comment").inner_text()
    page.fill("textarea[name$=-difficulties]", "Quý trước: 12 ngày; quý này 9,5 ngày")
    page.click("#submit-report")
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-status").inner_text() == "Đã gửi"

    reviewer.page.reload()
    reviewer.page.click("#review button[value=approve]")
    reviewer.page.wait_for_load_state("networkidle")
    assert reviewer.page.locator("#report-status").inner_text() == "Đã duyệt"
    assert "thamdinh" in reviewer.page.locator("#review-info").inner_text()
    reviewer.screenshot("progress-approved")
    for watch in (head, reviewer):
        assert watch.outside_requests() == []
        assert watch.console_errors == []
    assert Path(evidence).exists()
