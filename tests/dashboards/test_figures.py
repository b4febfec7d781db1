"""What a reader sees: every figure rounded half-up as the publisher prints it, every figure
carrying its basis, ranks only where the publisher published them."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.utils import translation

from dashboards.selectors import result_row
from indices.analytics.runs import analysis_rebuild
from indices.figures import Coverage, figure, rank_text
from indices.models import (
    EditionAnalysis,
    Index,
    IndexEdition,
    RankResult,
    Score,
)
from indices.selectors_analytics import with_figures
from indices.services.imports.service import scores_import
from tests.factories import EditionFactory, IndexFactory
from tests.leagues import ladder, league_create
from units.models import Unit

FIG = re.compile(r'<span class="fig fig-(\w+)">([^<]*)</span>')
ROW = re.compile(r'<tr[^>]*data-unit="([^"]+)"[^>]*>(.*?)</tr>', re.S)


def _half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _vi(number: Decimal, decimals: int) -> str:
    text = f"{abs(number):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if number < 0 and number != 0 else "") + text


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (-6.815, 2, "−6,82"),  # a float just below …815: the shortest repr is what was meant
        (-2.425, 2, "−2,43"),
        (-3.995, 2, "−4,00"),
        (41.0045, 2, "41,00"),
        (Decimal("66.245"), 2, "66,25"),
        (0.61235, 4, "0,6124"),  # half-up, not half-even
        (-0.001, 2, "0,00"),  # never "−0,00"
        (None, 2, "—"),
        (float("nan"), 2, "—"),
    ],
)
def test_figure_rounds_half_up_in_vietnamese(value, decimals, expected):
    with translation.override("vi"):
        assert figure(value, decimals) == expected


def test_figure_in_english():
    with translation.override("en"):
        assert figure(1234.565, 2) == "1,234.57"


def _league_cells(html: str) -> dict[str, dict[str, tuple[str, str]]]:
    cells = {}
    for code, body in ROW.findall(html):
        tds = re.findall(r'<td class="num ([\w-]+)"[^>]*>(.*?)</td>', body, re.S)
        cells[code] = {
            kind: FIG.search(content).groups() for kind, content in tds if FIG.search(content)
        }
    return cells


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize("code", ["PAR", "PAPI", "PCI", "ICT"])
def test_whole_league_tables_equal_the_decimal_half_up_values(client, official, code):
    """Every score and every gap to the leader of every edition's league table, against the
    Decimal half-up rounding of the stored published value (gaps from exact differences)."""
    client.force_login(official)
    editions = IndexEdition.objects.filter(
        index__code=code, status="published", scores__isnull=False
    )
    checked = 0
    for edition in editions.distinct():
        scores = {
            s.unit.code: s.value
            for s in Score.objects.filter(
                edition=edition, component__isnull=True, state="value"
            ).select_related("unit")
        }
        if not scores:
            continue
        leader = max(scores.values())
        html = client.get(f"/chi-so/{code}/?nam={edition.year}").content.decode()
        cells = _league_cells(html)
        d = edition.decimals
        for unit_code, value in scores.items():
            row = cells[unit_code]
            assert row["value-cell"][1] == _vi(_half_up(value, d), d), (edition, unit_code)
            assert row["gap-cell"][1] == _vi(_half_up(value - leader, d), d), (edition, unit_code)
            checked += 2
    assert checked > 100


def test_papi_2024_gaps_read_as_published_rounding(client, official, papi_published):
    papi_published(2024)  # Quảng Nam's real total: 41,0045
    client.force_login(official)
    html = client.get("/chi-so/PAPI/?nam=2024").content.decode()
    kpi = html[html.index('id="kpi"') : html.index('id="targets"')]
    assert "41,00" in kpi
    assert "41,0045" not in html
    assert "Hạng công bố" not in html
    assert "thứ tự" in kpi
    assert "tính theo điểm" in kpi


@pytest.mark.parametrize("code", ["PAPI"])
def test_papi_pages_never_call_a_rank_published(client, official, papi_published, code):
    papi_published()
    client.force_login(official)
    for edition in IndexEdition.objects.filter(index__code=code, scores__isnull=False).distinct():
        html = client.get(f"/chi-so/{code}/?nam={edition.year}").content.decode()
        assert "Hạng công bố" not in html
        assert 'class="basis basis-published"' in html  # the scores are published…
        ranks = re.findall(r'<td class="num rank-cell"[^>]*>(.*?)</td>', html, re.S)
        assert ranks
        assert all("basis-published" not in cell for cell in ranks)  # …the order is not
    assert not RankResult.objects.filter(edition__index__code=code, rank_basis="published").exists()


@pytest.mark.usefixtures("province_standing")
def test_home_cards_are_named_and_every_figure_is_marked(client, official):
    client.force_login(official)
    html = client.get("/").content.decode()
    headings = re.findall(
        r'<article class="card kpi-card" data-index="(\w+)">\s*<h2><a[^>]*>([^<]+)</a>', html
    )
    names = dict(Index.objects.filter(kind="national").values_list("code", "short_name"))
    assert len(headings) >= 4
    for code, text in headings:
        assert text.strip() == names[code]
    cards = html[html.index('id="index-cards"') : html.index('id="costly"')]
    figures = FIG.findall(cards)
    assert figures
    assert {basis for basis, _text in figures} <= {
        "published",
        "derived",
        "internal",
        "illustrative",
    }
    unmarked = re.findall(r'<span class="fig fig-\w+">[^<]*</span>(?!<abbr class="basis)', cards)
    assert unmarked == []


# Bases through the analysis ----------------------------------------------------------------------


def _edition(index, year: int, values: dict[str, tuple[str, str]], **kwargs) -> IndexEdition:
    edition = EditionFactory(index=index, year=year, **kwargs)
    units = {u.code: u for u in Unit.objects.filter(code__in=values)}
    for code, (value, basis) in values.items():
        Score.objects.create(
            unit=units[code], edition=edition, state="value", value=Decimal(value), basis=basis
        )
    return edition


def _result(edition, code: str) -> RankResult:
    run_id = EditionAnalysis.objects.get(edition=edition).run_id
    return with_figures(
        [RankResult.objects.get(run_id=run_id, edition=edition, unit__code=code, component_code="")]
    )[0]


def test_one_illustrative_peer_makes_gaps_and_computed_ranks_illustrative(reference_units):
    index = IndexFactory(code="TB1", short_name="TB1")
    edition = _edition(
        index,
        2023,
        {"49": ("80", "published"), "48": ("90", "illustrative"), "51": ("70", "published")},
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    quang_nam = _result(edition, "49")
    assert quang_nam.basis == "published"  # its own value is real…
    assert quang_nam.analysis_basis == "illustrative"  # …its gap to an illustrative leader is not
    assert quang_nam.rank_basis == "illustrative"


def test_gaps_among_published_values_are_derived_and_published_ranks_stay_published(
    reference_units,
):
    index = IndexFactory(code="TB2", short_name="TB2")
    edition = _edition(index, 2023, {"49": ("80", "published"), "48": ("90", "published")})
    Score.objects.filter(edition=edition, unit__code="49").update(published_rank=2)
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    quang_nam = _result(edition, "49")
    assert (quang_nam.analysis_basis, quang_nam.rank_basis) == ("derived", "published")
    index.publishes_ranks = False
    coverage = Coverage(level="province", expected=2, covered=2, publishes_ranks=False)
    row = {"display_rank": 2, "peer_count": 2, "rank_basis": "derived"}
    assert rank_text(row, coverage).startswith("thứ tự 2/2")


def test_changes_are_never_computed_against_an_illustrative_edition(reference_units):
    index = IndexFactory(code="TB3", short_name="TB3")
    before = _edition(index, 2020, {"49": ("70", "published"), "22": ("60", "illustrative")})
    Score.objects.filter(edition=before, unit__code="22").update(published_rank=2)
    after = _edition(index, 2021, {"49": ("75", "published"), "22": ("80", "published")})
    analysis_rebuild(edition_ids=[before.pk, after.pk], trigger="admin")
    quang_ninh = _result(after, "22")
    assert quang_ninh.score_change is None
    assert quang_ninh.rank_change is None
    assert quang_ninh.change_note == "illustrative"
    quang_nam = _result(after, "49")
    assert quang_nam.score_change == pytest.approx(5.0)  # both real: computed
    assert quang_nam.rank_change is None  # its 2020 order was among an illustrative peer
    assert quang_nam.change_note == "illustrative"


def test_rank_text_names_its_base():
    full = Coverage(level="province", expected=63, covered=63)
    top = Coverage(level="province", expected=63, covered=63, top_n=30)
    partial = Coverage(level="province", expected=63, covered=6)
    with translation.override("vi"):
        assert (
            rank_text({"display_rank": 19, "peer_count": 63, "rank_basis": "published"}, full)
            == "hạng 19/63"
        )
        assert (
            rank_text({"display_rank": 27, "peer_count": 30, "rank_basis": "published"}, top)
            == "hạng 27/30 tỉnh được công bố"
        )
        assert rank_text({"display_rank": None, "state": "not_published"}, top) == "ngoài top 30"
        # A published rank in a six-province file is still out of 63, never "15/6".
        assert (
            rank_text({"display_rank": 15, "peer_count": 6, "rank_basis": "published"}, partial)
            == "hạng 15/63"
        )
        assert (
            rank_text({"display_rank": 3, "peer_count": 6, "rank_basis": "derived"}, partial)
            == "hạng 3/6 tỉnh có số liệu"
        )
        assert full.aggregate_base(63) == "cả nước"
        assert top.aggregate_base(30) == "của 30 tỉnh được công bố"
        assert partial.aggregate_base(6) == "của 6 tỉnh có số liệu"
        assert partial.warning().startswith("Kỳ này mới có số liệu của 6/63 tỉnh")


@pytest.mark.usefixtures("pci_later")
def test_top_n_edition_page_names_the_base_of_its_aggregates(client, official):
    client.force_login(official)
    html = client.get("/chi-so/PCI/?nam=2024").content.decode()
    assert "30 tỉnh được công bố" in html
    assert "Trung bình cả nước" not in html


# Priorities --------------------------------------------------------------------------------------


def test_papi_2024_priorities_point_at_gains_against_the_best_province(papi_published):
    """Real PAPI 2024: priorities are the points of the total that reaching the best province on
    each dimension would add (weight 1: PAPI's total is the sum), not the distance to 10."""
    (edition,) = papi_published(2024)
    run_id = EditionAnalysis.objects.get(edition=edition).run_id
    rows = {
        r.component_code: r
        for r in with_figures(
            RankResult.objects.filter(run_id=run_id, unit__code="49").exclude(component_code=""),
            priorities=True,
        )
    }
    best = {
        code: max(
            Score.objects.filter(edition=edition, component__code=code, state="value").values_list(
                "value", flat=True
            )
        )
        for code in rows
    }
    own = {
        s.component.code: s.value
        for s in Score.objects.filter(
            edition=edition, unit__code="49", component__isnull=False
        ).select_related("component")
    }
    for code, row in rows.items():
        assert row.cost == pytest.approx(float(best[code] - own[code]), abs=1e-4)
        assert row.leader_value == pytest.approx(float(best[code]))
        assert row.cost_share == pytest.approx(row.cost / 72 * 100, abs=1e-4)  # scale 8–80
    order = sorted(rows, key=lambda code: rows[code].priority)
    assert order == sorted(rows, key=lambda code: -(best[code] - own[code]))
    # E-governance, 7,10 from the maximum of 10 but only 1,16 from the best province (4,06),
    # is no longer the first priority, and procedures (ranked 60/61) moves ahead of
    # environmental governance and the dimensions where Quảng Nam is close to the best.
    assert order[0] != "8"
    assert order.index("5") < order.index("7")
    assert rows["5"].rank == 60


def test_a_published_leader_stays_published_beside_an_illustrative_peer(reference_units):
    """PAR 2023: Quảng Ninh's 92,18 is published; an illustrative province lower in the table
    makes the mean illustrative, not the leader nor the gap to it."""
    index = IndexFactory(code="TB4", short_name="TB4")
    edition = _edition(
        index,
        2023,
        {"22": ("92.18", "published"), "49": ("84.60", "published"), "48": ("88", "illustrative")},
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    quang_nam = _result(edition, "49")
    assert quang_nam.leader_basis == "published"
    assert quang_nam.analysis_basis == "illustrative"  # the mean takes in the illustrative 88
    run_id = EditionAnalysis.objects.get(edition=edition).run_id
    (result,) = with_figures(
        RankResult.objects.filter(run_id=run_id, unit__code="49", component_code="")
    )
    row = result_row(result)
    assert row["gap_basis"] == "derived"


@pytest.mark.parametrize(
    ("fixture", "code", "year", "basis"),
    [
        ("pci_2021_published.xlsx", "PCI", 2021, "published"),
        ("par_district_2023_long.csv", "PAR_DISTRICT", 2023, "internal"),
    ],
)
def test_an_imported_file_carries_its_basis_into_the_analysis(
    reference_units, fixture, code, year, basis
):
    """A publisher's file is published, the province's own scoring internal, from the stored
    scores through to the results every page reads; nothing of an illustrative filler survives
    in the edition once the file replaces it."""
    edition = IndexEdition.objects.get(index__code=code, year=year)
    league_create(
        edition,
        ladder(
            edition, home_place=1, home_value=Decimal(70), step=Decimal("0.5"), basis="illustrative"
        ),
    )
    assert Score.objects.filter(edition=edition, basis="illustrative").exists()
    path = Path(__file__).resolve().parent.parent / "fixtures" / fixture
    scores_import(edition=edition, data=path.read_bytes(), filename=fixture, allow_missing=True)
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert set(Score.objects.filter(edition=edition).values_list("basis", flat=True)) == {basis}
    run_id = EditionAnalysis.objects.get(edition=edition).run_id
    results = RankResult.objects.filter(run_id=run_id, edition=edition, state="value")
    assert set(results.values_list("basis", flat=True)) == {basis}
    expected_peers = "internal" if basis == "internal" else "derived"
    assert set(results.values_list("analysis_basis", flat=True)) == {expected_peers}
