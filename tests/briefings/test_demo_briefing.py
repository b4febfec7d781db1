"""The demo dataset's PCI 2021 briefing, as an official would take it to a meeting: its page
count is pinned, and its first page says where Quảng Nam stands, as the index page does."""

import pytest

from tests.briefings.helpers import download, pdf_pages

pytestmark = pytest.mark.demo

# Standing, trend (two charts), targets, components, priorities, region and the legend.
DEMO_PCI_2021_PAGES = 8


def test_demo_pci_2021_briefing_renders_its_pages(client, ask, official):
    client.force_login(official)
    report = ask(client, loai="index", chi_so="PCI", nam="2021", dinh_dang="pdf")
    pages = pdf_pages(download(client, report))
    assert len(pages) == DEMO_PCI_2021_PAGES
    assert "66,24 (Công bố)" in pages[0]
    assert "hạng 19/63 (Công bố)" in pages[0]
    assert "giảm 6 bậc" in pages[0]  # the rank's fall beside the score's rise, as on the page
    assert f"Trang {DEMO_PCI_2021_PAGES}/{DEMO_PCI_2021_PAGES}" in pages[-1]
    assert "Cơ sở số liệu" in pages[-1]
