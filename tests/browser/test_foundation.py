import pytest

from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = pytest.mark.browser


def test_official_sees_vietnamese_home_and_switches_to_english(
    live_server, watched_page, browser_units
):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")

    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").first.inner_text().startswith("Tổng quan")
    assert page.get_by_role("link", name="Đơn vị", exact=True).is_visible()
    watched_page.screenshot("home-vi")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text().startswith("Overview")

    page.get_by_role("link", name="Units", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Unit directory"
    watched_page.screenshot("units-en")

    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []


def test_unit_page_shows_quang_nam_history(live_server, watched_page, browser_units):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    page.goto(f"{live_server.url}/don-vi/49/")
    assert page.get_by_text("Huyện Nông Sơn").first.is_visible()
    assert page.get_by_role("link", name="Thành phố Đà Nẵng").first.is_visible()
    watched_page.screenshot("unit-quang-nam")
    assert watched_page.outside_requests() == []
