"""An official takes the PCI 2021 briefing into a meeting: from the index page's "Bản tin" link
to the form, the report's page and its PDF, whose text carries the page's figures."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]


def test_official_downloads_the_pci_briefing_pdf(live_server, watched_page, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    page = watched_page.page
    login(watched_page, live_server.url, "lanhdao")
    page.goto(live_server.url + "/chi-so/PCI/?nam=2021")
    page.wait_for_load_state("networkidle")
    score_on_page = "66,24"
    assert score_on_page in page.locator("main").inner_text()
    link = page.locator("#briefing-link")
    assert link.inner_text().strip() == "Bản tin (.pdf/.xlsx)"
    link.click()
    page.wait_for_load_state("networkidle")
    assert "Bản tin PCI 2021" in page.locator("h1").inner_text()
    page.check("input[name=dinh_dang][value=pdf]")
    page.click("#briefing-submit")
    page.wait_for_selector("#briefing-download-link:visible", timeout=60000)
    watched_page.screenshot("briefing-ready")
    with page.expect_download() as download_info:
        page.click("#briefing-download-link")
    download = download_info.value
    assert download.suggested_filename == "ban-tin-PCI-2021.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Bản tin Chỉ số năng lực cạnh tranh cấp tỉnh 2021" in text
    assert f"{score_on_page} (Công bố)" in text
    assert "hạng 19/63 (Công bố)" in text
    assert f"Trang 1/{len(reader.pages)}" in text
    # The list of the official's reports holds it.
    page.goto(live_server.url + "/bao-cao-cua-toi/")
    assert "Bản tin PCI 2021" in page.locator("#my-reports").inner_text()
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []
