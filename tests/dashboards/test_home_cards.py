"""The leader's home page, one card per national index: where the province stands (value and
rank with their bases), a small trend over the editions, the target path in words, the three
components that would raise the index most with the plan's tasks aimed at them, and what the
last import changed, an illustrative card reading as one at a glance."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards import charts
from dashboards.selectors.common import result_row
from dashboards.selectors.home import change_line, home_page
from indices.figures import figure
from indices.models import ImportBatch, Index, IndexEdition, RankResult
from indices.selectors_analytics import current_editions, current_results, with_figures
from reports.models import QuarterlyReport, TaskProgress
from tests import standings
from tests.factories import PlanFactory, ReportingWindowFactory, TaskAimFactory, TaskFactory
from tests.leagues import HOME
from units.models import Unit

# Internal codes a reader must never see in place of a name.
CODES = re.compile(r"PAR_DEPT|PAR_DISTRICT|Thành phần \d|thành phần \d|\[\d+\]")


def _home() -> Unit:
    return Unit.objects.get(code=HOME)


def _cards(client, official) -> tuple[dict[str, dict], str]:
    client.force_login(official)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return {c["code"]: c for c in response.context["cards"]}, response.content.decode()


def _card_html(html: str, code: str) -> str:
    start = html.index(f'<article class="card kpi-card" data-index="{code}">')
    return html[start : html.index("</article>", start)]


def _text(html: str) -> str:
    """What a person reads: the markup's text, spaces collapsed."""
    text = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace("&#x27;", "'")
    return re.sub(r" ([,:])", r"\1", text).strip()


def _spark_traces(card: dict) -> list[dict]:
    return [t for t in card["spark"]["data"] if t.get("legendgroup") == "spark"]


# The trend ----------------------------------------------------------------------------------


def test_sparkline_splits_at_a_break_draws_a_lone_point_and_reverses_whole_ranks():
    series = [
        {"year": 2016, "display_rank": 30, "rank_basis": "published", "value": 33.1},
        {"year": 2017, "display_rank": 27, "rank_basis": "published", "value": 33.5},
        {"year": 2018, "display_rank": 44, "rank_basis": "published", "value": 43.1},
    ]
    for point in series:
        point |= {"basis": "published", "decimals": 2, "peer_count": 63}
    figure_ = charts.sparkline_figure(series=series, breaks={2018}, label="PAPI")
    lines = [t for t in figure_["data"] if t["legendgroup"] == "spark"]
    assert [t["x"] for t in lines] == [[2016, 2017], [2018]]  # never joined across the break
    lone = lines[1]
    assert "markers" in lone["mode"]  # the lone 2018 point is drawn, not an empty line
    assert lone["y"] == [44]
    # A dashed line where the method changed, between 2017 and 2018.
    assert [(s["x0"], s["line"]["dash"]) for s in figure_["layout"]["shapes"]] == [(2017.5, "dash")]
    axis = figure_["layout"]["yaxis"]
    assert axis["autorange"] == "reversed"
    assert axis["tickvals"] == [27, 44]
    assert all(isinstance(tick, int) for tick in axis["tickvals"])
    assert figure_["layout"]["xaxis"]["tickvals"] == [2016, 2018]
    assert all(t["showlegend"] is False for t in figure_["data"])
    # The hover says each figure's basis in words, as the page does.
    assert lines[0]["customdata"][0] == "hạng 30 (Công bố) · 33,10 (Công bố)"


def test_sparkline_shows_illustrative_points_hollow():
    series = [
        {"year": 2023, "display_rank": 56, "rank_basis": "published", "basis": "published"},
        {"year": 2024, "display_rank": 50, "rank_basis": "illustrative", "basis": "illustrative"},
    ]
    figure_ = charts.sparkline_figure(series=series, breaks=set())
    hollow = [t for t in figure_["data"] if t["legendgroup"] == "spark-illustrative"]
    markers = [t for t in hollow if t["mode"] == "markers"]
    assert markers[0]["x"] == [2024]
    assert markers[0]["marker"]["symbol"] == "circle-open"
    assert "(Minh họa)" in markers[0]["customdata"][0]


def test_home_trend_of_each_index_breaks_at_the_method_change_and_shows_a_lone_edition(
    client, official, reference_units
):
    standings.papi_series(["49", "48", "51", "52", "01"])
    standings.dti_2022()
    cards, html = _cards(client, official)
    # PAPI changed its method in 2018: two pieces, never joined, and a word under the chart.
    papi = _spark_traces(cards["PAPI"])
    assert [t["x"] for t in papi] == [
        [2016, 2017],
        [2018, 2019, 2020, 2021, 2022, 2023, 2024],
    ]
    assert cards["PAPI"]["breaks"] == [2018]
    assert [s["x0"] for s in cards["PAPI"]["spark"]["layout"]["shapes"]] == [2017.5]
    papi_text = _text(_card_html(html, "PAPI"))
    assert "nét đứt: đổi phương pháp từ 2018" in papi_text
    # PAPI ranks nobody: its order is computed from the scores and called so.
    assert "Thứ tự tính theo điểm qua các kỳ" in papi_text
    # DTI has one edition with results (2022): a lone point, drawn as a marker.
    dti = _spark_traces(cards["DTI"])
    assert [t["x"] for t in dti] == [[2022]]
    assert "markers" in dti[0]["mode"]
    assert dti[0]["y"] == [31]
    assert cards["DTI"]["breaks"] == []  # a change before the first edition shown: no word
    assert "kỳ đầu tiên: chưa có kỳ trước để so sánh" in _text(_card_html(html, "DTI"))
    # The chart is drawn from embedded JSON by the page's one script, with plotly served here.
    assert 'data-chart="spark-PAPI-data"' in html
    assert 'id="spark-PAPI-data"' in html
    assert "vendor/plotly-portal-4.1.1.min.js" in html
    assert "js/portal.js" in html
    assert "css/home.css" in html
    # Beside the chart, its figures in a table with their marks.
    assert "Số liệu các kỳ" in papi_text


# The components to raise, the tasks aimed at them --------------------------------------------


def _top_gains(code: str) -> list[RankResult]:
    editions = current_editions([code])
    latest = max((e for e in editions if e.run_id), key=lambda e: e.year)
    rows = with_figures(
        current_results(
            RankResult.objects.filter(unit=_home(), edition_id=latest.pk, weight__isnull=False),
            editions,
        ).exclude(component_code=""),
        priorities=True,
    )
    rows = [r for r in rows if (r.cost_share or 0) > 0]
    return sorted(rows, key=lambda r: (r.analysis_basis == "illustrative", -(r.cost_share or 0)))


def _aimed_task(code: str, component_code: str, title: str, task_code: str):
    index = Index.objects.get(code=code)
    task = TaskFactory(
        plan=PlanFactory(province=_home()),
        code=task_code,
        title=title,
        responsible=Unit.objects.get(code="49.SKHDT"),
    )
    TaskAimFactory(task=task, index=index, component_code=component_code)
    return task


def _progress(task, window, status: str, percent: int) -> QuarterlyReport:
    report, _created = QuarterlyReport.objects.get_or_create(unit=task.responsible, window=window)
    TaskProgress.objects.create(report=report, task=task, status=status, percent_complete=percent)
    return report


def test_each_card_names_the_three_largest_gains_with_the_tasks_aimed_at_them(
    client, official, pci_2021
):
    top = _top_gains("PCI")[:3]
    assert len(top) == 3
    first = top[0].component_code
    task = _aimed_task("PCI", first, "Rút ngắn thời gian cấp phép đầu tư", "3")
    q1 = ReportingWindowFactory(year=2025, quarter=1)
    q2 = ReportingWindowFactory(
        year=2025, quarter=2, opens_on=dt.date(2025, 6, 10), deadline=dt.date(2025, 7, 15)
    )
    _progress(task, q1, TaskProgress.Status.IN_PROGRESS, 40)
    latest = _progress(task, q2, TaskProgress.Status.LATE, 55)  # the latest quarter counts
    unreported = _aimed_task("PCI", first, "Đối thoại doanh nghiệp hằng quý", "10")

    cards, html = _cards(client, official)
    weak = cards["PCI"]["weak"]
    assert [w["component_code"] for w in weak] == [r.component_code for r in top]
    assert [w["cost"] for w in weak] == [r.cost for r in top]
    assert weak[0]["cost"] >= weak[1]["cost"] >= weak[2]["cost"]
    tasks = weak[0]["tasks"]
    assert [t["task"] for t in tasks] == [task, unreported]  # "3" before "10"
    assert tasks[0]["status"] == "late"
    assert tasks[0]["percent"] == 55
    assert (tasks[0]["year"], tasks[0]["quarter"]) == (2025, 2)
    assert tasks[0]["report_id"] == latest.pk
    assert tasks[1]["status"] is None
    assert weak[1]["tasks"] == []

    card = _card_html(html, "PCI")
    text = _text(card)
    assert "Thành phần có thể kéo điểm lên nhiều nhất" in text
    for row in top:  # each by its name, never by its code
        assert row.component.name in text
    gain = figure(top[0].cost, IndexEdition.objects.get(pk=top[0].edition_id).decimals)
    assert f"có thể tăng +{gain}" in text
    assert "Rút ngắn thời gian cấp phép đầu tư: Chậm tiến độ, 55% (quý 2/2025)" in text
    assert "Đối thoại doanh nghiệp hằng quý: chưa có báo cáo tiến độ" in text
    assert "Chưa có nhiệm vụ nào trong kế hoạch nhắm vào thành phần này." in text
    # The task links to the quarter's report, at the task's block; the component to its index.
    assert f'href="{reverse("reports:report", args=[latest.pk])}#task-3"' in card
    assert f'href="{reverse("dashboards:index", args=["PCI"])}?nam=2021#components"' in card
    assert not CODES.search(text), CODES.search(text)


