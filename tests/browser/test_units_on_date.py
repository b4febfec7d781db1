import pytest

from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = pytest.mark.browser


def test_official_reads_the_provinces_before_and_after_the_merger(
    live_server, watched_page, browser_units
):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")

    page.goto(f"{live_server.url}/don-vi/")
    page.get_by_role("link", name="Xem danh mục đơn vị theo ngày").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Danh mục đơn vị theo ngày"

    page.get_by_label("Ngày:", exact=True).fill("2025-07-01")
    page.get_by_label("Cấp:", exact=True).select_option(label="Tỉnh, thành phố")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "ngay=2025-07-01" in page.url
    assert "cap=province" in page.url
    assert page.get_by_text("Các đơn vị có hiệu lực ngày 01/07/2025").is_visible()
    assert page.get_by_role("link", name="34 tỉnh, thành phố").is_visible()
    da_nang = page.locator("tr", has=page.locator("td", has_text="48-2025"))
    assert da_nang.locator("td").nth(1).inner_text() == "Thành phố Đà Nẵng"
    assert da_nang.locator("td").nth(4).inner_text() == "01/07/2025"
    assert "Tỉnh Quảng Nam (sáp nhập, 01/07/2025)" in da_nang.locator("td").nth(6).inner_text()
    assert page.locator("tr", has_text="Tỉnh Quảng Nam").count() == 1  # only as a predecessor
    watched_page.screenshot("units-on-date-2025-07-01")

    # Follow the predecessor back to the day before the merger.
    da_nang.get_by_role("link", name="Tỉnh Quảng Nam").click()
    page.wait_for_load_state("networkidle")
    assert "ngay=2025-06-30" in page.url
    assert page.get_by_role("link", name="63 tỉnh, thành phố").is_visible()
    quang_nam = page.locator("tr#don-vi-49")
    assert quang_nam.is_visible()
    assert quang_nam.locator("td").nth(5).inner_text() == "30/06/2025"
    assert "Thành phố Đà Nẵng (sáp nhập, 01/07/2025)" in quang_nam.locator("td").nth(7).inner_text()
    assert page.get_by_label("Ngày:", exact=True).input_value() == "2025-06-30"
    watched_page.screenshot("units-on-date-2025-06-30")

    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []
