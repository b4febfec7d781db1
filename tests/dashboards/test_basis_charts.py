"""Every chart's hover rounds half-up at the edition's precision and names the basis; illustrative
points and bars stand apart; a rank trace of an index without published ranks is an order."""

import pytest
from django.utils import translation

from dashboards import charts
from indices.models import IndexEdition
from indices.selectors_analytics import current_editions

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


@pytest.mark.usefixtures("pci_later")
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