def test_progress_saved_after_the_page_was_cached_shows_at_once(client, official, pci_2021):
    """The analysis is cached per generation; the plan's progress is read fresh."""
    first = _top_gains("PCI")[0].component_code
    task = _aimed_task("PCI", first, "Cắt giảm thời gian giải quyết thủ tục", "5")
    window = ReportingWindowFactory(year=2025, quarter=1)
    cards, _html = _cards(client, official)
    assert cards["PCI"]["weak"][0]["tasks"][0]["status"] is None
    _progress(task, window, TaskProgress.Status.DONE, 100)
    cards, html = _cards(client, official)
    assert cards["PCI"]["weak"][0]["tasks"][0]["status"] == "done"
    assert "Hoàn thành, 100% (quý 1/2025)" in _text(_card_html(html, "PCI"))


def test_the_across_indices_table_still_ranks_by_the_comparable_gain(client, official, pci_2021):
    _by_code, html = _cards(client, official)
    client.force_login(official)
    costly = client.get(reverse("dashboards:home")).context["costly"]
    shares = [row["cost_share"] for row in costly]
    assert len(costly) == 3
    assert shares == sorted(shares, reverse=True)
    assert "Ba thành phần nên ưu tiên cải thiện" in html


@pytest.mark.usefixtures("pci_2021", "par_leagues", "ict_leagues", "home_targets")
def test_home_with_tasks_and_progress_stays_within_20_queries(
    client, official, django_assert_max_num_queries
):
    window = ReportingWindowFactory(year=2025, quarter=1)
    for code in ("PAR", "PCI", "ICT"):
        for n, row in enumerate(_top_gains(code)[:3]):
            task = _aimed_task(code, row.component_code, f"Nhiệm vụ {code} {n}", f"{code}{n}")
            _progress(task, window, "in_progress", 30)
    client.force_login(official)
    # 18 reads before the merger pages, plus the province's successor (its link) and its
    # planning periods, each one read on a cold cache.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboards:home"))
    assert sum(len(w["tasks"]) for c in response.context["cards"] for w in c["weak"]) >= 9


# What changed since the last import -----------------------------------------------------------


def test_change_line_reads_the_last_import_score_and_move_in_rank(client, official, ict_leagues):
    edition = IndexEdition.objects.get(index__code="ICT", year=2023)
    ImportBatch.objects.create(
        edition=edition,
        level="province",
        original_name="ict_2023.xlsx",
        sha256="0" * 64,
        status=ImportBatch.Status.COMMITTED,
        committed_at=dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC),  # 09:00 in Hà Nội
    )
    before, now = ict_leagues[2022][HOME], ict_leagues[2023][HOME]
    assert (before.rank, now.rank) == (30, 29)
    cards, html = _cards(client, official)
    change = cards["ICT"]["change"]
    assert change["previous_year"] == 2022
    assert change["rank"] == "hạng 30→29/63"
    assert change["score_change"] == pytest.approx(float(now.value - before.value))
    line = _text(re.search(r'<p class="change-line".*?</p>', _card_html(html, "ICT"), re.S)[0])
    assert line == "Nhập 28/11/2026 · so với 2022: điểm +0,0175 TT, hạng 30→29/63 TT"


