"""Whole-page workbooks: every table of the home, index and unit pages in one .xlsx, the figures
as the page shows them (rounded at the edition's precision, numbers in their cells) with their
basis beside them, a title and a source on every sheet, frozen headers, formula-safe text, and
the page's own permissions."""

import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from dashboards.downloads import HEADER_ROW, sheet_name
from indices.models import Component, IndexEdition
from tests.dashboards.pages import LABELS, half_up
from tests.factories import MembershipFactory
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
    assert client.get(reverse("dashboards:unit_workbook", args=["48-2025.STC"])).status_code == 200
    # Another department's page is not theirs to read, nor its workbook.
    assert client.get(reverse("dashboards:unit", args=["48-2025.SKHCN"])).status_code == 403
    assert (
        client.get(reverse("dashboards:unit_workbook", args=["48-2025.SKHCN"])).status_code == 403
    )
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
    client, admin_user, internal_leagues
):
    # The department's internal scores are a draft until the province publishes them. Its head
    # (of Sở KH&ĐT, scored in 2021 and merged on 1/3/2025) reads its page without them.
    head = MembershipFactory(role="department_head", unit=Unit.objects.get(code="49.SKHDT")).user
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=False)
    url = reverse("dashboards:unit_workbook", args=["49.SKHDT"])

    def internal_rows(user) -> list[dict]:
        client.force_login(user)
        rows = table(workbook(client.get(url))["Điểm theo chỉ số và năm"])
        return [row for row in rows if row["Điểm"] is not None]

    assert internal_rows(admin_user)  # admins read the drafts, on the page and in its workbook
    assert internal_rows(head) == []


# What the staffer preparing a leader's meeting reads ----------------------------------------------

HOME_URL = reverse("dashboards:home_workbook")
PCI_2024 = reverse("dashboards:index_workbook", args=["PCI"]) + "?nam=2024"
PCI_2024_REGION = PCI_2024 + "&vung=BTBDHMT"
PAPI_2022 = reverse("dashboards:index_workbook", args=["PAPI"]) + "?nam=2022"
UNIT_URL = reverse("dashboards:unit_workbook", args=[HOME])
WARNING = "Có số liệu minh họa, không phải số công bố: xem cột Cơ sở."
BANNER = "Số liệu minh họa · không trích dẫn"
ORDER = "Thứ tự (tính theo điểm; chỉ số này không xếp hạng chính thức)"


def by_target(sheet) -> dict[str, dict]:
    return {row["Mục tiêu"].removesuffix(" (mục tiêu minh họa)"): row for row in table(sheet)}


@pytest.mark.usefixtures("province_standing")
def test_target_sheets_word_groups_ranks_and_met_targets_as_the_pages_do(client, official):
    client.force_login(official)
    sheet = workbook(client.get(HOME_URL))["Lộ trình mục tiêu"]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert " | ".join(header[header.index("Mục tiêu") :]) == (
        "Mục tiêu | Năm đích | Đo bằng | Mốc cơ sở | Năm cơ sở | Hiện tại | Tình trạng | Còn cách"
        " | Vượt mục tiêu | Cơ sở"
    )
    targets = by_target(sheet)
    # A group target shows the group, no score and no gap.
    group = targets["nhóm B trở lên"]
    assert (group["Đo bằng"], group["Hiện tại"]) == ("nhóm", "Nhóm B")
    assert group["Mốc cơ sở"] is None
    assert group["Còn cách"] is None
    assert group["Vượt mục tiêu"] is None
    # A rank target's places say what they are out of, as the home page's path does.
    rank = targets["vào top 10"]
    assert rank["Đo bằng"] == "hạng"
    assert rank["Mốc cơ sở"] == "13/63"
    assert rank["Hiện tại"] == "27/30 tỉnh được công bố"
    assert rank["Còn cách"] == 17
    # Once met, no "still to go": the margin has its own column.
    met = targets["điểm từ 85,00 trở lên"]
    assert met["Tình trạng"] == "Đã đạt"
    assert met["Còn cách"] is None
    assert met["Vượt mục tiêu"] == 0
    assert met["Hiện tại"] == 85
    # A score still to reach: the points still to go, at the edition's precision.
    papi = targets["điểm từ 45,00 trở lên"]
    assert (papi["Đo bằng"], papi["Còn cách"], papi["Vượt mục tiêu"]) == ("điểm", 4, None)
    # The index page's sheet words them alike.
    index_targets = by_target(workbook(client.get(PCI_2024))["Mục tiêu"])
    assert index_targets["vào top 10"]["Hiện tại"] == "27/30 tỉnh được công bố"
    assert index_targets["vào top 10"]["Mốc cơ sở"] == "13/63"
    unit_targets = by_target(workbook(client.get(UNIT_URL))["Mục tiêu"])
    assert unit_targets["nhóm B trở lên"]["Đo bằng"] == "nhóm"
    assert unit_targets["vào top 10"]["Đo bằng"] == "hạng"


