"""The home page: the home province's card on each national index (where it stands, its trend,
its target path, the three components that would raise it most with the plan's tasks aimed at
them, and what the last import changed), the components that cost it most across indices, the
latest imports and rebuild, and overdue quarterly reports."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.selectors.common import NATIONAL, cached, result_row, target_statuses
from dashboards.selectors.lineage import lineage_page
from dashboards.selectors.periods import period_summary
from indices.figures import Coverage, rank_text
from indices.labels import localized_name
from indices.models import AnalysisRun, Basis, ImportBatch, RankResult, TargetMilestone
from indices.selectors_analytics import EditionInfo, current_editions, current_results, with_figures
from reports.selectors import overdue_reports, tasks_aiming_at
from units.models import Succession, Unit

# The import batches the home page reads: the latest five are listed, and the latest of each
# index dates its card's change line (an index not imported among these shows no date).
RECENT_BATCHES = 200
WEAK_PER_INDEX = 3


def home_page(*, unit: Unit) -> dict[str, Any]:
    """Everything the home page shows for the home province. The analysis (and the imports
    behind it) is cached per generation; the plan's tasks and their progress, which change with
    every report saved, are read fresh (one query)."""
    overview = home_overview(unit=unit)
    recent = overview["batches"]
    # The import behind the edition a card shows (not a later edition the unit is not in: an
    # ended province's card stops at its last year).
    last_import: dict[tuple[str, int], ImportBatch] = {}
    for batch in recent:
        last_import.setdefault((batch.edition.index.code, batch.edition.year), batch)
    weak = {(w["index_code"], w["component_code"]) for c in overview["cards"] for w in c["weak"]}
    tasks = tasks_aiming_at(components=weak)
    cards = [
        {
            **card,
            "imported": last_import.get((card["code"], card["year"])),
            "weak": [
                {**w, "tasks": tasks.get((w["index_code"], w["component_code"]), [])}
                for w in card["weak"]
            ],
        }
        for card in overview["cards"]
    ]
    return {
        "unit": unit,
        "successor": overview["successor"],
        "lineage": lineage_page(unit=unit),
        # Target statuses change with a rebuild, and so does a rollover (it rebuilds its
        # targets' indices): cached under the analytics generation like the cards.
        "period_summary": cached(f"periods:{unit.pk}", lambda: period_summary(unit)),
        "cards": cards,
        "costly": overview["costly"],
        "batches": recent[:5],
        "last_run": AnalysisRun.objects.order_by("-created_at").first(),
        "overdue": overdue_reports(limit=8),
    }


def successor_of(unit: Unit) -> Unit | None:
    """The province an ended home province merged into (Quảng Nam → the new Đà Nẵng)."""
    if unit.valid_to is None:
        return None
    succession = (
        Succession.objects.filter(predecessor=unit, successor__isnull=False)
        .select_related("successor")
        .order_by("-date")
        .first()
    )
    return succession.successor if succession else None


def home_overview(*, unit: Unit) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions(NATIONAL)
        by_pk = {e.pk: e for e in editions}
        # The unit's totals and components in every edition, in one read (a few hundred rows).
        results = with_figures(
            current_results(RankResult.objects.filter(unit=unit), editions).select_related(
                "component"
            ),
            priorities=True,
        )
        totals = defaultdict(list)
        for r in results:
            if r.component_code == "":
                totals[by_pk[r.edition_id].index_code].append((by_pk[r.edition_id], result_row(r)))
        statuses = target_statuses(unit=unit, editions=editions)
        latest_editions = {
            code: max(items, key=lambda item: item[0].year)[0].pk for code, items in totals.items()
        }
        latest_ids = set(latest_editions.values())
        parts = component_rows(
            [r for r in results if r.component_code and r.edition_id in latest_ids], editions
        )
        names = {(row["index_code"], row["component_code"]): row["name"] for row in parts}
        target_ids = [t["target"].pk for rows in statuses.values() for t in rows]
        milestones: dict[int, list[TargetMilestone]] = defaultdict(list)
        for m in TargetMilestone.objects.filter(target_id__in=target_ids).order_by("year"):
            milestones[m.target_id].append(m)
        cards = []
        for code in NATIONAL:
            infos = [e for e in editions if e.index_code == code]
            if not infos:
                continue
            series = sorted(totals.get(code, []), key=lambda item: item[0].year)
            card = index_card(infos=infos, series=series)
            if series:
                card["targets"] = target_path(
                    statuses=statuses.get(series[-1][0].pk, []),
                    milestones=milestones,
                    series=series,
                    names=names,
                    infos=infos,
                )
            gains = [
                row for row in parts if row["index_code"] == code and row["cost_share"] is not None
            ]
            card["weak"] = by_gain([row for row in gains if row["cost_share"] > 0])
            card["weak"] = card["weak"][:WEAK_PER_INDEX]
            cards.append(card)
        costly = by_gain([row for row in parts if (row["cost_share"] or 0) > 0])
        # An import shows with the rebuild it triggers, as its figures do.
        batches = list(
            ImportBatch.objects.select_related("edition__index")
            .filter(status=ImportBatch.Status.COMMITTED)
            .order_by("-committed_at")[:RECENT_BATCHES]
        )
        return {
            "cards": cards,
            "costly": costly[:3],
            "batches": batches,
            "successor": successor_of(unit),
        }

    return cached(f"home:{unit.pk}", build)


def by_gain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Largest gain first. Real figures first: a priority computed from illustrative values is
    shown only where no real one is left to show."""
    return sorted(
        rows, key=lambda row: (row["analysis_basis"] == "illustrative", -row["cost_share"])
    )


