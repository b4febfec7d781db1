"""What a department head types is kept in the browser until the server holds it: a save that
never reached the server (here the connection drops; `make faults` stops the database) costs
nothing, the next visit puts the text back with a notice."""

import pytest

from reports.models import TaskProgress
from reports.services import report_open
from tests.browser.conftest import SCREENSHOT_DIR, PageWatch, login
from tests.browser.test_progress import _plan
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

pytestmark = pytest.mark.browser
TYPED = "Đã ban hành quy trình liên thông; thời gian giảm từ 15 xuống 9 ngày."


def test_text_of_a_save_that_never_arrived_is_restored_then_forgotten_once_saved(
    live_server, chromium, browser_reference
):
    window = _plan()
    unit = Unit.objects.get(code="48-2025.STC")
    MembershipFactory(
        user=UserFactory(username="truongso_stc"), role=Membership.Role.DEPARTMENT_HEAD, unit=unit
    )
    report = report_open(unit=unit, window=window)
    url = f"{live_server.url}/tien-do/bao-cao/{report.pk}/"
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    head = PageWatch(context.new_page())
    page = head.page
    login(head, live_server.url, "truongso_stc")
    page.goto(url)
    assert page.locator("#draft-restored").is_hidden()
    page.fill("textarea[name$=-done]", TYPED)
    page.fill("input[name$=percent_complete]", "60")

    # The save is lost on its way (the connection drops): the server never sees it.
    page.route(
        url, lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    page.click("#save-report", no_wait_after=True)
    page.wait_for_timeout(500)
    page.unroute(url)
    assert TaskProgress.objects.get(report=report).done == ""

    page.goto(url)
    notice = page.locator("#draft-restored")
    assert notice.is_visible()
    assert "chưa được lưu" in notice.inner_text()
    assert page.input_value("textarea[name$=-done]") == TYPED
    assert page.input_value("input[name$=percent_complete]") == "60"
    page.screenshot(path=str(SCREENSHOT_DIR / "report-draft-restored.png"), full_page=True)

    page.click("#save-report")
    page.wait_for_load_state("networkidle")
    assert TaskProgress.objects.get(report=report).done == TYPED
    assert page.locator("#draft-restored").is_hidden()
    assert page.evaluate("Object.keys(window.localStorage)") == []  # the server holds it now
    page.goto(url)
    assert page.locator("#draft-restored").is_hidden()
    assert head.console_errors == []
    context.close()


def test_restored_text_can_be_discarded(live_server, chromium, browser_reference):
    window = _plan()
    unit = Unit.objects.get(code="48-2025.STC")
    MembershipFactory(
        user=UserFactory(username="truongso_stc"), role=Membership.Role.DEPARTMENT_HEAD, unit=unit
    )
    report = report_open(unit=unit, window=window)
    url = f"{live_server.url}/tien-do/bao-cao/{report.pk}/"
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    head = PageWatch(context.new_page())
    page = head.page
    login(head, live_server.url, "truongso_stc")
    page.goto(url)
    page.fill("textarea[name$=-done]", "Bản nháp không cần nữa")
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on navigation
    page.goto(url)
    assert page.locator("#draft-restored").is_visible()
    page.click("#draft-discard")
    page.wait_for_load_state("networkidle")
    assert page.locator("#draft-restored").is_hidden()
    assert page.input_value("textarea[name$=-done]") == ""
    assert page.evaluate("Object.keys(window.localStorage)") == []
    context.close()