@pytest.mark.usefixtures("province_standing")
def test_a_sheet_with_illustrative_figures_says_so_and_credits_them_to_nobody(client, official):
    client.force_login(official)
    book = workbook(client.get(PCI_2024))
    vcci = "Nguồn: Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)"
    for sheet in book.worksheets[1:]:
        bases = {row[key] for row in table(sheet) for key in row if key and "Cơ sở" in str(key)} - {
            None
        }
        if "Minh họa" in bases:
            assert sheet["A3"].value.startswith(WARNING), sheet.title
            assert sheet.oddHeader.center.text == BANNER, sheet.title  # on every printed page
        if bases == {"Minh họa"}:  # every figure illustrative: none is VCCI's
            assert not sheet["A2"].value.startswith(vcci), sheet.title
            assert sheet["A2"].value.startswith("Nguồn: số minh họa do cổng tạo ra, không phải")
    facts = book["Điểm và khoảng cách"]
    assert facts["A2"].value.startswith(vcci)
    assert "trừ các số có cơ sở “Minh họa”" in facts["A2"].value
    about = book.worksheets[0]
    assert about["A3"].value.startswith(f"{BANNER}. {WARNING}")
    assert about.oddHeader.center.text == BANNER
    sources = {row[0]: row[1] for row in about.iter_rows(min_row=5, values_only=True) if row[0]}
    assert sources[book["Mục tiêu"]["A1"].value] == book["Mục tiêu"]["A2"].value
    # The illustrative targets are not the province's plan's.
    unit_targets = workbook(client.get(UNIT_URL))["Mục tiêu"]
    assert unit_targets["A3"].value == WARNING
    assert unit_targets["A2"].value == (
        "Nguồn: số minh họa do cổng tạo ra, không phải số của Kế hoạch cải cách hành chính "
        "của tỉnh; không trích dẫn."
    )
    # A sheet of published and derived figures only carries no warning.
    papi = workbook(client.get(PAPI_2022))["Điểm và khoảng cách"]
    assert papi["A2"].value == "Nguồn: CECODES, VFF-CRT, RTA và UNDP · papi.org.vn (PAPI 2022)"
    assert papi["A3"].value is None
    assert not papi.oddHeader.center.text


@pytest.mark.usefixtures("province_standing")
def test_every_rank_says_what_it_is_out_of_and_papi_is_an_order(client, official):
    client.force_login(official)
    unit = workbook(client.get(UNIT_URL))
    scores = {(r["Chỉ số"], r["Năm"]): r for r in table(unit["Điểm theo chỉ số và năm"])}
    assert scores["PCI", 2024]["Hạng / thứ tự"] == 27
    assert scores["PCI", 2024]["Trên tổng số"] == "30 tỉnh được công bố"
    assert scores["PCI", 2021]["Trên tổng số"] == "63 tỉnh"
    assert scores["PCI", 2023]["Trên tổng số"] == "ngoài top 30"
    ranks = {(r["Chỉ số"], r["Năm"]): r for r in table(unit["Thứ hạng qua các năm"])}
    assert (ranks["PCI", 2024]["Hạng / thứ tự"], ranks["PCI", 2024]["Trên tổng số"]) == (
        27,
        "30 tỉnh được công bố",
    )
    assert ranks["PCI", 2024]["Hạng hay thứ tự"] == "Hạng"
    for key, row in ranks.items():  # one rank, one base, in both sheets
        if (
            row["Hạng / thứ tự"] is not None
            and scores[key]["Hạng / thứ tự"] == row["Hạng / thứ tự"]
        ):
            assert scores[key]["Trên tổng số"] == row["Trên tổng số"], key
    # PAPI publishes no rank: the portal's order, in the pages' words.
    assert ranks["PAPI", 2024]["Hạng hay thứ tự"] == ORDER
    assert ranks["PAPI", 2024]["Trên tổng số"] == "61 tỉnh có số liệu"
    home = {r["Chỉ số"]: r for r in table(workbook(client.get(HOME_URL))["Các chỉ số"])}
    assert (home["PAPI"]["Hạng / thứ tự"], home["PAPI"]["Hạng hay thứ tự"]) == (55, ORDER)
    assert home["PCI"]["Trên tổng số"] == "30 tỉnh được công bố"
    index = workbook(client.get(PCI_2024))
    trend = {r["Năm"]: r for r in table(index["Qua các năm"])}
    assert (trend[2024]["Hạng"], trend[2024]["Trên tổng số"]) == (27, "30 tỉnh được công bố")
    assert (trend[2021]["Hạng"], trend[2021]["Trên tổng số"]) == (19, "63 tỉnh")
    facts = {r["Chỉ tiêu"]: r["Giá trị"] for r in table(index["Điểm và khoảng cách"])}
    assert facts["Hạng trong vùng"].endswith("/5 tỉnh được công bố")
    assert "Trạng thái" not in facts  # a score is there: no "Có giá trị" beside it
    papi = workbook(client.get(PAPI_2022))
    header = [cell.value for cell in papi["Qua các năm"][HEADER_ROW]]
    assert "Thứ tự" in header
    assert "Hạng" not in header
    assert {r["Trên tổng số"] for r in table(papi["Qua các năm"])} == {"61 tỉnh có số liệu"}


