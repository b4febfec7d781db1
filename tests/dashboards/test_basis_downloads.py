"""Every download and export command carries the basis of each figure and rounds it half-up at the
edition's precision, in CSV and in .xlsx cells."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.downloads import table_response
from indices.models import IndexEdition, Score
from tests import standings
from tests.dashboards.pages import (
    LABELS,
    csv_rows,
    half_up,
)

# What each download and export reads, built for it (tests/standings.py).
SOURCES = {
    "PCI": standings.pci_2021,
    "PAPI 2022": lambda: standings.papi_published(2022),
    "PAPI": lambda: standings.papi_published(2024),
    "PAR_DISTRICT": standings.internal_leagues,
    "ICT": standings.ict_leagues,
}


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (reverse("dashboards:compare") + "?chi_so=PCI&nam=2021", "PCI"),
        (
            reverse("dashboards:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
            "PAPI 2022",
        ),
        (reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022", "PAR_DISTRICT"),
        (reverse("dashboards:index", args=["PCI"]) + "?nam=2021", "PCI"),
    ],
)
def test_downloads_carry_basis_columns_with_the_four_labels(client, official, url, source):
    SOURCES[source]()
    client.force_login(official)
    rows = csv_rows(client.get(url + "&tai=csv"))
    assert rows
    basis_columns = [key for key in rows[0] if "Cơ sở" in key or key.endswith(": cơ sở")]
    assert basis_columns
    for row in rows:
        for key in basis_columns:
            assert row[key] in LABELS | {""}, (key, row[key])
    assert any(row[key] for row in rows for key in basis_columns)
    book = load_workbook(io.BytesIO(client.get(url + "&tai=xlsx").content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert any(isinstance(h, str) and "Cơ sở" in h for h in header)
    legend = [row[1] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert set(legend) >= LABELS


def test_compare_download_rounds_as_the_page_does(client, official, papi_published):
    papi_published(2022)
    client.force_login(official)
    edition = IndexEdition.objects.get(index__code="PAPI", year=2022)
    rows = csv_rows(
        client.get(
            reverse("dashboards:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&tai=csv"
        )
    )
    stored = {
        s.unit.name: s.value
        for s in Score.objects.filter(
            edition=edition, component__isnull=True, unit__code__in=["49", "48"]
        ).select_related("unit")
    }
    for row in rows:
        assert Decimal(row["Tổng"]) == half_up(stored[row["Đơn vị"]], edition.decimals)
        assert row["Cơ sở của hạng"] in LABELS - {"Công bố"}
        assert row["Thứ tự (tính theo điểm)"]


def test_a_download_without_a_basis_column_is_refused():
    with pytest.raises(ValueError, match="basis"):
        table_response(columns=[("value", "Điểm")], rows=[], filename="x", fmt="csv")


def test_xlsx_cells_show_the_decimals_they_were_rounded_to():
    response = table_response(
        columns=[("value", "Điểm"), ("small", "Chỉ số"), ("rank", "Hạng"), ("basis", "Cơ sở")],
        rows=[{"value": Decimal("41.00"), "small": Decimal("0.6712"), "rank": 3, "basis": "x"}],
        filename="x",
        fmt="xlsx",
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    value, small, rank, _basis = sheet[2]
    assert value.value == 41
    assert value.number_format == "0.00"
    assert small.number_format == "0.0000"
    assert rank.number_format == "General"
    csv_response = table_response(
        columns=[("value", "Điểm"), ("basis", "Cơ sở")],
        rows=[{"value": Decimal("41.00"), "basis": "x"}],
        filename="x",
        fmt="csv",
    )
    assert "41.00" in csv_response.content.decode("utf-8-sig")


@pytest.mark.usefixtures("ict_leagues")
def test_compare_xlsx_figures_keep_the_edition_precision(client, official):
    client.force_login(official)
    response = client.get(
        reverse("dashboards:compare") + "?chi_so=ICT&nam=2023&don_vi=49&don_vi=48&tai=xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    total = [row[header.index("Tổng")] for row in sheet.iter_rows(min_row=2)]
    assert total
    assert all(cell.number_format == "0.0000" for cell in total if cell.value is not None)


@pytest.mark.parametrize(("code", "year"), [("PAPI", 2024), ("ICT", 2023), ("PCI", 2021)])
def test_export_scores_has_the_basis_and_half_up_values(reference_units, code, year):
    SOURCES[code]()
    edition = IndexEdition.objects.get(index__code=code, year=year)
    out = io.StringIO()
    call_command("export_scores", "--index", code, "--year", str(year), stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert "basis" in rows[0]
    stored = {
        (s.unit.code, s.component.code if s.component else "total"): s
        for s in Score.objects.filter(edition=edition).select_related("unit", "component")
    }
    assert len(rows) == len(stored)
    for row in rows:
        score = stored[(row["unit_code"], row["component"])]
        assert row["basis"] == score.basis
        if score.state == "value":
            assert row["value"] == str(half_up(score.value, edition.decimals))


@pytest.mark.parametrize(("code", "year"), [("PAPI", 2024), ("ICT", 2023), ("PCI", 2021)])
def test_export_analysis_has_the_bases_and_half_up_values(reference_units, code, year):
    SOURCES[code]()
    edition = IndexEdition.objects.get(index__code=code, year=year)
    out = io.StringIO()
    call_command("export_analysis", "--index", code, "--year", str(year), stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {"basis", "rank_basis", "analysis_basis"} <= set(rows[0])
    assert not any(column.startswith("target_") for column in rows[0])
    totals = Score.objects.filter(edition=edition, component__isnull=True, state="value")
    stored = {s.unit.code: s for s in totals.select_related("unit")}
    leader = totals.aggregate(best=Max("value"))["best"]
    checked = 0
    for row in rows:
        score = stored.get(row["unit_code"])
        if score is None:
            assert row["value"] == ""
            continue
        assert row["basis"] == score.basis
        assert row["value"] == str(half_up(score.value, edition.decimals))
        if code != "PCI":  # every province has a value: the leader is the best of them all
            assert row["gap_to_leader"] == str(half_up(score.value - leader, edition.decimals))
        assert row["rank_basis"] in {"published", "derived", "illustrative"}
        if code == "PAPI":
            assert row["rank_basis"] != "published"
        checked += 1
    assert checked > 20
    out = io.StringIO()
    call_command(
        "export_analysis", "--index", code, "--year", str(year), "--format", "json", stdout=out
    )
    first = json.loads(out.getvalue())[0]
    assert isinstance(first["value"], str)  # "44.69", never a float's 44.690000000000005


@pytest.mark.usefixtures("par_leagues", "home_targets")
def test_export_analysis_lists_target_statuses_with_their_basis():
    out = io.StringIO()
    call_command("export_analysis", "--index", "PAR", "--year", "2024", "--targets", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows
    assert {row["unit_code"] for row in rows} == {"49"}
    assert all(row["status"] and row["basis"] for row in rows)
