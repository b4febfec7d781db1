from pathlib import Path

import pytest

from indices.models import Index
from tests.browser.conftest import SCREENSHOT_DIR, login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]

PAGES = [
    ("home", "/", []),
    ("index-pci", "/chi-so/PCI/?nam=2021", ["#trend-chart", "#components-chart"]),
    ("index-papi", "/chi-so/PAPI/?nam=2022", ["#trend-chart"]),
    ("unit-profile", "/don-vi/49/", ["#profile-chart"]),
    ("compare", "/chi-so/so-sanh/", ["#compare-chart"]),
    ("internal", "/chi-so/noi-bo/?chi_so=PAR_DISTRICT&nam=2022", ["#heat-chart"]),
    ("map", "/chi-so/ban-do/?chi_so=PCI&nam=2021", []),
]


def _traces(page, selector: str) -> int:
    return page.evaluate(
        "(s) => { const el = document.querySelector(s); "
        "return el && el.data ? el.data.length : 0; }",
        selector,
    )


def test_official_opens_every_dashboard_page(live_server, watched_page, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    for name, url, charts in PAGES:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1, name
        if name == "home":
            national = Index.objects.filter(kind="national", editions__scores__isnull=False)
            assert page.locator("#index-cards article").count() == national.distinct().count()
        for chart in charts:
            page.wait_for_selector(f"{chart} .main-svg")
            assert _traces(page, chart) > 0, f"{name}: {chart} has no traces"
        watched_page.screenshot(f"dashboard-{name}")
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []


def test_what_if_download_and_language_switch(live_server, watched_page, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    page.goto(live_server.url + "/chi-so/PCI/?nam=2021")
    page.wait_for_load_state("networkidle")
    home_rank = int(page.locator("#league tr.home td").first.inner_text().split("/")[0])
    assert home_rank == 19

    page.select_option("#whatif-component", "3")
    page.fill("#whatif-value", "7,5")
    page.click("#whatif-form button[type=submit]")
    result = page.locator("#whatif-result")
    assert "hạng" in result.inner_text()
    assert int(result.get_attribute("data-rank")) < home_rank  # transparency is weighted 20%
    page.fill("#whatif-value", "1")
    page.click("#whatif-form button[type=submit]")
    assert int(result.get_attribute("data-rank")) > home_rank

    # Sorting the league by score (ascending) puts the lowest first; the state is kept in the URL.
    page.locator("#league thead th").nth(3).locator("button").click()
    assert page.locator("#league thead th").nth(3).get_attribute("aria-sort") == "ascending"

    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    path = download.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.startswith("Hạng,Cơ sở của hạng,Đơn vị,Vùng,Điểm,Cơ sở của điểm")
    assert "Tỉnh Quảng Nam" in text
    watched_page.screenshot("dashboard-whatif")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h2").filter(has_text="Score and rank over time").count() == 1
    page.wait_for_selector("#trend-chart .main-svg")
    watched_page.screenshot("dashboard-en")
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []


def test_phone_width_home_is_usable(live_server, chromium, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("#id_username", "lanhdao")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no horizontal scrolling on a phone
    page.screenshot(path=str(SCREENSHOT_DIR / "home-phone.png"), full_page=True)
    context.close()


def test_leader_reads_named_cards_marked_figures_and_papi_order(
    live_server, watched_page, browser_demo
):
    """What a provincial leader reads: each home card is headed by its index's name, every
    figure carries its basis mark, PAPI's order is never called a published rank, and the
    what-if refuses a value outside the component's scale."""
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    names = dict(Index.objects.filter(kind="national").values_list("code", "short_name"))
    cards = page.locator("#index-cards article")
    assert cards.count() >= 4
    for i in range(cards.count()):
        card = cards.nth(i)
        heading = card.locator("h2 a").inner_text().strip()
        assert heading == names[card.get_attribute("data-index")]
    par = page.locator("#index-cards article[data-index=PAR]")
    assert "hạng 50/63" in par.locator(".kpi").inner_text()
    assert par.locator(".kpi abbr.basis").count() >= 2  # the score's mark and the rank's
    assert page.locator("#costly").count() == 1
    assert "tỉnh tốt nhất cả nước" in page.locator("section .method").first.inner_text()
    watched_page.screenshot("figures-home")

    page.goto(live_server.url + "/chi-so/PAPI/?nam=2024")
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "Hạng công bố" not in body
    kpi = page.locator("#home-score").inner_text()
    assert kpi.startswith("41,00")
    assert "thứ tự" in kpi
    assert "không xếp hạng chính thức" in page.locator("#no-official-rank").inner_text()
    assert page.locator("#league th").first.inner_text().strip() == "Thứ tự"
    gaps = page.locator("#gaps").inner_text()
    assert "Trung bình của 61 tỉnh có số liệu" in gaps
    page.fill("#whatif-value", "12")
    page.click("#whatif-form button[type=submit]")
    assert "thang điểm" in page.locator("#whatif-result").inner_text()
    assert page.locator("#whatif-result").get_attribute("data-rank") is None
    watched_page.screenshot("figures-papi-2024")

    page.goto(live_server.url + "/chi-so/co-so-so-lieu/")
    assert page.locator("#basis-marks tbody tr").count() == 4
    watched_page.screenshot("figures-legend")
    assert watched_page.console_errors == []
