"""The index briefing: its workbook and its PDF carry the index page's figures, rounded as on the
page, with their bases; the PDF is A4 with page numbers, vector charts and the basis legend, and
its fonts draw Vietnamese."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from briefings.models import GeneratedReport
from dashboards.downloads import HEADER_ROW
from tests.briefings.helpers import download, pdf_pages, sheet_rows
from tests.dashboards.pages import half_up
from tests.leagues import HOME
from units.models import Unit

INDEX = {"loai": "index", "chi_so": "PCI", "nam": "2021"}


def test_the_index_page_links_to_its_briefing(client, official, pci_2021):
    client.force_login(official)
    html = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021").content.decode()
    assert "/bao-cao-cua-toi/tao/?loai=index&amp;chi_so=PCI&amp;nam=2021" in html
    assert "Bản tin (.pdf/.xlsx)" in html
    form = client.get(reverse("briefings:create"), INDEX)
    assert form.status_code == 200
    assert "Bản tin PCI 2021" in form.content.decode()


def test_index_workbook_is_built_on_request_with_the_page_figures(client, ask, official, pci_2021):
    client.force_login(official)
    page = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021")
    report = ask(client, **INDEX, dinh_dang="xlsx")
    assert report.status == GeneratedReport.Status.DONE  # small: no worker needed
    data = download(client, report)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Giới thiệu",
        "Điểm và khoảng cách",
        "Qua các năm",
        "Mục tiêu",
        "Thành phần",
        "Ưu tiên cải thiện",
        "So sánh trong vùng",
    ]
    for sheet in book.worksheets[1:]:
        assert sheet["A1"].value
        assert sheet["A2"].value.startswith("Nguồn: ")
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
        assert any("Cơ sở" in str(c.value) for c in sheet[HEADER_ROW])
    facts = {row["Chỉ tiêu"]: row for row in sheet_rows(data, "Điểm và khoảng cách")}
    home = pci_2021[HOME]
    assert Decimal(str(facts["Điểm"]["Giá trị"])) == half_up(home.value, 2) == Decimal("66.24")
    assert facts["Điểm"]["Cơ sở"] == "Công bố"
    assert facts["Hạng"]["Giá trị"] == f"{home.rank}/63"
    score = next(r[1] for r in book["Điểm và khoảng cách"].iter_rows() if r[0].value == "Điểm")
    assert score.data_type == "n"
    assert score.number_format == "#,##0.00"
    home_row = page.context["home_row"]
    assert Decimal(str(facts["Cách dẫn đầu"]["Giá trị"])) == half_up(
        Decimal(str(home_row["gap_to_leader"])), 2
    )
    # The region comparison: the provinces of Quảng Nam's region, as the page filtered by it.
    region = Unit.objects.get(code=HOME).region
    names = dict(Unit.objects.filter(code__in=pci_2021).values_list("name", "code"))
    rows = sheet_rows(data, "So sánh trong vùng")
    assert {r["Đơn vị"] for r in rows} == set(
        Unit.objects.filter(region=region, code__in=pci_2021).values_list("name", flat=True)
    )
    for row in rows:
        assert Decimal(str(row["Điểm"])) == half_up(pci_2021[names[row["Đơn vị"]]].value, 2)


def test_index_pdf_text_carries_the_page_figures_and_the_legend(client, ask, official, pci_2021):
    client.force_login(official)
    page = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021")
    report = ask(client, **INDEX, dinh_dang="pdf")
    assert report.status == GeneratedReport.Status.DONE, report.error
    assert report.filename == "ban-tin-PCI-2021.pdf"
    data = download(client, report)
    reader = PdfReader(io.BytesIO(data))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    pages = pdf_pages(data)
    text = "\n".join(pages)
    home = pci_2021[HOME]
    assert "Bản tin Chỉ số năng lực cạnh tranh cấp tỉnh 2021" in pages[0]
    assert "66,24 (Công bố)" in pages[0]
    assert f"hạng {home.rank}/63 (Công bố)" in pages[0]
    gap = page.context["home_row"]["gap_to_leader"]
    assert f"{half_up(Decimal(str(gap)), 2)}".replace(".", ",").replace("-", "−") in text
    for number, body in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in body
    # The basis legend, and the marks beside figures.
    assert "Cơ sở số liệu" in pages[-1]
    for mark, label in (("CB", "Công bố"), ("TT", "Tính từ số công bố"), ("MH", "Minh họa")):
        assert f"{mark} {label}" in pages[-1]
    # The charts are vector drawings: no image anywhere.
    assert all(not p.images for p in reader.pages)
    assert b"/Subtype /Image" not in data


def test_pdf_fonts_draw_vietnamese(client, ask, official, pci_2021):
    client.force_login(official)
    data = download(client, ask(client, **INDEX, dinh_dang="pdf"))
    text = "\n".join(pdf_pages(data))
    for word in ("Quảng Nam", "Điểm", "Thành phần", "ưu tiên", "cải thiện", "Đánh giá nội bộ"):
        assert word in text
    covered: set[int] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            assert stream is not None, descriptor  # every font is embedded
            embedded = TTFont(io.BytesIO(stream.get_object().get_data()))
            assert "DejaVu" in str(descriptor["/FontName"]) or embedded["glyf"]
            cmap = embedded.getBestCmap() or {}
            covered |= set(cmap)
            assert embedded["maxp"].numGlyphs > 1
    for char in "ệưĐảờ":
        assert char in text
    if covered:  # subsets keep a cmap when the subsetter writes one
        assert {ord(c) for c in "ệưĐ"} <= covered


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_names_starting_with_a_formula_sign_stay_text(client, ask, official, pci_2021, fmt):
    region = Unit.objects.get(code=HOME).region
    neighbour = Unit.objects.filter(region=region, code__in=pci_2021).exclude(code=HOME).first()
    Unit.objects.filter(pk=neighbour.pk).update(name='=HYPERLINK("http://x","y")')
    client.force_login(official)
    data = download(client, ask(client, **INDEX, dinh_dang=fmt))
    if fmt == "pdf":
        assert '=HYPERLINK("http://x","y")' in "\n".join(pdf_pages(data))
        return
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book["So sánh trong vùng"].iter_rows() for c in row]
    cell = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert cell.value == '\'=HYPERLINK("http://x","y")'
    for sheet in book.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
