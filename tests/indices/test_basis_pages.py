"""Every page element, chart, download and export that shows a figure says its basis, rounds it
half-up at the edition's precision, and never calls a computed order a published rank."""

import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from indices import charts
from indices.models import IndexEdition, Score
from reports.exports import table_response

LABELS = {"Công bố", "Tính từ số công bố", "Đánh giá nội bộ", "Minh họa"}
FIG = re.compile(r'<span class="fig fig-\w+">[^<]*</span>')
UNMARKED_FIG = re.compile(r'<span class="fig fig-\w+">[^<]*</span>(?!<abbr class="basis)')
RANK = re.compile(r'<span class="rank">([^<]*)</span>(<abbr class="basis basis-(\w+)")?')


@pytest.fixture(autouse=True)
def _cold(db):
    cache.clear()


def _half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _json_script(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# Pages -------------------------------------------------------------------------------------------


def test_compare_marks_every_figure_and_every_rank(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:compare") + "?chi_so=PCI&nam=2021").content.decode()
    table = _section(html, 'id="compare-table"', "</table>")
    assert FIG.findall(table)
    assert UNMARKED_FIG.findall(table) == []
    ranks = RANK.findall(table)
    assert ranks
    assert all(basis for _text, _abbr, basis in ranks)
    assert "Hạng công bố" not in html


def test_papi_compare_map_and_methodology_never_call_an_order_a_published_rank(client, official):
    client.force_login(official)
    pages = [
        reverse("indices:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
        reverse("indices:map") + "?chi_so=PAPI&nam=2022&theo=hang",
        reverse("indices:methodology", args=["PAPI"]),
        reverse("indices:methodology", args=["PAPI"]) + "?nam=2022",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Hạng công bố" not in html, url
        ranks = RANK.findall(html)
        assert all(basis != "published" for _text, _abbr, basis in ranks), url
        assert 'class="basis basis-published"' in html, url  # the scores themselves are
    compare = client.get(pages[0]).content.decode()
    assert "Thứ tự (tính theo điểm)" in compare
    assert 'id="no-official-rank"' in compare


def test_map_tiles_show_marked_figures_ranks_and_the_bases_in_the_legend(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:map") + "?chi_so=PCI&nam=2023").content.decode()
    assert 'id="coverage-warning"' in html
    assert "30 tỉnh dẫn đầu" in html
    legend = _section(html, 'id="map-bases"', "</p>")
    assert "Minh họa" in legend
    tiles = html[html.index('class="tiles"') :]
    assert FIG.findall(tiles)
    assert UNMARKED_FIG.findall(tiles) == []
    ranks = RANK.findall(tiles)
    assert any(text == "ngoài top 30" for text, _abbr, _basis in ranks)
    assert all(basis for text, _abbr, basis in ranks if text != "ngoài top 30")


def test_internal_league_marks_figures_and_heatmap_hover_names_the_basis(client, official):
    client.force_login(official)
    html = client.get(
        reverse("indices:internal") + "?chi_so=PAR_DISTRICT&nam=2022"
    ).content.decode()
    league = _section(html, 'id="internal-league"', "</table>")
    assert FIG.findall(league)
    assert UNMARKED_FIG.findall(league) == []
    assert re.findall(r"basis-(internal|illustrative)", league)
    assert "basis-published" not in league
    heat = _json_script(html, "heat-data")
    cells = [text for row in heat["data"][0]["customdata"] for text in row]
    assert all("%" in text and ("Minh họa" in text or "Đánh giá nội bộ" in text) for text in cells)
    assert "%{z}" not in heat["data"][0]["hovertemplate"]


def test_unit_profile_marks_scores_ranks_strengths_and_weaknesses(client, official):
    client.force_login(official)
    html = client.get(reverse("units:detail", args=["49"])).content.decode()
    for element in ('id="strengths"', 'id="weaknesses"'):
        items = re.findall(r"<li>(.*?)</li>", _section(html, element, "</ul>"), re.S)
        assert items
        for item in items:
            assert FIG.search(item)
            assert not UNMARKED_FIG.search(item)
            assert item.count('<abbr class="basis') == 2  # the score and its order
    scores = _section(html, 'id="scores-title"', "</section>")
    assert UNMARKED_FIG.findall(scores) == []
    papi = _section(scores, ">PAPI</a></h3>", "</table>")
    assert "Hạng công bố" not in papi
    figure = _json_script(html, "profile-data")
    names = {trace["name"] for trace in figure["data"]}
    assert "PAPI: thứ tự tính theo điểm" in names
    assert "PCI" in names
    assert any(name.endswith("(minh họa)") for name in names)
    assert figure["layout"]["yaxis"]["tickformat"] == "d"


def test_methodology_page_counts_illustrative_values_and_marks_published_ranks(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:methodology", args=["PCI"]) + "?nam=2021").content.decode()
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    fake = Score.objects.filter(edition=edition, state="value", basis="illustrative").count()
    values = Score.objects.filter(edition=edition, state="value").count()
    assert f"{fake}/{values}" in html
    assert "Hạng công bố" in html
    league = html[html.index("Bảng điểm PCI 2021") :]
    first_rank = re.search(r'<td class="num">(\d+)(<abbr class="basis basis-(\w+)")', league)
    assert first_rank
    assert first_rank.group(3) in {"published", "illustrative"}


# Charts ------------------------------------------------------------------------------------------

SERIES = [
    {
        "edition_id": 1,
        "year": 2020,
        "value": 6.815,
        "decimals": 2,
        "basis": "published",
        "display_rank": 3,
        "rank_basis": "published",
        "peer_count": 63,
    },
    {
        "edition_id": 2,
        "year": 2021,
        "value": 7.0,
        "decimals": 2,
        "basis": "illustrative",
        "display_rank": 2,
        "rank_basis": "illustrative",
        "peer_count": 63,
    },
]


def test_trend_hover_is_rounded_half_up_with_its_basis_and_illustrative_points_apart():
    with translation.override("vi"):
        figure = charts.trend_figure(series=SERIES, breaks=set(), value_label="Điểm")
    traces = {trace["name"]: trace for trace in figure["data"] if trace.get("showlegend")}
    assert traces["Điểm"]["customdata"][0] == "6,82 (Công bố)"
    assert traces["Điểm"]["y"] == [6.815, None]
    fake = traces["Điểm (minh họa)"]
    assert fake["x"] == [2021]
    assert fake["marker"]["symbol"].endswith("-open")
    assert fake["customdata"] == ["7,00 (Minh họa)"]
    assert "Thứ hạng" in traces
    assert "Thứ hạng (minh họa)" in traces
    assert all(":.2f" not in trace.get("hovertemplate", "") for trace in figure["data"])
    axis = figure["layout"]["yaxis2"]
    assert axis["tickformat"] == "d"
    assert axis["dtick"] >= 1
    assert axis["autorange"] == "reversed"


def test_trend_rank_trace_of_an_index_without_published_ranks_is_an_order():
    series = [{**point, "rank_basis": "derived"} for point in SERIES]
    with translation.override("vi"):
        figure = charts.trend_figure(series=series, breaks=set(), value_label="Điểm")
        names = {trace["name"] for trace in figure["data"]}
        assert "Thứ tự (tính theo điểm)" in names
        assert "Thứ hạng" not in names
        rank = next(t for t in figure["data"] if t["name"] == "Thứ tự (tính theo điểm)")
        assert rank["customdata"][0] == "thứ tự 3/63 (tính theo điểm) (Tính từ số công bố)"


def test_papi_dashboard_trend_names_its_rank_trace_an_order(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:detail", args=["PAPI"]) + "?nam=2022").content.decode()
    figure = _json_script(html, "trend-data")
    names = {trace["name"] for trace in figure["data"]}
    assert "Thứ tự (tính theo điểm)" in names
    assert "Thứ hạng" not in names
    assert figure["layout"]["yaxis2"]["tickformat"] == "d"


def test_components_bars_hover_with_basis_and_hatch_illustrative_ones():
    class Component:
        code = "1"
        name = "Gia nhập thị trường"
        name_en = ""

    row = {
        "value": 5.815,
        "decimals": 2,
        "basis": "illustrative",
        "leader_value": 8.0,
        "mean_value": 6.0,
        "analysis_basis": "illustrative",
        "peer_count": 30,
    }
    with translation.override("vi"):
        figure = charts.components_figure(
            rows=[{"component": Component(), "row": row, "target": None, "weight": 1}],
            unit_label="Quảng Nam",
        )
    unit = figure["data"][0]
    assert unit["customdata"] == ["5,82 (Minh họa)"]
    assert unit["marker"]["pattern"]["shape"] == ["/"]
    assert any("minh họa" in trace["name"] for trace in figure["data"])
    assert "cả nước" not in figure["data"][2]["name"]  # no coverage given: never "cả nước"


# Downloads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("indices:compare") + "?chi_so=PCI&nam=2021",
        reverse("indices:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
        reverse("indices:internal") + "?chi_so=PAR_DISTRICT&nam=2022",
        reverse("indices:detail", args=["PCI"]) + "?nam=2021",
    ],
)
def test_downloads_carry_basis_columns_with_the_four_labels(client, official, url):
    client.force_login(official)
    rows = _csv(client.get(url + "&tai=csv"))
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


def test_compare_download_rounds_as_the_page_does(client, official):
    client.force_login(official)
    edition = IndexEdition.objects.get(index__code="PAPI", year=2022)
    rows = _csv(
        client.get(reverse("indices:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&tai=csv")
    )
    stored = {
        s.unit.name: s.value
        for s in Score.objects.filter(
            edition=edition, component__isnull=True, unit__code__in=["49", "48"]
        ).select_related("unit")
    }
    for row in rows:
        assert Decimal(row["Tổng"]) == _half_up(stored[row["Đơn vị"]], edition.decimals)
        assert row["Cơ sở của hạng"] in LABELS - {"Công bố"}
        assert row["Thứ tự (tính theo điểm)"]


def test_a_download_without_a_basis_column_is_refused():
    with pytest.raises(ValueError, match="basis"):
        table_response(columns=[("value", "Điểm")], rows=[], filename="x", fmt="csv")


# Commands ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "year"), [("PAPI", 2024), ("ICT", 2023), ("PCI", 2021)])
def test_export_scores_has_the_basis_and_half_up_values(code, year):
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
            assert row["value"] == str(_half_up(score.value, edition.decimals))


@pytest.mark.parametrize(("code", "year"), [("PAPI", 2024), ("ICT", 2023), ("PCI", 2021)])
def test_export_analysis_has_the_bases_and_half_up_values(code, year):
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
        assert row["value"] == str(_half_up(score.value, edition.decimals))
        if code != "PCI":  # every province has a value: the leader is the best of them all
            assert row["gap_to_leader"] == str(_half_up(score.value - leader, edition.decimals))
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


def test_export_analysis_lists_target_statuses_with_their_basis():
    out = io.StringIO()
    call_command("export_analysis", "--index", "PAR", "--year", "2024", "--targets", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows
    assert {row["unit_code"] for row in rows} == {"49"}
    assert all(row["status"] and row["basis"] for row in rows)