def component_rows(results: list[RankResult], editions: list[EditionInfo]) -> list[dict[str, Any]]:
    """The unit's components in each index's latest edition, with their names in the page's
    language and the gain to the total if each matched the country's best (`cost`, and as a
    share of the index's scale, `cost_share`, comparable across indices)."""
    by_pk = {e.pk: e for e in editions}
    return [
        {
            **result_row(r),
            "index_code": by_pk[r.edition_id].index_code,
            "short_name": by_pk[r.edition_id].short_name,
            "year": by_pk[r.edition_id].year,
            "info": by_pk[r.edition_id],
            "component": r.component,
            "name": localized_name(r.component),
        }
        for r in results
    ]


def index_card(
    *, infos: list[EditionInfo], series: list[tuple[EditionInfo, dict[str, Any]]]
) -> dict[str, Any]:
    """Where the unit stands on one index: its latest figures (and the latest real ones when
    those are illustrative), its trend over the editions and what changed since the last."""
    code = infos[0].index_code
    latest = series[-1] if series else None
    with_value = [item for item in series if item[1]["state"] == "value"]
    card: dict[str, Any] = {
        "name": infos[0].index_name,
        "short_name": infos[0].short_name,
        "code": code,
        "info": latest[0] if latest else None,
        "latest": latest[1] if latest else None,
        "year": latest[0].year if latest else None,
        "last_value": None,
        "targets": [],
        "weak": [],
        "illustrative": bool(latest and shown_basis(latest[1]) == Basis.ILLUSTRATIVE),
        "trend": [
            {"year": e.year, "value": row["value"], "basis": row["basis"]} for e, row in with_value
        ],
        "history": [{"info": e, "row": row} for e, row in series],
        "change": change_line(series),
    }
    if with_value and (not latest or latest[1]["state"] != "value"):
        card["last_value_info"], card["last_value"] = with_value[-1]
    # When the latest figure is illustrative, the latest real one is what can be quoted.
    real = [
        item
        for item in series
        if item[1]["basis"] != "illustrative"
        and (item[1]["state"] == "value" or item[1]["rank_basis"] == "published")
    ]
    if latest and latest[1]["basis"] == "illustrative" and real:
        card["last_real_info"], card["last_real"] = real[-1]
    years = [e.year for e, _row in series]
    breaks = {e.year for e in infos if e.breaks_comparability}
    # A break is worth a word only between two editions shown: not before the first one.
    card["breaks"] = sorted(y for y in breaks if years and min(years) < y <= max(years))
    card["spark_by_rank"] = any(row["display_rank"] is not None for _e, row in series)
    if series:
        card["spark"] = charts.sparkline_figure(
            series=[{**row, "year": e.year} for e, row in series],
            breaks=breaks,
            coverages={e.pk: e.coverage for e in infos},
            ranks_published=infos[0].coverage.publishes_ranks,
            label=infos[0].short_name,
        )
    return card


def shown_basis(row: dict[str, Any]) -> str:
    """The basis of what a card shows first: the value, or the rank when there is no value."""
    if row["state"] == "value" and row["value"] is not None:
        return str(row["basis"])
    return str(row["rank_basis"] or row["basis"])


def change_line(series: list[tuple[EditionInfo, dict[str, Any]]]) -> dict[str, Any] | None:
    """What changed from the edition before the latest: the score's change and the move in
    rank ("hạng 52→50/63"), or why they are not compared (a methodology break, an
    illustrative edition, no edition before)."""
    if not series:
        return None
    info, row = series[-1]
    previous = series[-2][0].year if len(series) > 1 else None
    line: dict[str, Any] = {
        "previous_year": previous,
        "note": row["change_note"] or "",
        "score_change": row["score_change"],
        "decimals": row["decimals"],
        "basis": row["change_basis"],
        "rank": None,
    }
    if row["rank_change"] is not None and row["display_rank"] is not None:
        now = int(row["display_rank"])
        before = now + int(row["rank_change"])  # a positive change is a climb
        out_of = rank_words_bare(row, info.coverage)
        published = info.coverage.publishes_ranks
        if before == now:
            template = _("giữ hạng %(now)s") if published else _("giữ thứ tự %(now)s")
        else:
            template = _("hạng %(before)s→%(now)s") if published else _("thứ tự %(before)s→%(now)s")
        line["rank"] = template % {"before": before, "now": out_of}
    return line


def rank_words_bare(row: dict[str, Any], coverage: Coverage) -> str:
    """ "50/63", "27/30 tỉnh được công bố": the rank and what it is out of, without "hạng"."""
    return rank_text(row, coverage, words=False)


def target_path(
    *,
    statuses: list[dict[str, Any]],
    milestones: dict[int, list[TargetMilestone]],
    series: list[tuple[EditionInfo, dict[str, Any]]],
    names: dict[tuple[str, str], str],
    infos: list[EditionInfo] | None = None,
) -> list[dict[str, Any]]:
    """Each target's path in words: its baseline, its milestones (reached or not, where an
    edition of that year has a figure), its goal, and where the unit stands now."""
    by_year = {e.year: row for e, row in series}
    code = series[-1][0].index_code
    paths = []
    for status in statuses:
        target = status["target"]
        steps = []
        # The goal's own year is the goal, said once.
        marks = [m for m in milestones.get(target.pk, []) if m.year != target.target_year]
        for m in marks:
            row = by_year.get(m.year) if not target.component_code else None
            reached = None
            basis = ""
            if row is not None and target.kind == "rank" and m.rank is not None:
                if row["display_rank"] is not None:
                    reached, basis = int(row["display_rank"]) <= m.rank, row["rank_basis"]
            elif row is not None and m.value is not None and row["value"] is not None:
                reached, basis = row["value"] >= float(m.value), row["basis"]
            steps.append({"milestone": m, "reached": reached, "basis": basis})
        paths.append(
            {
                **status,
                "component_name": names.get((code, target.component_code), ""),
                "milestones": steps,
                "baseline_rank": places(status["baseline"], status["baseline_year"], series, infos),
                "current_rank": places(status["current"], series[-1][0].year, series, infos),
            }
        )
    return paths


def places(
    rank: float | None,
    year: int | None,
    series: list[tuple[EditionInfo, Any]],
    infos: list[EditionInfo] | None = None,
) -> str:
    """A target's rank with what it is out of: "hạng 13/63" (the provinces the publisher ranks
    in that year's edition, else in the latest one). A baseline carried over from a predecessor
    is out of the provinces of its own year (26/63 in 2024), not of the successor's (34)."""
    if rank is None:
        return ""
    editions = [e for e, _row in series] + list(infos or [])
    info = next((e for e in editions if e.year == year), series[-1][0])
    return _("hạng %(rank)s/%(n)s") % {"rank": int(rank), "n": info.coverage.expected}
