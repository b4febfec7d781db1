"""An official downloads an index page as one workbook: every table of the page, one sheet each,
behind the page's own button."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboards.downloads import HEADER_ROW
from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]


def test_official_downloads_the_index_page_as_a_workbook(live_server, watched_page, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    page.goto(live_server.url + "/chi-so/PCI/?nam=2021")
    page.wait_for_load_state("networkidle")
    button = page.locator("#download-page")
    assert button.inner_text().strip() == "Tải cả trang (.xlsx)"
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "PCI-2021-ca-trang.xlsx"
    # The saved file has no extension: openpyxl reads it from its bytes.
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == [
        "Giới thiệu",
        "Điểm và khoảng cách",
        "Mục tiêu",
        "Qua các năm",
        "Thành phần",
        "Ưu tiên cải thiện",
        "Bảng xếp hạng",
    ]
    league = book["Bảng xếp hạng"]
    assert league.freeze_panes == f"A{HEADER_ROW + 1}"
    assert league["A2"].value.startswith("Nguồn: ")
    names = [row[2] for row in league.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert "Tỉnh Quảng Nam" in names
    # The page's own league shows as many provinces as the sheet lists.
    assert page.locator("#league tbody tr").count() == len(names)
    watched_page.screenshot("index-page-workbook")
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []
