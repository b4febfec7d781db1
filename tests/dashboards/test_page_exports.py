"""Whole-page workbooks: every table of the home, index and unit pages in one .xlsx, the figures
as the page shows them (rounded at the edition's precision, numbers in their cells) with their
basis beside them, a title and a source on every sheet, frozen headers, formula-safe text, and
the page's own permissions."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from dashboards.downloads import HEADER_ROW, sheet_name
from indices.models import Component, IndexEdition
from tests.dashboards.pages import LABELS, half_up
from tests.leagues import HOME
from units.models import Unit

INDEX_URL = reverse("dashboards:index_workbook", args=["PCI"]) + "?nam=2021"
WORKBOOKS = [
    reverse("dashboards:home_workbook"),
    INDEX_URL,
    reverse("dashboards:index_workbook", args=["PAPI"]) + "?nam=2022&vung=BTBDHMT",
    reverse("dashboards:unit_workbook", args=[HOME]),
]


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def table(sheet) -> list[dict]:
    """A table sheet's rows under its header, by header."""
    header = [cell.value for cell in sheet[HEADER_ROW]]
    return [
        dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize("url", WORKBOOKS)
def test_every_sheet_has_a_title_a_source_a_frozen_header_and_basis_columns(client, official, url):
    client.force_login(official)
    book = workbook(client.get(url))
    assert book.sheetnames[0] == "Giới thiệu"
    about = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert set(about) >= LABELS
    assert len(book.sheetnames) >= 4
    for sheet in book.worksheets[1:]:
        assert not sheet.title.startswith("Sheet")
        assert len(sheet.title) <= 31
        assert sheet["A1"].value, sheet.title
        assert sheet["A2"].value.startswith("Nguồn: "), sheet.title
        assert len(sheet["A2"].value) > len("Nguồn: ")
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
        header = [cell.value for cell in sheet[HEADER_ROW]]
        assert any("Cơ sở" in str(h) for h in header), (sheet.title, header)
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in row:
                if isinstance(cell.value, float) and cell.number_format != "General":
                    assert cell.number_format.startswith("#,##0"), cell.number_format


def test_index_workbook_figures_equal_the_page(client, official, pci_2021):
    client.force_login(official)
    page = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021")
    book = workbook(client.get(INDEX_URL))
    edition = IndexEdition.objects.select_related("index").get(index__code="PCI", year=2021)
    assert {"Điểm và khoảng cách", "Mục tiêu", "Qua các năm", "Thành phần"} <= set(book.sheetnames)
    assert {"Ưu tiên cải thiện", "Bảng xếp hạng"} <= set(book.sheetnames)
    # Every sheet says who published the figures.
    assert edition.index.publisher in book["Bảng xếp hạng"]["A2"].value
    assert edition.source in book["Bảng xếp hạng"]["A2"].value

    # The unit's own figures, as the page's first card shows them (66,24 with two decimals).
    home = pci_2021[HOME]
    facts = {row["Chỉ tiêu"]: row for row in table(book["Điểm và khoảng cách"])}
    assert Decimal(str(facts["Điểm"]["Giá trị"])) == half_up(home.value, edition.decimals)
    assert facts["Điểm"]["Cơ sở"] == "Công bố"
    assert facts["Hạng"]["Giá trị"] == f"{home.rank}/63"
    assert "66,24" in page.content.decode()
    home_row = page.context["home_row"]
    assert Decimal(str(facts["Cách dẫn đầu"]["Giá trị"])) == half_up(
        Decimal(str(home_row["gap_to_leader"])), edition.decimals
    )
    score_cell = next(
        row[1] for row in book["Điểm và khoảng cách"].iter_rows() if row[0].value == "Điểm"
    )
    assert score_cell.data_type == "n"
    assert score_cell.number_format == "#,##0.00"

    # The league: every province's score rounded as on the page, its basis beside it.
    names = dict(Unit.objects.filter(code__in=pci_2021).values_list("name", "code"))
    league = table(book["Bảng xếp hạng"])
    assert len(league) == len(page.context["league"]) == 63
    for row in league:
        expected = pci_2021[names[row["Đơn vị"]]]
        assert Decimal(str(row["Điểm"])) == half_up(expected.value, edition.decimals)
        assert (
            row["Cơ sở của điểm"]
            == {"published": "Công bố", "illustrative": "Minh họa"}[expected.basis]
        )

    # The components, as in the page's components table.
    components = table(book["Thành phần"])
    on_page = [c for c in page.context["component_rows"] if c["row"]]
    assert len(components) == len(page.context["component_rows"])
    for row, c in zip(components, page.context["component_rows"], strict=True):
        assert row["Thành phần"].startswith(f"{c['component'].code}. ")
        if c["row"] and c["row"]["value"] is not None:
            assert Decimal(str(row["Điểm"])) == half_up(
                Decimal(str(c["row"]["value"])), edition.decimals
            )
            assert row["Cơ sở của điểm"] in LABELS
    assert on_page


def test_names_starting_with_a_formula_sign_are_written_as_text(client, official, pci_2021):
    Unit.objects.filter(code="01").update(name='=HYPERLINK("http://x","y")')
    Component.objects.filter(edition__index__code="PCI", edition__year=2021, order=1).update(
        name="=1+1"
    )
    client.force_login(official)
    book = workbook(client.get(INDEX_URL))
    names = [row[2] for row in book["Bảng xếp hạng"].iter_rows(min_row=HEADER_ROW + 1)]
    cell = next(c for c in names if "HYPERLINK" in str(c.value))
    assert cell.value == '\'=HYPERLINK("http://x","y")'
    assert cell.data_type == "s"
    parts = [row[0] for row in book["Thành phần"].iter_rows(min_row=HEADER_ROW + 1)]
    assert any(c.value.endswith(". =1+1") for c in parts)  # "C1. =1+1": not a formula either
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title


def test_sheet_names_are_excel_safe_and_unique():
    taken: set[str] = set()
    first = sheet_name("Điểm: [tổng] / thành phần? " * 3, taken)
    second = sheet_name("Điểm: [tổng] / thành phần? " * 3, taken)
    assert len(first) <= 31
    assert len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first != second
    assert second.endswith("(2)")


@pytest.mark.usefixtures("pci_2021")
def test_the_three_pages_link_their_workbook(client, official):
    client.force_login(official)
    pages = {
        reverse("dashboards:home"): reverse("dashboards:home_workbook"),
        reverse("dashboards:index", args=["PCI"]) + "?nam=2021": reverse(
            "dashboards:index_workbook", args=["PCI"]
        )
        + "?nam=2021&amp;vung=",
        reverse("dashboards:unit", args=[HOME]): reverse("dashboards:unit_workbook", args=[HOME]),
    }
    for page, link in pages.items():
        body = client.get(page).content.decode()
        assert f'href="{link}"' in body, page
        assert "Tải cả trang (.xlsx)" in body


def test_workbooks_follow_the_pages_permissions(client, head_khdt, official, internal_leagues):
    # Until the province publishes its own scoring, only admins and reviewers read it.
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=False)
    home = reverse("dashboards:home_workbook")
    assert client.get(home).status_code == 302  # anonymous → sign-in
    assert client.get(INDEX_URL).status_code == 302
    client.force_login(head_khdt)
    assert client.get(home).status_code == 200
    assert client.get(reverse("dashboards:unit_workbook", args=["49.SKHDT"])).status_code == 200
    # Another department's page is not theirs to read, nor its workbook.
    assert client.get(reverse("dashboards:unit", args=["49.STTTT"])).status_code == 403
    assert client.get(reverse("dashboards:unit_workbook", args=["49.STTTT"])).status_code == 403
    # An internal index's draft results stay hidden.
    draft = reverse("dashboards:index_workbook", args=["PAR_DEPT"])
    assert client.get(draft).status_code == 403
    client.force_login(official)
    # Published internally, a department league is the internal page's, not an index page's.
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=True)
    assert client.get(draft).status_code == 404
    assert client.get(reverse("dashboards:index_workbook", args=["NOPE"])).status_code == 404


@pytest.mark.usefixtures("pci_2021")
def test_a_workbook_download_is_audited(client, official):
    client.force_login(official)
    before = AuditEvent.objects.count()
    client.get(INDEX_URL)
    entry = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert entry.description == "PCI-2021-ca-trang.xlsx"


@pytest.mark.demo
@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboards:home_workbook"),
        reverse("dashboards:index_workbook", args=["PAR"]),
        reverse("dashboards:index_workbook", args=["PAPI"]),
        reverse("dashboards:index_workbook", args=["ICT"]),
        reverse("dashboards:unit_workbook", args=[HOME]),
    ],
)
def test_demo_pages_export_every_table(client, official, url):
    client.force_login(official)
    book = workbook(client.get(url))
    assert book.sheetnames[0] == "Giới thiệu"
    for sheet in book.worksheets[1:]:
        assert sheet["A2"].value.startswith("Nguồn: ")
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sum(sheet.max_row - HEADER_ROW for sheet in book.worksheets[1:]) > 10


@pytest.mark.usefixtures("pci_2021")
def test_an_english_reader_gets_an_english_workbook(client, official):
    client.force_login(official)
    client.cookies["django_language"] = "en"
    book = workbook(client.get(INDEX_URL))
    # Words the English catalogue already holds; the new ones follow once /tmp/po_exports.po is
    # merged into it.
    assert "League table" in book.sheetnames
    assert "Giới thiệu" not in book.sheetnames[1:]
    about = {c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c}
    assert {"Published", "Illustrative"} <= about
    header = [cell.value for cell in book["League table"][HEADER_ROW]]
    assert "Đơn vị" not in header
    assert len(table(book["League table"])) == 63


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize("url", WORKBOOKS)
def test_workbooks_are_built_within_24_queries(
    client, official, url, django_assert_max_num_queries
):
    client.force_login(official)
    with django_assert_max_num_queries(24):
        assert client.get(url).status_code == 200


def test_a_unit_workbook_leaves_out_what_its_reader_may_not_read(
    client, head_khdt, admin_user, internal_leagues
):
    # The department's internal scores are a draft until the province publishes them.
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=False)
    url = reverse("dashboards:unit_workbook", args=["49.SKHDT"])

    def internal_rows(user) -> list[dict]:
        client.force_login(user)
        rows = table(workbook(client.get(url))["Điểm theo chỉ số và năm"])
        return [row for row in rows if row["Điểm"] is not None]

    assert internal_rows(admin_user)  # admins read the drafts, on the page and in its workbook
    assert internal_rows(head_khdt) == []
