"""Property-based: small tables of arbitrary cells (text with control characters, huge and
negative numbers, NaN and infinity, formulas' text, empty cells), written as .csv or as a
hand-made .xlsx, go through the reader, the import preview and the preview's cell template.
Nothing may raise but the importer's own refusal: the reader's UnreadableFile, or errors in the
preview's result."""

import csv
import io
import math
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indices.services.imports.service import scores_preview
from tabular.headers import column_letter
from tabular.reading import UnreadableFile, read_spreadsheet
from tests.factories import EditionFactory, IndexFactory

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADERS = [["Tỉnh", "Điểm số", "Xếp hạng", "Xếp loại"], ["Đơn vị", "Thành phần", "Giá trị"], []]
WORDS = [
    "Quảng Nam",
    "Đà Nẵng",
    "Hà Nội",
    "N/A",
    "KCB",
    "-",
    "66,24",
    "1.234,5",
    "91,44%",
    "13/63",
    "²",
    "\\N",
    "=HYPERLINK(1)",
    "@SUM(1)",
    " ",
    "\x00",
    "\t\n\r",
    "K" * 41,
]
CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
)
TABLES = st.tuples(
    st.sampled_from(HEADERS),
    st.lists(st.lists(CELLS, max_size=5), max_size=6),
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)


def as_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def _xml_cell(reference: str, cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool | int | float):
        # What a writer would put in <v>: repr of a float ("nan", "inf", "1e+300").
        return f'<c r="{reference}"><v>{_text(cell)}</v></c>'
    text = escape(str(cell), {'"': "&quot;"})
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def as_xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    """A one-sheet workbook written by hand, control characters and all (a library would refuse
    to write what a hostile file holds)."""
    lines = []
    for number, row in enumerate([header, *rows], start=1):
        cells = "".join(_xml_cell(f"{column_letter(i)}{number}", c) for i, c in enumerate(row))
        lines.append(f'<row r="{number}">{cells}</row>')
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(lines)}</sheetData></worksheet>'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Fuzz" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-8", "surrogatepass"))
    return buffer.getvalue()


@pytest.fixture
def edition(reference_units):
    return EditionFactory(index=IndexFactory(code="HARDF"), year=2021)


@FUZZ
@given(table=TABLES, fmt=st.sampled_from(["csv", "xlsx"]))
def test_reader_returns_cells_or_refuses_the_file(table, fmt):
    header, rows = table
    data = as_csv(header, rows) if fmt == "csv" else as_xlsx(header, rows)
    try:
        sheets = read_spreadsheet(data=data, filename=f"fuzz.{fmt}")
        reason = ""
    except UnreadableFile as refused:
        sheets, reason = [], str(refused)
    assert sheets or reason  # cells, or a reason why not
    for sheet in sheets:
        for row in sheet.rows:
            for cell in row:
                assert cell is None or isinstance(cell, str | int | float) or hasattr(cell, "year")
                assert cell != ""  # an empty cell is None


@FUZZ
@given(table=TABLES, fmt=st.sampled_from(["csv", "xlsx"]))
def test_preview_reports_problems_and_never_fails(edition, table, fmt):
    header, rows = table
    data = as_csv(header, rows) if fmt == "csv" else as_xlsx(header, rows)
    result = scores_preview(edition=edition, data=data, filename=f"fuzz.{fmt}")
    for problem in result.problems:
        assert problem.message
        problem.as_line()
    for record in result.records:
        assert record.rank is None or 1 <= record.rank <= 32767
        assert len(record.group) <= 40
        for cell in record.values.values():
            if cell.state == "value":
                assert cell.value is not None
                assert math.isfinite(cell.value)
            # What the preview page shows for each cell.
            render_to_string("indices/includes/cell.html", {"cell": cell})