@pytest.mark.usefixtures("province_standing")
def test_a_status_says_why_a_score_is_missing_and_nothing_beside_a_score(client, official):
    client.force_login(official)
    unit = workbook(client.get(UNIT_URL))
    rows = table(unit["Điểm theo chỉ số và năm"])
    for row in rows:
        if row["Điểm"] is not None:
            assert row["Trạng thái"] is None, row
        else:
            assert row["Trạng thái"] in {"—", "Không công bố", "Không công bố điểm"}, row
    assert {r["Trạng thái"] for r in rows if r["Chỉ số"] == "DTI" and r["Điểm"] is None} == {"—"}
    league = workbook(client.get(PCI_2024))["Bảng xếp hạng"]
    states = {row["Trạng thái"] for row in table(league)}
    assert "Có giá trị" not in states
    for book in (unit, workbook(client.get(HOME_URL))):
        for sheet in book.worksheets:
            texts = {c for row in sheet.iter_rows(values_only=True) for c in row}
            assert not {"Có giá trị", "Đã công bố"} & texts, sheet.title


@pytest.mark.usefixtures("province_standing")
def test_a_region_filtered_workbook_says_so_in_its_title_and_name(client, official):
    client.force_login(official)
    response = client.get(PCI_2024_REGION)
    assert response["Content-Disposition"] == (
        'attachment; filename="PCI-2024-ca-trang-vung-BTBDHMT.xlsx"'
    )
    book = workbook(response)
    region = "vùng Bắc Trung Bộ và Duyên hải miền Trung"
    assert book.worksheets[0]["A1"].value.endswith(region)
    assert book.properties.title.endswith(region)
    assert book["Bảng xếp hạng"]["A1"].value.endswith(region)
    assert region not in workbook(client.get(PCI_2024)).worksheets[0]["A1"].value


@pytest.mark.usefixtures("province_standing")
def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(client, official):
    client.force_login(official)
    for url in (HOME_URL, PCI_2024, UNIT_URL):
        book = workbook(client.get(url))
        assert book.properties.creator == "Reform Portal"
        assert book.properties.title == book.worksheets[0]["A1"].value
        for sheet in book.worksheets:
            assert sheet.page_setup.orientation == "landscape", sheet.title
            assert sheet.page_setup.fitToWidth == 1
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
        for sheet in book.worksheets[1:]:
            assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
            assert sheet["A2"].alignment.wrap_text
            for cell in sheet[HEADER_ROW]:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= min(len(str(cell.value)), 45), (sheet.title, cell.value)
    # A column as wide as its longest value (capped), not as its header.
    league = workbook(client.get(PCI_2024))["Bảng xếp hạng"]
    assert league.column_dimensions["A"].width >= len("30/30 tỉnh được công bố")


def test_the_workbooks_headers_are_marked_for_translation(tmp_path):
    """Labels defined as plain strings and translated when written were never extracted."""
    out = tmp_path / "found.po"
    sources = [
        "dashboards/selectors/page_sheets.py",
        "dashboards/selectors/page_exports.py",
        "dashboards/selectors/unit_export.py",
        "dashboards/downloads.py",
    ]
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=_",
            "--keyword=gettext_noop",
            f"--output={out}",
            *sources,
        ],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    extracted = out.read_text(encoding="utf-8")
    for label in ("Chỉ tiêu", "Mốc cơ sở", "Hiện tại", "Giá trị", "Đo bằng", "Vượt mục tiêu"):
        assert f'msgid "{label}"' in extracted, label


@pytest.mark.usefixtures("province_standing")
def test_an_english_reader_gets_english_target_headers(client, official):
    client.force_login(official)
    client.cookies["django_language"] = "en"
    book = workbook(client.get(PCI_2024))
    sheet = next(s for s in book.worksheets if s.title == "Target")
    header = [cell.value for cell in sheet[HEADER_ROW]]
    # Words the English catalogue holds; the new ones follow once /tmp/po_fix.po is merged.
    assert {"Target", "Target year", "Baseline year", "Status", "Still short by", "Basis"} <= set(
        header
    )
    assert not {"Mục tiêu", "Năm đích", "Tình trạng", "Còn cách"} & set(header)