def test_change_line_says_why_an_illustrative_edition_is_not_compared(
    client, official, par_leagues
):
    cards, html = _cards(client, official)
    assert cards["PAR"]["change"]["note"] == "illustrative"
    line = _text(re.search(r'<p class="change-line".*?</p>', _card_html(html, "PAR"), re.S)[0])
    assert "không so sánh với 2023 (số minh họa)" in line
    assert "Nhập" not in line  # PAR came in without an import batch: no date to tell


def test_change_line_never_compares_across_a_methodology_break(reference_units):
    standings.papi_series(["49", "48", "51", "52", "01"])
    editions = current_editions(["PAPI"])
    rows = {
        r.edition_id: result_row(r)
        for r in with_figures(
            current_results(RankResult.objects.filter(unit=_home(), component_code=""), editions)
        )
    }
    series = [(e, rows[e.pk]) for e in editions if e.year in (2017, 2018)]
    line = change_line(series)
    assert line is not None
    assert (line["note"], line["previous_year"]) == ("break", 2017)
    assert line["score_change"] is None  # 6–60 then 0–80: no difference is a change
    assert line["rank"] is None


# Illustrative, targets, names ------------------------------------------------------------------


def test_an_illustrative_card_carries_its_ribbon_and_a_real_one_does_not(
    client, official, par_leagues, ict_leagues
):
    cards, html = _cards(client, official)
    assert cards["PAR"]["illustrative"] is True  # PAR 2024: every row illustrative
    assert cards["ICT"]["illustrative"] is False  # ICT 2023: Quảng Nam published, 29th
    par = _card_html(html, "PAR")
    assert 'class="ribbon-illustrative"' in par
    assert "Số liệu minh họa" in _text(par)
    # …and the latest real figure is the one to quote.
    assert "Số thật gần nhất (2023): 84,60" in _text(par)
    ict = _card_html(html, "ICT")
    assert "ribbon-illustrative" not in ict
    assert "hạng 29/63" in _text(ict)


def test_target_path_reads_baseline_milestones_goal_and_now_in_words(
    client, official, pci_2021, pci_later, par_leagues
):
    standings.home_targets()
    _by_code, html = _cards(client, official)
    par = _text(_card_html(html, "PAR"))
    assert "Lộ trình mục tiêu" in par
    assert "Mục tiêu: điểm từ 85,00 trở lên (năm 2025)" in par
    # 2023's milestone (84,50) against the published 84,60: reached, on a published figure.
    assert "Mốc 2023: 84,50 ✓ đạt CB" in par
    assert "Mốc 2024: 85,00 ✓ đạt MH" in par  # 2024's 85,00 is illustrative
    assert "Đích 2025: 85,00" in par
    assert "Hiện tại (2024): 85,00 MH · Đã đạt" in par
    pci = _text(_card_html(html, "PCI"))
    assert "Mục tiêu: vào top 10 (năm 2025)" in pci
    assert "Cơ sở 2020: hạng 13/63" in pci  # a rank says what it is out of
    # PCI 2024 published its top 30 only: the rank says so.
    assert "Hiện tại (2024): hạng 27/30 tỉnh được công bố" in pci
    # A component's target by its name, never by its code.
    assert "Mục tiêu: Tính minh bạch: điểm từ 7,00 trở lên (năm 2025)" in pci
    assert not CODES.search(pci), CODES.search(pci)


def test_home_cards_in_english_name_components_and_ranks_in_english(client, official, pci_2021):
    client.force_login(official)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("dashboards:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = _text(_card_html(html, "PCI"))
    assert "rank 19/63" in text
    assert "66.24" in text
    names_en = [r.component.name_en for r in _top_gains("PCI")[:3]]
    assert all(names_en)
    for name in names_en:
        assert name in text
    assert not CODES.search(text)


def test_home_page_selector_attaches_no_tasks_where_none_aim(official, pci_2021):
    page = home_page(unit=_home())
    pci = next(c for c in page["cards"] if c["code"] == "PCI")
    assert len(pci["weak"]) == 3
    assert all(w["tasks"] == [] for w in pci["weak"])
    assert pci["imported"] is None
    assert Decimal(str(pci["latest"]["value"])) == pci_2021[HOME].value
