"""The demo with PORTAL_HOME_UNIT set to the new Thành phố Đà Nẵng, in a browser: the home page
reads as the successor's own, with where it and each predecessor stood on each index before and
after the merger, the estimate marked as derived, ranks given with what they are out of, and the
34-province editions marked illustrative."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from indices.figures import figure
from indices.models import RankResult
from indices.selectors_analytics import current_editions, current_results
from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]


def _total(code: str, year: int, unit: str) -> RankResult:
    editions = [e for e in current_editions([code]) if e.year == year]
    return current_results(
        RankResult.objects.filter(unit__code=unit, component__isnull=True), editions
    ).get()


def test_the_new_da_nang_reads_its_line_through_the_merger(
    live_server, watched_page, browser_demo, settings
):
    settings.PORTAL_HOME_UNIT = "Thành phố Đà Nẵng"
    MembershipFactory(user=UserFactory(username="lanhdao_dn"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    page.set_viewport_size({"width": 1366, "height": 900})
    login(watched_page, live_server.url, "lanhdao_dn")
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")

    assert page.locator("h1").inner_text() == "Tổng quan: Thành phố Đà Nẵng"
    assert "được thành lập ngày 01/07/2025" in page.locator("#successor-note").inner_text()
    section = page.locator("#lineage")
    assert section.locator("h2").inner_text() == "Thành phố Đà Nẵng trước và sau hợp nhất"
    assert "Tỉnh Quảng Nam" in section.locator("p").first.inner_text()
    method = page.locator("#proforma-method").inner_text()
    assert "ước tính theo phương pháp trung bình cộng các tỉnh cũ" in method

    par = page.locator("#lineage-par")
    assert par.locator("h3").inner_text() == "Chỉ số cải cách hành chính"
    rows = par.locator("table tbody tr")
    # The last year before the merger: each predecessor out of 63, the estimate unranked.
    quang_nam = _total("PAR", 2024, "49")
    row = rows.filter(has_text="Tỉnh Quảng Nam (đến 30/06/2025)")
    cells = row.locator("td")
    assert cells.nth(1).inner_text().startswith(figure(quang_nam.value, 2))
    assert cells.nth(2).inner_text().startswith(f"{quang_nam.display_rank}/63")
    estimate = rows.filter(has_text="Ước tính cho Thành phố Đà Nẵng")
    # From illustrative inputs (the demo's PAR 2024) the estimate is illustrative too.
    assert quang_nam.basis == "illustrative"
    assert estimate.locator("td").nth(1).inner_text().endswith("MH")
    assert estimate.locator("td").nth(2).inner_text() == "không xếp hạng"
    # From PAPI 2024's published figures it is derived (TT), the mean of the two as printed.
    papi = page.locator("#lineage-papi table tbody tr").filter(has_text="Ước tính cho")
    printed = [_total("PAPI", 2024, code).value for code in ("48", "49")]
    halves = [Decimal(str(v)).quantize(Decimal("0.01"), ROUND_HALF_UP) for v in printed]
    mean = figure((halves[0] + halves[1]) / 2, 2)
    assert papi.locator("td").nth(1).inner_text() == f"{mean}TT"
    # The successor's own edition, out of 34, illustrative in the demo.
    own = _total("PAR", 2025, "48-2025")
    row = rows.filter(has_text="Thành phố Đà Nẵng (từ 01/07/2025)")
    cells = row.locator("td")
    assert cells.nth(1).inner_text() == f"{figure(own.value, 2)}MH"
    assert cells.nth(2).inner_text() == f"{own.display_rank}/34MH"
    share = round(own.display_rank * 100 / 34)
    assert cells.nth(3).inner_text() == f"top {share}%"
    # The chart is drawn, with the merger marked and every series named in its legend.
    chart = page.locator("#lineage-chart-par")
    chart.locator(".main-svg").first.wait_for()
    legend = chart.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
    assert "Tỉnh Quảng Nam (đến 30/06/2025)" in legend
    assert any(t.startswith("Ước tính cho Thành phố Đà Nẵng") for t in legend)
    assert "Hợp nhất" in chart.inner_text()
    # The cards are the successor's: its 2025 editions, marked illustrative.
    card = page.locator('article[data-index="PAR"]')
    assert "Số liệu minh họa" in card.inner_text()
    assert "2025" in card.inner_text()
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []
    path = watched_page.screenshot("successor-home")
    par.screenshot(path=str(path.with_name("successor-home-par.png")))
