"""The department head's journey in a browser, on a desktop and on a phone: the returned report
is found on the home page, fixed with a new evidence file without losing the text typed, and
resubmitted; then reopening is asked for and granted by the reviewer."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from indices.labels import component_name
from indices.models import Index
from reports.models import IndicatorValue, QuarterlyReport
from reports.services import report_open, report_return
from tests.browser.conftest import PageWatch, fits_and_names, login
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
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Internal codes a page must never show in place of a name.
CODES = re.compile(r"PAR_DEPT|PAR_DISTRICT|Thành phần \d|\[\d+\]|49\.SKHDT|48-2025\.STC")


def _returned_report() -> QuarterlyReport:
    """Sở Tài chính's report for a quarter that closed long ago, submitted and returned by the
    reviewer with a comment."""
    unit = Unit.objects.get(code="48-2025.STC")
    task = TaskFactory(
        plan=PlanFactory(name="Đề án thử", province=Unit.objects.get(code="49")),
        code="3",
        title="Rút ngắn thời gian cấp phép đầu tư",
        responsible=unit,
        due_date=dt.date(2030, 1, 1),
    )
    TaskAimFactory(task=task, index=Index.objects.get(code="PCI"), component_code="4")
    indicator = IndicatorFactory(task=task, name="Thời gian cấp GCN")
    IndicatorTargetFactory(indicator=indicator, year=2025, quarter=3, value=10)
    # Closed on 15/10/2025: the first quarter the new Đà Nẵng's departments filed.
    window = ReportingWindowFactory(
        year=2025, quarter=3, opens_on=dt.date(2025, 9, 10), deadline=dt.date(2025, 10, 15)
    )
    today = timezone.localdate()
    ReportingWindowFactory(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opens_on=today,
        deadline=today + dt.timedelta(days=30),
    )
    report = report_open(unit=unit, window=window)
    report.progress.update(status="in_progress", percent_complete=60, done="Ban hành quy trình")
    IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal("9.5"))
    head = UserFactory(username="truongso_stc")
    MembershipFactory(user=head, role=Membership.Role.DEPARTMENT_HEAD, unit=unit)
    reviewer = UserFactory(username="thamdinh", first_name="Lê Thị Thu", last_name="")
    MembershipFactory(
        user=reviewer, role=Membership.Role.REVIEWER, unit=Unit.objects.get(code="48-2025.SNV")
    )
    QuarterlyReport.objects.filter(pk=report.pk).update(
        status=QuarterlyReport.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=head
    )
    return report_return(
        report=report, user=reviewer, comment="Thiếu quyết định phê duyệt quy trình"
    )


def _context(chromium, live_server, viewport: dict, language: str):
    context = chromium.new_context(viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_head_fixes_a_returned_report_with_new_evidence_and_resubmits(
    live_server, chromium, tmp_path, browser_reference, device, language
):
    def t(text: str, **values: object) -> str:
        """What the page reads in its language: the message catalogue's own translation."""
        with translation.override(language):
            return gettext(text) % values if values else gettext(text)

    report = _returned_report()
    viewport = VIEWPORTS[device]
    evidence = tmp_path / "quyet-dinh-phe-duyet.pdf"
    evidence.write_bytes(PDF)
    head = PageWatch(_context(chromium, live_server, viewport, language).new_page())
    suffix = f"{device}-{language}"
    page = head.page
    page.set_default_timeout(15000)
    login(head, live_server.url, "truongso_stc")

    page.goto(live_server.url + "/tien-do/")
    returned = page.locator("#returned-reports")
    assert returned.is_visible()
    assert "Thiếu quyết định phê duyệt quy trình" in returned.inner_text()
    assert t("Quý %(quarter)s/%(year)s", quarter=3, year=2025) in returned.inner_text()
    # The returned report comes before the list of quarters.
    assert page.locator("#returned-reports ~ #own-reports").count() == 1
    fits_and_names(head, viewport["width"], CODES)
    head.screenshot(f"head-home-returned-{suffix}")

    returned.get_by_role("link", name=t("Sửa và gửi lại")).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/tien-do/bao-cao/{report.pk}/")
    assert "Thiếu quyết định phê duyệt" in page.locator("#review-comment").inner_text()
    with translation.override(language):
        component = component_name(Index.objects.get(code="PCI").pk, "4")
    assert page.locator("#task-3").get_by_text(f"PCI: {component}").is_visible()
    typed = {"vi": "9,5", "en": "9.5"}[language]
    assert page.locator("#task-3 input[inputmode=decimal]").input_value() == typed
    fits_and_names(head, viewport["width"], CODES)

    # Text typed, then the page is left by mistake: the browser asks first and the text stays.
    difficulties = page.locator("#task-3 textarea[name$=-difficulties]")
    difficulties.click()
    difficulties.press_sequentially("Chờ Sở Tư pháp thẩm định")
    assert page.locator("#unsaved-note").is_visible()
    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator(".breadcrumbs a").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/tien-do/bao-cao/{report.pk}/")
    assert difficulties.input_value() == "Chờ Sở Tư pháp thẩm định"
    page.remove_listener("dialog", stay)

    # The new file is attached inside the task's block; the text typed is saved with it.
    page.locator("#task-3 input[type=file]").set_input_files(str(evidence))
    page.locator("#task-3 button.evidence-save").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="quyet-dinh-phe-duyet.pdf").is_visible()
    assert difficulties.input_value() == "Chờ Sở Tư pháp thẩm định"
    saved = t("Đã lưu minh chứng: %(names)s.", names="quyet-dinh-phe-duyet.pdf")
    assert saved in page.locator(".messages").inner_text()
    assert not page.locator("#unsaved-note").is_visible()
    head.screenshot(f"head-report-evidence-{suffix}")

    page.click("#submit-report")
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-status").inner_text() == t("Đã gửi")
    lock = page.locator("#lock-reason").inner_text()
    submitted_on = t("Đã nộp ngày %(date)s, đang chờ duyệt.", date="|").split("|")
    assert submitted_on[0] in lock
    assert submitted_on[1] in lock
    assert "Chờ Sở Tư pháp thẩm định" in page.locator("#task-3").inner_text()
    fits_and_names(head, viewport["width"], CODES)
    head.screenshot(f"head-report-resubmitted-{suffix}")

    # Something was forgotten: the head asks for the report to be reopened ...
    page.click("#reopen-request summary")
    page.fill("#reopen-request textarea", "Cần bổ sung biên bản họp liên ngành")
    page.click("#reopen-request button[type=submit]")
    page.wait_for_load_state("networkidle")
    pending = t(
        "%(who)s đã đề nghị mở lại lúc %(when)s; đề nghị đang chờ người thẩm định xử lý.",
        who="|",
        when="|",
    ).split("|")[-1]
    assert pending in page.locator("#reopen-pending").inner_text()

    # ... and the reviewer sees the request on their home page and grants it.
    reviewer = PageWatch(_context(chromium, live_server, viewport, language).new_page())
    login(reviewer, live_server.url, "thamdinh")
    reviewer.page.goto(live_server.url + "/tien-do/")
    requests = reviewer.page.locator("#reopen-requests")
    assert "Cần bổ sung biên bản họp liên ngành" in requests.inner_text()
    fits_and_names(reviewer, viewport["width"], CODES)
    requests.get_by_role("link").first.click()
    reviewer.page.wait_for_load_state("networkidle")
    reviewer.page.click("#reopen-decision button[value=grant]")
    reviewer.page.wait_for_load_state("networkidle")
    history = reviewer.page.locator("#reopen-history").inner_text()
    assert t("Đã đồng ý mở lại") in history
    assert "Lê Thị Thu" in history  # a name, not the sign-in name
    assert "thamdinh" not in history
    fits_and_names(reviewer, viewport["width"], CODES)
    reviewer.screenshot(f"reviewer-reopen-granted-{suffix}")

    page.reload()
    assert page.locator("#report-status").inner_text() == t("Đang soạn")
    assert page.locator("#submit-report").is_visible()
    for watch in (head, reviewer):
        assert watch.outside_requests() == []
        assert watch.console_errors == []
