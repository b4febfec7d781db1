"""Every figure on the compare, map, internal, index and methodology pages says its basis, and no
page calls a computed order a published rank."""

import re

import pytest
from django.urls import reverse

from indices.models import IndexEdition, Score
from tests.dashboards.pages import (
    FIG,
    RANK,
    UNMARKED_FIG,
    json_script,
    section,
)
from units.naming import normalize_name


@pytest.mark.usefixtures("pci_2021")
def test_compare_marks_every_figure_and_every_rank(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:compare") + "?chi_so=PCI&nam=2021").content.decode()
    table = section(html, 'id="compare-table"', "</table>")
    assert FIG.findall(table)
    assert UNMARKED_FIG.findall(table) == []
    ranks = RANK.findall(table)
    assert ranks
    assert all(basis for _text, _abbr, basis in ranks)
    assert "Hạng công bố" not in html


def test_papi_compare_map_and_methodology_never_call_an_order_a_published_rank(
    client, official, papi_published
):
    papi_published(2022, 2024)
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


@pytest.mark.usefixtures("pci_later")
def test_map_tiles_show_marked_figures_ranks_and_the_bases_in_the_legend(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2023").content.decode()
    assert 'id="coverage-warning"' in html
    assert "30 tỉnh dẫn đầu" in html
    legend = section(html, 'id="map-bases"', "</p>")
    assert "Minh họa" in legend
    tiles = html[html.index('class="tiles"') :]
    assert FIG.findall(tiles)
    assert UNMARKED_FIG.findall(tiles) == []
    ranks = RANK.findall(tiles)
    assert any(text == "ngoài top 30" for text, _abbr, _basis in ranks)
    assert all(basis for text, _abbr, basis in ranks if text != "ngoài top 30")


@pytest.mark.usefixtures("internal_leagues")
def test_internal_league_marks_figures_and_heatmap_hover_names_the_basis(client, official):
    client.force_login(official)
    html = client.get(
        reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022"
    ).content.decode()
    league = section(html, 'id="internal-league"', "</table>")
    assert FIG.findall(league)
    assert UNMARKED_FIG.findall(league) == []
    assert re.findall(r"basis-(internal|illustrative)", league)
    assert "basis-published" not in league
    heat = json_script(html, "heat-data")
    cells = [text for row in heat["data"][0]["customdata"] for text in row]
    assert all("%" in text and ("Minh họa" in text or "Đánh giá nội bộ" in text) for text in cells)
    assert "%{z}" not in heat["data"][0]["hovertemplate"]


@pytest.mark.usefixtures("pci_2021")
def test_methodology_page_counts_illustrative_values_and_marks_published_ranks(client, official):
    client.force_login(official)
    html = client.get(reverse("indices:methodology", args=["PCI"]) + "?nam=2021").content.decode()
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    fake = Score.objects.filter(edition=edition, state="value", basis="illustrative").count()
    values = Score.objects.filter(edition=edition, state="value").count()
    assert 0 < fake < values
    assert f"{fake}/{values}" in html
    assert "Hạng công bố" in html
    league = html[html.index("Bảng điểm PCI 2021") :]
    first_rank = re.search(r'<td class="num">(\d+)(<abbr class="basis basis-(\w+)")', league)
    assert first_rank
    assert first_rank.group(3) in {"published", "illustrative"}


@pytest.mark.usefixtures("pci_later", "home_targets")
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
    targets = section(html, 'id="index-targets"', "</ul>")
    assert "năm cơ sở 2020 → mục tiêu 2025" in targets
    assert "Điểm số (≥)" not in targets
    assert "[3]" not in targets


def test_papi_dashboard_trend_names_its_rank_trace_an_order(client, official, papi_published):
    papi_published(2022)
    client.force_login(official)
    html = client.get(reverse("dashboards:index", args=["PAPI"]) + "?nam=2022").content.decode()
    figure = json_script(html, "trend-data")
    names = {trace["name"] for trace in figure["data"]}
    assert "Thứ tự (tính theo điểm)" in names
    assert "Thứ hạng" not in names
    assert figure["layout"]["yaxis2"]["tickformat"] == "d"


@pytest.mark.usefixtures("pci_2021", "pci_later")
def test_compare_rank_chart_says_what_each_rank_is_out_of_and_pads_rank_one(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:compare") + "?chi_so=PCI&nam=2024").content.decode()
    figure = json_script(html, "compare-data")
    hovers = [text for trace in figure["data"] for text in trace.get("customdata", [])]
    assert any("/30 tỉnh được công bố" in text for text in hovers)
    assert any(re.search(r"hạng \d+/63 ", text) for text in hovers)
    assert 'id="top-n-ranks"' in html
    low, _high = figure["layout"]["yaxis"]["autorangeoptions"]["include"]
    assert low < 1


@pytest.mark.usefixtures("pci_2021")
def test_compare_headers_name_components_in_full_and_the_picker_reads_alphabetically(
    client, official
):
    client.force_login(official)
    html = client.get(
        reverse("dashboards:compare") + "?chi_so=PCI&nam=2021&don_vi=49&don_vi=48"
    ).content.decode()
    header = section(html, 'id="compare-table"', "</thead>")
    assert "…" not in header
    assert '<abbr title="1. Gia nhập thị trường">1</abbr>' in header
    assert "Gia nhập thị trường" in section(html, 'id="component-legend"', "</ol>")
    picker = section(html, 'id="don-vi-list"', "</ul>")
    names = [n.strip() for n in re.findall(r"> ([^<]+)</label>", picker)]
    # A checkbox list, not a multi-select that needs Ctrl-click.
    assert 'type="checkbox" name="don_vi" value="49" checked' in picker
    assert len(names) >= 60
    assert names == sorted(names, key=lambda n: (normalize_name(n), n))
    assert names.index("Đà Nẵng") < names.index("Gia Lai")  # Đ is read as D, not after Z
    selected = section(html, 'id="don-vi-selected"', "</small>")
    assert "Quảng Nam" in selected
    assert "Đà Nẵng" in selected


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboards:compare") + "?chi_so=DTI&nam=2022",
        reverse("dashboards:map") + "?chi_so=DTI&nam=2022",
    ],
)
@pytest.mark.usefixtures("dti_2022")
def test_year_lists_offer_only_editions_with_data(client, official, url):
    client.force_login(official)
    html = client.get(url).content.decode()
    years = re.findall(r'<option value="(\d{4})"', section(html, 'id="nam"', "</select>"))
    assert years == ["2022"]  # DTI published no scores for 2020, 2021, 2023, 2024


@pytest.mark.usefixtures("internal_leagues")
def test_internal_year_list_offers_only_editions_with_data(client, official):
    edition = IndexEdition.objects.filter(index__code="PAR_DISTRICT").order_by("year").first()
    edition.analysis.run = None
    edition.analysis.save(update_fields=["run"])
    client.force_login(official)
    html = client.get(
        reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022"
    ).content.decode()
    years = re.findall(r'<option value="(\d{4})"', section(html, 'id="nam"', "</select>"))
    assert str(edition.year) not in years
    assert "2022" in years


@pytest.mark.usefixtures("pci_2021")
def test_map_text_is_white_on_dark_tiles_and_the_legend_gives_each_level_its_range(
    client, official
):
    client.force_login(official)
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2021").content.decode()
    tiles = re.findall(r'<div class="tile (l\d|none) ink-(light|dark)', html)
    assert tiles
    assert all((ink == "light") == (level in {"l3", "l4"}) for level, ink in tiles)
    legend = section(html, 'id="map-legend"', "</p>")
    ranges = re.findall(r'<small class="legend-range">([^<]+)</small>', legend)
    assert len(ranges) == 5
    assert all(re.fullmatch(r"\d+,\d\d–\d+,\d\d", text) for text in ranges)
    assert "Cao ·" not in legend
    assert "Cao</span> ·" not in legend
    html = client.get(reverse("dashboards:map") + "?chi_so=PCI&nam=2021&theo=hang").content.decode()
    legend = section(html, 'id="map-legend"', "</p>")
    ranges = re.findall(r'<small class="legend-range">([^<]+)</small>', legend)
    assert ranges[-1].startswith("1–")
    assert ranges[0].endswith("–63")
