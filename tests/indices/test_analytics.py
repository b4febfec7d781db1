from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indices.analytics import compute, runs, store, targets
from indices.analytics.queue import editions_touch
from indices.analytics.runs import analysis_rebuild, analysis_run_execute
from indices.models import (
    AnalysisRun,
    EditionAnalysis,
    IndexEdition,
    RankResult,
    RatingBand,
    RatingScheme,
    Score,
    Target,
    TargetResult,
)
from indices.selectors_analytics import analysis_rows, with_figures
from tests.factories import ComponentFactory, EditionFactory, IndexFactory
from units.models import Unit

CODES = ["48", "49", "51", "52", "01"]  # Đà Nẵng, Quảng Nam, Quảng Ngãi, Bình Định, Hà Nội


def _units() -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=CODES)}


def _edition_with(index, year: int, totals: dict[str, object], **kwargs) -> IndexEdition:
    edition = EditionFactory(index=index, year=year, **kwargs)
    units = _units()
    for code, value in totals.items():
        state = "value" if isinstance(value, int | float | Decimal) else value
        Score.objects.create(
            unit=units[code],
            edition=edition,
            state=state,
            value=Decimal(str(value)) if state == "value" else None,
        )
    return edition


def _rows(edition, component="") -> dict[str, dict]:
    return {r["unit_code"]: r for r in analysis_rows(edition=edition, component_code=component)}


@pytest.fixture
def par_like(reference_units):
    index = IndexFactory(code="TPAR", short_name="TPAR")
    scheme = RatingScheme.objects.create(index=index, method="thresholds")
    for order, (code, minimum) in enumerate([("A", 90), ("B", 80), ("C", 70), ("D", 0)], start=1):
        RatingBand.objects.create(
            scheme=scheme, code=code, name=f"Nhóm {code}", min_value=minimum, order=order
        )
    return index


def test_competition_ranks_ties_and_unranked_units(par_like):
    edition = _edition_with(
        par_like, 2023, {"48": 90, "49": 85, "51": 85, "52": 70, "01": "not_available"}
    )
    run = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert run.status == AnalysisRun.Status.SUCCEEDED
    rows = _rows(edition)
    assert [rows[c]["rank"] for c in CODES] == [1, 2, 2, 4, None]
    assert rows["01"]["value"] is None
    assert rows["01"]["group"] == ""
    assert rows["49"]["percentile"] == pytest.approx(66.7, abs=0.05)
    assert rows["52"]["percentile"] == 0.0
    assert rows["49"]["gap_to_leader"] == -5.0
    assert rows["52"]["gap_to_mean"] == -12.5  # mean of 90, 85, 85, 70
    assert rows["48"]["gap_to_median"] == 5.0  # median 85
    assert [rows[c]["group"] for c in ("48", "49", "52")] == ["Nhóm A", "Nhóm B", "Nhóm C"]
    # Region: Đà Nẵng, Quảng Nam, Quảng Ngãi, Bình Định are in the same region; Hà Nội is not.
    assert rows["49"]["region_rank"] == 2
    assert rows["49"]["gap_to_region_best"] == -5.0


def test_rebuild_runs_under_the_debug_cursor(par_like):
    """`make run` serves with DEBUG on, where Django formats every statement's text with `%`
    to log it: the rebuild's SQL must survive that on both databases."""
    edition = _edition_with(par_like, 2023, {"48": 90.00005, "49": 85.00015, "51": 70})
    with CaptureQueriesContext(connection) as queries:
        run = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    assert any("INSERT INTO" in q["sql"] for q in queries.captured_queries)
    assert [_rows(edition)[c]["rank"] for c in ("48", "49", "51")] == [1, 2, 3]
    # The run counts the units with a total, so pages need not count scores to say "x/3".
    assert EditionAnalysis.objects.get(edition=edition).covered == 3


def test_published_rank_is_shown_and_disagreement_flagged(par_like):
    edition = _edition_with(par_like, 2023, {"48": 64.56, "49": 64.56, "51": 60})
    # Publishers rank on unrounded scores: both show 64.56 but rank 20 and 21 (PCI 2020).
    Score.objects.filter(edition=edition, unit__code="48").update(published_rank=20)
    Score.objects.filter(edition=edition, unit__code="49").update(published_rank=21)
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    result = RankResult.objects.get(edition=edition, unit__code="49", component_code="")
    assert (result.rank, result.published_rank, result.display_rank) == (1, 21, 21)
    assert result.rank_mismatch


@pytest.mark.demo
@pytest.mark.django_db
def test_not_published_units_are_never_ranked():
    edition = IndexEdition.objects.get(index__code="PCI", year=2023)
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    rows = analysis_rows(edition=edition)
    ranked = [r for r in rows if r["rank"] is not None]
    unranked = [r for r in rows if r["rank"] is None]
    assert len(ranked) == 30
    assert len(unranked) == 33
    assert {r["state"] for r in unranked} == {"not_published"}
    assert max(r["rank"] for r in ranked) <= 30


@pytest.mark.demo
@pytest.mark.django_db
def test_change_is_not_computed_across_a_methodology_break():
    papi = IndexEdition.objects.filter(index__code="PAPI", year__in=[2017, 2018, 2019])
    analysis_rebuild(edition_ids=list(papi.values_list("pk", flat=True)), trigger="admin")
    row_2018 = _rows(papi.get(year=2018))["49"]
    assert row_2018["score_change"] is None
    assert row_2018["rank_change"] is None
    assert row_2018["change_note"] == "break"
    row_2019 = _rows(papi.get(year=2019))["49"]
    assert row_2019["score_change"] == pytest.approx(44.3318 - 43.1351, abs=1e-4)
    assert row_2019["change_note"] == ""


def _status(edition, target) -> TargetResult:
    run_id = EditionAnalysis.objects.get(edition=edition).run_id
    return TargetResult.objects.get(run_id=run_id, edition=edition, target=target)


@pytest.mark.parametrize(
    ("case", "current", "goal", "baseline", "elapsed", "lower", "status"),
    [
        ("no current value", None, 90, 80, 0.6, False, "no_data"),
        ("goal met now", 91, 90, 80, 0.6, False, "achieved"),
        ("goal met exactly", 90, 90, 80, 0.6, False, "achieved"),
        ("baseline met and still holding", 92, 90, 91, 0.6, False, "achieved"),
        ("baseline met, now slipped below", 89, 90, 91, 0.6, False, "not_held"),
        ("no baseline", 85, 90, None, 0.6, False, "no_data"),
        ("re-baselined this year: nothing elapsed", 85, 90, 85, 0.0, False, "no_data"),
        ("observed ≥ 95% of required", 86, 90, 80, 0.6, False, "on_track"),
        ("observed 60–95% of required", 84, 90, 80, 0.6, False, "at_risk"),
        ("observed < 60% of required", 82, 90, 80, 0.6, False, "off_track"),
        ("went backwards", 78, 90, 80, 0.6, False, "off_track"),
        ("rank: goal met", 9, 10, 13, 0.2, True, "achieved"),
        ("rank: baseline in top 10, slipped to 12", 12, 10, 8, 0.2, True, "not_held"),
        ("rank: 13 → 12 of 3 × 0.4 due", 12, 10, 13, 0.4, True, "at_risk"),
        ("rank: 13 → 19", 19, 10, 13, 0.2, True, "off_track"),
    ],
)
def test_target_status_table(case, current, goal, baseline, elapsed, lower, status):
    assert (
        targets.target_status(
            current=current,
            goal=goal,
            baseline=baseline,
            elapsed=elapsed,
            lower_is_better=lower,
        )
        == status
    ), case


@pytest.mark.parametrize(
    ("value", "status", "gap"),
    [
        (91, "achieved", 1.0),
        (86, "on_track", -4.0),
        (84, "at_risk", -6.0),
        (82, "off_track", -8.0),
        ("not_available", "no_data", None),
    ],
)
def test_score_target_status_bands(par_like, value, status, gap):
    # Baseline 80 in 2020, target 90 in 2025: by 2023 three fifths of the way, 6 points needed.
    # 86 → 6/6 = 100% on track; 84 → 67% at risk; 82 → 33% off track (bands at 95% and 60%).
    edition = _edition_with(par_like, 2023, {"49": value, "48": 95})
    target = Target.objects.create(
        unit=_units()["49"],
        index=par_like,
        kind="score",
        target_value=Decimal("90"),
        baseline_year=2020,
        baseline_value=Decimal("80"),
        target_year=2025,
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    result = _status(edition, target)
    assert result.status == status
    assert result.gap == gap
    assert result.basis == "derived"


def test_a_baseline_that_met_the_goal_and_slipped_is_not_held(par_like):
    edition = _edition_with(par_like, 2023, {"49": 84, "48": 95})
    target = Target.objects.create(
        unit=_units()["49"],
        index=par_like,
        kind="score",
        target_value=Decimal("85"),
        baseline_year=2020,
        baseline_value=Decimal("86"),
        target_year=2025,
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert _status(edition, target).status == "not_held"


def test_a_baseline_across_a_methodology_break_is_rebased(par_like):
    """PAR 2020 → 2022: progress is measured from the first edition of the new methodology."""
    old = _edition_with(par_like, 2020, {"49": 70, "48": 90})
    new = _edition_with(
        par_like, 2022, {"49": 80, "48": 92}, breaks_comparability=True, break_note="QĐ 876"
    )
    later = _edition_with(par_like, 2024, {"49": 84, "48": 93})
    target = Target.objects.create(
        unit=_units()["49"],
        index=par_like,
        kind="score",
        target_value=Decimal("85"),
        baseline_year=2020,
        baseline_value=Decimal("70"),
        target_year=2025,
    )
    analysis_rebuild(edition_ids=[old.pk, new.pk, later.pk], trigger="admin")
    first = _status(new, target)
    assert (first.rebaselined, first.baseline_year, first.baseline) == (True, 2022, 80.0)
    assert first.status == "new_baseline"  # nothing elapsed since the new baseline
    result = _status(later, target)
    # From 80 in 2022 to 85 in 2025: 2/3 of 5 points due by 2024, 4 gained → 120%: on track.
    # Measured from 70 in 2020 it would also be on track, but against the wrong scale.
    assert (result.rebaselined, result.baseline_year, result.baseline) == (True, 2022, 80.0)
    assert result.status == "on_track"
    assert not _status(old, target).rebaselined


def test_every_target_of_an_index_has_its_own_status(par_like):
    edition = _edition_with(par_like, 2023, {"49": 84, "48": 95, "51": 90})
    units = _units()
    score = Target.objects.create(
        unit=units["49"],
        index=par_like,
        kind="score",
        target_value=Decimal("85"),
        baseline_year=2020,
        baseline_value=Decimal("80"),
    )
    group = Target.objects.create(
        unit=units["49"], index=par_like, kind="group", target_group="B", baseline_year=2020
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    # 80 → 84 by 2023 where 3 of the 5 points were due: on track, though the goal is not met.
    assert _status(edition, score).status == "on_track"
    assert _status(edition, group).status == "achieved"  # 84 is in group B (≥ 80)


@pytest.mark.parametrize(
    ("rank_of_49", "status", "gap"),
    [(1, "achieved", 0), (3, "on_track", -2), (4, "at_risk", -3), (5, "off_track", -4)],
)
def test_rank_target_places_and_points_needed(par_like, rank_of_49, status, gap):
    # Baseline rank 7 in 2020, target 1st in 2023: by 2022 two thirds of the 6 places are due
    # (4). From 3rd: 4 gained, on track; 4th: 3 of 4 = 75%, at risk; 5th: 50%, off track.
    slots = [99.0, 95.0, 90.0, 85.0, 80.0]
    totals = {"49": slots.pop(rank_of_49 - 1)}
    totals.update(zip(["48", "51", "52", "01"], slots, strict=True))
    edition = _edition_with(par_like, 2022, totals)
    target = Target.objects.create(
        unit=_units()["49"],
        index=par_like,
        kind="rank",
        target_rank=1,
        baseline_year=2020,
        baseline_rank=7,
        target_year=2023,
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert _rows(edition)["49"]["rank"] == rank_of_49
    result = _status(edition, target)
    assert (result.status, result.gap) == (status, gap)
    assert result.points_needed == 99.0  # the score of the unit ranked 1st


def test_group_target(par_like):
    edition = _edition_with(par_like, 2023, {"49": 84, "48": 92})
    target = Target.objects.create(
        unit=_units()["49"],
        index=par_like,
        kind="group",
        target_group="A",
        baseline_year=2020,
        baseline_value=Decimal("78"),
        target_year=2025,
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    result = _status(edition, target)
    # Group A needs 90: from 78 in 2020, 12 points by 2025; 6 gained of 7.2 due by 2023 = 83%.
    assert (result.status, result.gap) == ("at_risk", -6.0)


def test_priorities_and_what_if_on_a_weighted_index(reference_units):
    index = IndexFactory(code="TPCI", short_name="TPCI")
    edition = EditionFactory(
        index=index,
        year=2021,
        scale="weighted_100",
        total_max=100,
        component_min=1,
        component_max=10,
        aggregation="weighted_sum",
        aggregation_confirmed=True,
    )
    heavy = ComponentFactory(edition=edition, code="1", weight=80)
    light = ComponentFactory(edition=edition, code="2", weight=20)
    units = _units()
    # total = (80 × c1 + 20 × c2) / 10
    data = {"48": (8, 8), "51": (7, 9), "52": (6, 6), "49": (5, 9)}
    for code, (c1, c2) in data.items():
        unit = units[code]
        Score.objects.create(
            unit=unit, edition=edition, state="value", value=Decimal(80 * c1 + 20 * c2) / 10
        )
        for component, value in ((heavy, c1), (light, c2)):
            Score.objects.create(
                unit=unit, edition=edition, component=component, state="value", value=Decimal(value)
            )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    # Totals: Đà Nẵng 80, Quảng Ngãi 74, Quảng Nam 58, Bình Định 60 → Quảng Nam 4th.
    results = {
        r.component_code: r
        for r in with_figures(
            RankResult.objects.filter(edition=edition, unit__code="49"), priorities=True
        )
    }
    assert results[""].rank == 4
    # Cost = weight share × 10 × gap to the leader: c1 0.8 × 10 × 3 = 24; c2 at the leader: 0.
    assert results["1"].cost == pytest.approx(24.0)
    assert results["2"].cost == pytest.approx(0.0)
    assert (results["1"].priority, results["2"].priority) == (1, 2)
    # c1 up to the median (6.5): +1.5 × 8 = 70 → 3rd; up to the leader (8): 82 → 1st.
    assert (results["1"].rank_if_median, results["1"].rank_if_leader) == (3, 1)
    assert (results["2"].rank_if_median, results["2"].rank_if_leader) == (4, 4)


def test_failed_rebuild_leaves_the_previous_generation_served(par_like, monkeypatch):
    edition = _edition_with(par_like, 2023, {"48": 90, "49": 85})
    good = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    served = list(
        RankResult.objects.filter(edition=edition).values_list("run_id", "unit_id", "rank")
    )

    Score.objects.filter(edition=edition, unit__code="49").update(value=Decimal("95"))
    editions_touch(edition_ids=[edition.pk])

    def broken(edition, cache=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "edition_results", broken)
    with pytest.raises(RuntimeError):
        analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    failed = AnalysisRun.objects.filter(pk__gt=good.pk).get()
    assert failed.status == AnalysisRun.Status.FAILED
    assert "disk full" in failed.error
    assert EditionAnalysis.objects.get(edition=edition).run_id == good.pk
    assert (
        list(RankResult.objects.filter(edition=edition).values_list("run_id", "unit_id", "rank"))
        == served
    )
    assert EditionAnalysis.objects.get(edition=edition).builder_id is None  # claim released

    monkeypatch.undo()
    retried = analysis_run_execute(run_id=failed.pk)  # a retry of the same run succeeds
    assert retried.status == AnalysisRun.Status.SUCCEEDED
    assert _rows(edition)["49"]["rank"] == 1
    assert set(RankResult.objects.filter(edition=edition).values_list("run_id", flat=True)) == {
        failed.pk
    }


def test_a_run_executed_twice_does_nothing_the_second_time(par_like):
    edition = _edition_with(par_like, 2023, {"48": 90, "49": 85})
    run = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    assert analysis_run_execute(run_id=run.pk) is None
    assert RankResult.objects.filter(edition=edition).count() == 2


def test_an_older_result_never_replaces_a_newer_one(par_like):
    edition = _edition_with(par_like, 2023, {"48": 90, "49": 85})
    pointer, _ = EditionAnalysis.objects.get_or_create(edition=edition)
    newer = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    EditionAnalysis.objects.filter(edition=edition).update(built_version=5)
    results = compute.edition_results(edition)
    stale = AnalysisRun.objects.create(trigger="admin")
    assert store.generation_switch(edition, stale, 3, results) == 0
    assert EditionAnalysis.objects.get(edition=edition).run_id == newer.pk
    assert not RankResult.objects.filter(run=stale).exists()
    del pointer
