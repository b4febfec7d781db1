import pytest

from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]


def test_official_browses_an_index_and_a_unit(live_server, watched_page, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")

    page.get_by_role("link", name="Chỉ số").first.click()
    page.get_by_role("link", name="PCI", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("PCI")
    page.get_by_role("link", name="Phương pháp, cấu trúc và dữ liệu").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="2023", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("?nam=2023")
    assert page.locator("td .state-np").count() == 33
    assert page.locator("tr.home").filter(has_text="Quảng Nam").count() == 1
    watched_page.screenshot("index-pci-2023")

    page.locator("tr.home a", has_text="Quảng Nam").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Tỉnh Quảng Nam")
    assert page.get_by_text("66,24").first.is_visible()
    watched_page.screenshot("unit-quang-nam-scores")

    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []
