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

from dashboards import charts
from dashboards.selectors import profile
from indices.models import IndexEdition, Score
from indices.selectors_analytics import current_editions
from reports.exports import table_response
from units.naming import normalize_name

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
    html = client.get(reverse("dashboards:compare") + "?chi_so=PCI&nam=2021").content.decode()
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
        reverse("dashboards:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
        reverse("dashboards:map") + "?chi_so=PAPI&nam=2022&theo=hang",
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
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2023").content.decode()
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
        reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022"
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
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
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
    html = client.get(reverse("dashboards:index", args=["PAPI"]) + "?nam=2022").content.decode()
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
        reverse("dashboards:compare") + "?chi_so=PCI&nam=2021",
        reverse("dashboards:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
        reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022",
        reverse("dashboards:index", args=["PCI"]) + "?nam=2021",
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


# What a provincial leader reported -----------------------------------------------------------


class _Component:
    def __init__(self, code: str, name: str):
        self.code = code
        self.name = name
        self.name_en = ""


def _component_rows() -> list[dict]:
    row = {
        "value": 5.815,
        "decimals": 2,
        "basis": "published",
        "leader_value": 8.0,
        "leader_basis": "published",
        "mean_value": 6.0,
        "analysis_basis": "illustrative",
        "peer_count": 30,
    }
    return [
        {
            "component": _Component("6", "Tính năng động và tiên phong của chính quyền tỉnh"),
            "row": row,
            "target": None,
            "weight": 1,
        },
        {
            "component": _Component("3", "Tính minh bạch"),
            "row": {**row, "basis": "illustrative", "leader_basis": "illustrative"},
            "target": None,
            "weight": 1,
        },
    ]


def test_components_chart_keeps_each_series_colour_and_takes_each_bar_basis_from_its_own_value():
    edition = IndexEdition.objects.get(index__code="PCI", year=2023)
    coverage = next(e for e in current_editions(["PCI"]) if e.pk == edition.pk).coverage
    with translation.override("vi"):
        figure = charts.components_figure(
            rows=_component_rows(), unit_label="Quảng Nam", coverage=coverage
        )
    unit, leader, mean = figure["data"][:3]
    # A published leader is never hatched because the mean beside it is illustrative.
    assert leader["customdata"] == ["8,00 (Công bố)", "8,00 (Minh họa)"]
    assert leader["marker"]["pattern"]["shape"] == ["", "/"]
    assert mean["marker"]["pattern"]["shape"] == ["/", "/"]
    assert unit["marker"]["pattern"]["shape"] == ["", "/"]
    # Three colours, and the stripes are laid over each bar's colour, never replace it.
    assert len({t["marker"]["color"] for t in (unit, leader, mean)}) == 3
    assert all(t["marker"]["pattern"]["fillmode"] == "overlay" for t in (unit, leader, mean))
    assert mean["name"] == "Trung bình của 30 tỉnh được công bố"
    # Short axis labels, the full name in the hover.
    assert unit["x"][0].startswith("6. ")
    assert unit["x"][0].endswith("…")
    assert len(unit["x"][0]) <= 20
    assert unit["x"][1] == "3. Tính minh bạch"
    assert unit["hovertext"][0] == "6. Tính năng động và tiên phong của chính quyền tỉnh"
    assert "%{hovertext}" in unit["hovertemplate"]
    # The legend sits above the plot, clear of the rotated labels under it.
    layout = figure["layout"]
    assert layout["legend"]["y"] >= 1
    assert layout["legend"]["yanchor"] == "bottom"
    assert layout["height"] >= 400


def test_a_rank_only_trend_has_no_empty_score_axis_and_its_break_on_its_own_year():
    dti = [
        {
            "edition_id": 9,
            "year": 2022,
            "value": None,
            "state": "not_published",
            "basis": "published",
            "display_rank": 31,
            "rank_basis": "published",
            "peer_count": 6,
        }
    ]
    with translation.override("vi"):
        figure = charts.trend_figure(series=dti, breaks={2022}, value_label="Điểm")
    assert {t.get("legendgroup") for t in figure["data"]} == {"rank"}
    layout = figure["layout"]
    assert layout["yaxis"] == {"visible": False}
    assert layout["xaxis"]["range"] == [2021.5, 2022.5]
    assert [shape["x0"] for shape in layout["shapes"]] == [2022]
    axis = layout["yaxis2"]
    low, high = axis["autorangeoptions"]["include"]
    assert low <= 0.5
    assert high >= 31.5
    assert 0 not in axis["tickvals"]
    assert all(t["cliponaxis"] is False for t in figure["data"])


def test_a_break_sits_between_the_years_it_separates_and_outside_ones_are_not_drawn():
    series = [{**point, "year": year} for point, year in zip(SERIES, (2020, 2021), strict=True)]
    with translation.override("vi"):
        figure = charts.trend_figure(series=series, breaks={2016, 2021}, value_label="Điểm")
    assert [shape["x0"] for shape in figure["layout"]["shapes"]] == [2020.5]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Điểm"


def test_compare_rank_chart_says_what_each_rank_is_out_of_and_pads_rank_one(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:compare") + "?chi_so=PCI&nam=2024").content.decode()
    figure = _json_script(html, "compare-data")
    hovers = [text for trace in figure["data"] for text in trace.get("customdata", [])]
    assert any("/30 tỉnh được công bố" in text for text in hovers)
    assert any(re.search(r"hạng \d+/63 ", text) for text in hovers)
    assert 'id="top-n-ranks"' in html
    low, _high = figure["layout"]["yaxis"]["autorangeoptions"]["include"]
    assert low < 1


def test_compare_headers_name_components_in_full_and_the_picker_reads_alphabetically(
    client, official
):
    client.force_login(official)
    html = client.get(
        reverse("dashboards:compare") + "?chi_so=PCI&nam=2021&don_vi=49&don_vi=48"
    ).content.decode()
    header = _section(html, 'id="compare-table"', "</thead>")
    assert "…" not in header
    assert '<abbr title="1. Gia nhập thị trường">1</abbr>' in header
    assert "Gia nhập thị trường" in _section(html, 'id="component-legend"', "</ol>")
    picker = _section(html, 'id="don_vi"', "</select>")
    names = re.findall(r">([^<]+)</option>", picker)
    assert len(names) >= 60
    assert names == sorted(names, key=lambda n: (normalize_name(n), n))
    assert names.index("Đà Nẵng") < names.index("Gia Lai")  # Đ is read as D, not after Z
    selected = _section(html, 'id="don-vi-selected"', "</small>")
    assert "Quảng Nam" in selected
    assert "Đà Nẵng" in selected


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboards:compare") + "?chi_so=DTI&nam=2022",
        reverse("dashboards:map") + "?chi_so=DTI&nam=2022",
    ],
)
def test_year_lists_offer_only_editions_with_data(client, official, url):
    client.force_login(official)
    html = client.get(url).content.decode()
    years = re.findall(r'<option value="(\d{4})"', _section(html, 'id="nam"', "</select>"))
    assert years == ["2022"]  # DTI published no scores for 2020, 2021, 2023, 2024


def test_internal_year_list_offers_only_editions_with_data(client, official):
    edition = IndexEdition.objects.filter(index__code="PAR_DISTRICT").order_by("year").first()
    edition.analysis.run = None
    edition.analysis.save(update_fields=["run"])
    client.force_login(official)
    html = client.get(
        reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022"
    ).content.decode()
    years = re.findall(r'<option value="(\d{4})"', _section(html, 'id="nam"', "</select>"))
    assert str(edition.year) not in years
    assert "2022" in years


def test_map_text_is_white_on_dark_tiles_and_the_legend_gives_each_level_its_range(
    client, official
):
    client.force_login(official)
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2021").content.decode()
    tiles = re.findall(r'<div class="tile (l\d|none) ink-(light|dark)', html)
    assert tiles
    assert all((ink == "light") == (level in {"l3", "l4"}) for level, ink in tiles)
    legend = _section(html, 'id="map-legend"', "</p>")
    ranges = re.findall(r'<small class="legend-range">([^<]+)</small>', legend)
    assert len(ranges) == 5
    assert all(re.fullmatch(r"\d+,\d\d–\d+,\d\d", text) for text in ranges)
    assert "Cao ·" not in legend
    assert "Cao</span> ·" not in legend
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2021&theo=hang").content.decode()
    legend = _section(html, 'id="map-legend"', "</p>")
    ranges = re.findall(r'<small class="legend-range">([^<]+)</small>', legend)
    assert ranges[-1].startswith("1–")
    assert ranges[0].endswith("–63")


def test_unit_page_marks_ranks_and_groups_by_their_basis(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    scores = _section(html, 'id="scores-title"', "</section>")
    assert "Hạng công bố" not in scores
    par = _section(scores, ">PAR INDEX</a></h3>", "</table>")
    ranks = _section(par, '<tr class="ranks">', "</tr>")
    marks = re.findall(r'<span class="rank">\d+</span><abbr class="basis basis-(\w+)"', ranks)
    assert marks
    assert "illustrative" in marks
    stored = Score.objects.filter(
        unit__code="49", edition__index__code="PAR", component__isnull=True
    )
    expected = ["illustrative" if s.basis == "illustrative" else "published" for s in stored]
    assert sorted(marks) == sorted(
        b for b, s in zip(expected, stored, strict=True) if s.published_rank
    )
    # PAPI publishes no group: the row shows the group the portal computed, marked as such.
    papi = _section(scores, ">PAPI</a></h3>", "</table>")
    groups = _section(papi, '<tr class="groups">', "</tr>")
    assert "cổng tính" in groups
    assert re.findall(r"basis-(derived|illustrative)", groups)
    assert "basis-published" not in groups


def test_unit_targets_read_in_words_with_their_demo_badge(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    targets = _section(html, 'id="unit-targets"', "</ul>")
    assert "Điểm số (≥)" not in targets
    assert "[3]" not in targets
    assert "điểm từ 85,00 trở lên" in targets
    assert "thành phần 3:" in targets
    assert "năm cơ sở 2020 → mục tiêu 2025" in targets
    assert "mục tiêu minh họa" in targets


def test_profile_lists_real_strengths_before_illustrative_ones(monkeypatch):
    def item(code: str, basis: str, percentile: float) -> dict:
        return {
            "component_code": code,
            "basis": basis,
            "rank_basis": basis if basis == "illustrative" else "derived",
            "percentile": percentile,
            "display_rank": 1,
            "peer_count": 63,
        }

    strengths = [
        item("1", "illustrative", 99),
        item("2", "published", 90),
        item("3", "published", 80),
    ]
    monkeypatch.setattr(
        profile,
        "unit_profile",
        lambda *, unit: {"series": {}, "strengths": strengths, "weaknesses": strengths[::-1]},
    )
    context = profile.profile_context(unit=None)
    assert [s["component_code"] for s in context["profile"]["strengths"]] == ["2", "3", "1"]
    assert [s["component_code"] for s in context["profile"]["weaknesses"]] == ["3", "2", "1"]


def test_methodology_marks_ranks_and_groups_and_says_what_the_tick_means(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:methodology", args=["PCI"]) + "?nam=2022").content.decode()
    assert "công thức đã kiểm chứng" in html
    assert " ✓</td>" not in html
    league = html[html.index("Bảng điểm PCI 2022") :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", league, re.S)
    fake = [row for row in rows if "fig-illustrative" in row]
    assert fake
    for row in fake:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rank, group = cells[0], cells[-1]
        for cell in (rank, group):
            assert cell == "—" or 'basis-illustrative"' in cell, cell
    targets = _section(html, 'id="index-targets"', "</ul>")
    assert "năm cơ sở 2020 → mục tiêu 2025" in targets
    assert "Điểm số (≥)" not in targets
    assert "[3]" not in targets


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
