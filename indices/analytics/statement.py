"""The statements that compute one edition's result rows set-based in the database, one per
step: one INSERT … SELECT ranks the scores (window functions: two sorts, nationally and within
each region) and writes every RankResult column of the run; two GROUP BYs over the rows just
written then store each component's figures across peers (count, leader, mean, median) and each
region's (count, best, mean) as `ComponentFigures` and `RegionFigures`. Gaps, percentiles,
priorities and the rank a unit would reach by closing a gap are not stored per row: readers
derive them for the rows they show (`indices.analytics.peers`). PostgreSQL, and SQLite ≥ 3.28.

On PostgreSQL the rows are staged in a table of their own, with its indexes, before the switch
transaction, which only attaches it as the (run, edition) partition: builders of several
editions run at once (`indices.analytics.runs.builders`) and readers never wait on a build.

What the statements need from Python is small and known before they run: the edition's weights
(`effective_weights`), its rating bands, whether it compares with a previous edition, and two
edition-wide flags. Numbers are computed in double precision, in the order the pandas engine
computed them, and stored to four decimals the way numpy rounds (half to even of x × 10⁴), so
the two engines agree (tests/indices/test_analytics_golden.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from indices.aggregation import effective_weights
from indices.analytics.inputs import EditionContext, ranks_comparable
from indices.analytics.store import (
    RESULT_COLUMNS,
    RESULT_FIELDS,
    STORED_DECIMALS,
)
from indices.models import Basis, ComponentFigures, Level, RankResult, RegionFigures, Score

RESULTS_TABLE = RankResult._meta.db_table
ILL, INT, PUB, DER = Basis.ILLUSTRATIVE, Basis.INTERNAL, Basis.PUBLISHED, Basis.DERIVED
STORED = 10**STORED_DECIMALS  # the stored figures' scale (x × 10⁴)
DOUBLE = "DOUBLE PRECISION"  # a REAL affinity on SQLite, float8 on PostgreSQL
Statement = tuple[str, list[Any]]  # SQL text and its parameters
FIELD_CHANGED = "field"  # change_note: the previous edition ranked another number of provinces


@dataclass(frozen=True)
class Plan:
    """What one edition's statements depend on besides its scores."""

    edition_id: int
    previous_id: int | None  # compared with (None: break or no previous scores)
    previous_run_id: int | None  # this run, when it has just built the previous edition
    change_note: str  # "break", "no_previous", or "" when compared with the previous edition
    decimals: int
    span: float
    weights: dict[str, float]
    components: list[tuple[int, str]]  # id and code of the edition's components
    method: str  # the rating scheme's method, "" without scheme or bands
    basis_method: str  # the scheme's method, "published" without scheme
    computed_scheme: bool
    quartile_names: dict[int, str]
    thresholds: list[tuple[float, str]]  # (minimum, name), the best band first
    rank_only: bool
    has_totals: bool
    has_regions: bool  # the edition ranks provinces, which belong to regions
    # False across the 2025 merger: the previous edition ranked another number of provinces,
    # so ranks are not compared (scores still are, where the method is unchanged).
    ranks_compared: bool = True


def edition_plan(ctx: EditionContext, *, built_by_run: dict[int, int] | None = None) -> Plan:
    edition = ctx.edition
    scheme = ctx.scheme
    method = scheme.method if scheme and ctx.bands else ""
    previous_id = None
    change_note = ""
    if edition.breaks_comparability:
        change_note = "break"
    elif ctx.previous is None or not Score.objects.filter(edition=ctx.previous).exists():
        change_note = "no_previous"
    else:
        previous_id = ctx.previous.pk
    # One read of the edition's totals (by the (edition, component) index) answers both flags.
    totals = Score.objects.filter(edition=edition, component__isnull=True).aggregate(
        ranked_only=Count("pk", filter=~Q(state="value") & Q(published_rank__isnull=False)),
        valued=Count("pk", filter=Q(state="value")),
    )
    return Plan(
        edition_id=edition.pk,
        previous_id=previous_id,
        previous_run_id=(built_by_run or {}).get(previous_id) if previous_id else None,
        change_note=change_note,
        decimals=edition.decimals,
        span=float(edition.total_max - edition.total_min) or 1.0,
        weights=effective_weights(edition, ctx.components),
        components=[(c.pk, c.code) for c in ctx.components],
        method=method,
        basis_method=scheme.method if scheme else "published",
        computed_scheme=scheme is not None and scheme.method != "published",
        quartile_names={b.order: b.name for b in ctx.bands},
        thresholds=[
            (float(b.min_value), b.name)
            for b in sorted(ctx.bands, key=lambda b: b.order)
            if b.min_value is not None
        ],
        rank_only=totals["ranked_only"] > 0,
        has_totals=totals["valued"] > 0,
        # Provinces belong to regions; departments, districts and communes do not.
        has_regions=edition.level == Level.PROVINCE,
        ranks_compared=ranks_comparable(edition, ctx.previous),
    )


def _values(name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> Statement:
    """A small constant table as a CTE of typed columns (an empty one when there are no rows)."""
    typed = ", ".join(f"CAST(%s AS {kind}) AS {column}" for column, kind in columns.items())
    if not rows:
        nulls = typed.replace("%s", "NULL")
        return f"{name} AS (SELECT {nulls} WHERE 1 = 0)", []
    selects = " UNION ALL ".join(f"SELECT {typed}" for _ in rows)
    return f"{name} AS ({selects})", [v for row in rows for v in row]


def _stored(expr: str) -> str:
    """Four decimals, as numpy rounds: half to even of x × 10⁴. PostgreSQL's round of a double
    is rint (half to even); SQLite's rounds half away from zero, so a tie that lands on an odd
    number steps back by one. No `%` operator: Django's debug cursor formats the text with `%`."""
    scaled = f"(({expr}) * {STORED})"
    if connection.vendor == "postgresql":
        return f"ROUND{scaled} / {STORED}"
    tie = (
        f"CASE WHEN {scaled} - CAST({scaled} AS INTEGER) IN (0.5, -0.5) "
        f"AND CAST(ROUND{scaled} AS INTEGER) - 2 * (CAST(ROUND{scaled} AS INTEGER) / 2) <> 0 "
        f"THEN CASE WHEN {scaled} > 0 THEN 1 ELSE -1 END ELSE 0 END"
    )
    return f"(ROUND{scaled} - ({tie})) / {STORED}"


def _outputs(*, rank_only: bool, computed: bool, group_basis: str) -> dict[str, str]:
    """The expression of every RankResult column, over the `final` rows."""
    outputs = {
        "run_id": "CAST(%s AS INTEGER)",
        "edition_id": "edition_id",
        "unit_id": "unit_id",
        "component_id": "component_id",
        "component_code": "code",
        "region_id": "region_id",
        "state": "state",
        "value": _stored("value"),
        "decimals": "CAST(%s AS INTEGER)",
        "rank": "rnk",
        "region_rank": "region_rank",
        "group": "grp",
        "published_rank": "published_rank",
        "published_group": "published_group",
        "display_rank": "display_rank",
        "rank_mismatch": (
            "CASE WHEN code = '' AND published_rank IS NOT NULL AND rnk IS NOT NULL "
            f"AND published_rank <> rnk AND {int(rank_only)} = 0 THEN 1 ELSE 0 END = 1"
        ),
        "group_mismatch": (
            f"CASE WHEN {int(computed)} = 1 AND grp <> '' AND published_group <> '' "
            "AND grp <> published_group THEN 1 ELSE 0 END = 1"
        ),
        "score_change": _stored("score_change"),
        "rank_change": "rank_change",
        "change_note": "change_note",
        "basis": "basis",
        "rank_basis": "rank_basis",
        "analysis_basis": "analysis_basis",
        "group_basis": (
            f"CASE WHEN grp <> '' OR published_group <> '' THEN {group_basis} ELSE '' END"
        ),
        "weight": "CASE WHEN is_comp = 1 THEN weight END",
    }
    return {name: outputs[name] for name in RESULT_FIELDS}


def _previous_cte(plan: Plan, stored: str | None) -> Statement:
    """The previous edition's real values and shown ranks, with whether each is illustrative:
    read back from `stored`, the table of the rows this run has just written for it (on
    PostgreSQL their own partition, which holds nothing else), or computed from its scores."""
    if plan.previous_id is None:
        return (
            "previous AS (SELECT CAST(NULL AS INTEGER) AS punit, CAST(NULL AS VARCHAR(40)) "
            f"AS pcode, CAST(NULL AS {DOUBLE}) AS pvalue, CAST(NULL AS INTEGER) AS prank, "
            "CAST(NULL AS INTEGER) AS pill, CAST(NULL AS INTEGER) AS prank_ill WHERE 1 = 0)",
            [],
        )
    if stored is not None:
        own = stored != RESULTS_TABLE
        where = "state = 'value'" if own else "run_id = %s AND edition_id = %s AND state = 'value'"
        return (
            "previous AS (SELECT unit_id AS punit, component_code AS pcode, value AS pvalue, "  # noqa: S608
            f"display_rank AS prank, CASE WHEN basis = '{ILL}' THEN 1 ELSE 0 END AS pill, "
            f"CASE WHEN rank_basis = '{ILL}' THEN 1 ELSE 0 END AS prank_ill "
            f"FROM {stored} WHERE {where})",
            [] if own else [plan.previous_run_id, plan.previous_id],
        )
    peers = (
        "OVER (PARTITION BY s.component_id ORDER BY s.value DESC "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    )
    # A rank is illustrative when its own value is, or (computed, not published) when any
    # value it was ranked among is.
    computed = f"""SELECT s.unit_id AS punit, COALESCE(c.code, '') AS pcode,
        CAST(s.value AS {DOUBLE}) AS pvalue,
        CASE WHEN s.component_id IS NULL AND s.published_rank IS NOT NULL THEN s.published_rank
            ELSE RANK() {peers} END AS prank,
        CASE WHEN s.basis = '{ILL}' THEN 1 ELSE 0 END AS pill,
        CASE WHEN s.basis = '{ILL}' THEN 1
            WHEN s.component_id IS NULL AND s.published_rank IS NOT NULL THEN 0
            ELSE MAX(CASE WHEN s.basis = '{ILL}' THEN 1 ELSE 0 END) {peers} END AS prank_ill
    FROM indices_score s
    LEFT JOIN indices_component c ON c.id = s.component_id
    WHERE s.edition_id = %s AND s.state = 'value'"""  # noqa: S608
    return f"previous AS ({computed})", [plan.previous_id]


def _changes(plan: Plan) -> str:
    """Change since the previous edition: never across a methodology break, and only between
    values (and ranks) that are real on both sides."""
    if plan.previous_id is None:
        return (
            f"CAST(NULL AS {DOUBLE}) AS score_change, CAST(NULL AS INTEGER) AS rank_change, "
            f"'{plan.change_note}' AS change_note"
        )
    values_real = f"(basis <> '{ILL}' AND COALESCE(pill, 0) = 0)"
    ranks_real = f"(rank_basis <> '{ILL}' AND COALESCE(prank_ill, 0) = 0)"
    if not plan.ranks_compared:
        return (
            f"CASE WHEN {values_real} THEN value - pvalue END AS score_change, "
            "CAST(NULL AS INTEGER) AS rank_change, "
            f"CASE WHEN punit IS NOT NULL AND valued = 1 AND NOT {values_real} "
            f"THEN '{ILL}' ELSE '{FIELD_CHANGED}' END AS change_note"
        )
    return (
        f"CASE WHEN {values_real} THEN value - pvalue END AS score_change, "
        f"CASE WHEN {ranks_real} THEN prank - display_rank END AS rank_change, "
        f"CASE WHEN punit IS NOT NULL AND valued = 1 AND NOT ({values_real} AND {ranks_real}) "
        f"THEN '{ILL}' ELSE '' END AS change_note"
    )


def _group(plan: Plan) -> tuple[str, str]:
    """The group of each row and the basis of a group, by the rating scheme's method."""
    group = {
        "thresholds": (
            "CASE WHEN code = '' AND valued = 1 THEN COALESCE((SELECT tname FROM thresholds "
            "WHERE value >= tmin ORDER BY tpos LIMIT 1), '') ELSE '' END"
        ),
        "quartiles": "COALESCE(qname, '')",
        "published": "published_group",
    }.get(plan.method, "''")
    basis = {
        "quartiles": "analysis_basis",
        "thresholds": (
            f"CASE WHEN basis = '{ILL}' THEN '{ILL}' WHEN basis = '{INT}' THEN '{INT}' "
            f"ELSE '{DER}' END"
        ),
    }.get(plan.basis_method, "basis")
    return group, basis


def _top_basis(rank: str) -> str:
    """The basis of the best value: a single basis stays as it is; several tied at the top
    combine (illustrative if any is, otherwise derived)."""
    top = f"CASE WHEN {rank} = 1 THEN basis END"
    return (
        f"CASE WHEN MIN({top}) = MAX({top}) THEN MIN({top}) "
        f"WHEN MAX(CASE WHEN {rank} = 1 AND basis = '{ILL}' THEN 1 ELSE 0 END) = 1 THEN '{ILL}' "
        f"WHEN MIN({top}) IS NOT NULL THEN '{DER}' ELSE '' END"
    )


def result_rows(plan: Plan, run_id: int, table: str, previous: str | None) -> Statement:
    """The INSERT … SELECT of every RankResult column: the edition's scores ranked nationally
    and within their region (two sorts, one where no unit has a region; each component's peer
    count and bases ride on the national one), joined by hash with the weights and the previous
    edition."""
    # The edition's components with their codes and weights in the total: one hash join on ids.
    comps_cte, comps_params = _values(
        "comps",
        {"kid": "INTEGER", "kcode": "VARCHAR(40)", "kweight": DOUBLE},
        [(pk, code, plan.weights.get(code)) for pk, code in plan.components],
    )
    # The quartile a rank falls in, named by the scheme's bands: a CASE, not a join.
    quartile_params = [name for _order, name in sorted(plan.quartile_names.items())]
    if quartile_params:
        places = " ".join(
            f"WHEN {order} THEN CAST(%s AS VARCHAR(40))"
            for order, _name in sorted(plan.quartile_names.items())
        )
        quartile = (
            "CASE WHEN r.rnk IS NOT NULL AND r.peer_count > 0 THEN "
            f"CASE (4 * r.rnk + r.peer_count - 1) / r.peer_count {places} END END"
        )
    else:
        quartile = "CAST(NULL AS VARCHAR(40))"
    # One window serves the rank and the peer figures: ordered for the rank, framed over the
    # whole partition for the count and the bases, so both come from one sort and one pass.
    by_value = (
        "(PARTITION BY cid, valued ORDER BY value DESC "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    )
    by_region_value = "(PARTITION BY cid, region_id, valued ORDER BY value DESC)"
    # Units without a region (departments, communes) need no second sort.
    region_rank = (
        f"CASE WHEN valued = 1 AND region_id IS NOT NULL THEN RANK() OVER {by_region_value} END"
        if plan.has_regions
        else "CAST(NULL AS INTEGER)"
    )
    thresholds_cte, threshold_params = _values(
        "thresholds",
        {"tpos": "INTEGER", "tmin": DOUBLE, "tname": "VARCHAR(40)"},
        [(i, minimum, name) for i, (minimum, name) in enumerate(plan.thresholds)],
    )
    previous_cte, previous_params = _previous_cte(plan, previous)
    group, group_basis = _group(plan)
    select = ",\n    ".join(
        _outputs(
            rank_only=plan.rank_only, computed=plan.computed_scheme, group_basis=group_basis
        ).values()
    )
    columns = ", ".join(f'"{column}"' for column in RESULT_COLUMNS)
    # A component's peers are its valued rows (a score has a value exactly when its state is
    # "value"): their count and bases ride on the national sort.
    peers = f"OVER {by_value}"
    # Only provinces belong to regions: other units need no join to read theirs.
    region, units_join = (
        ("u.region_id", "JOIN units_unit u ON u.id = s.unit_id")
        if plan.has_regions
        else ("CAST(NULL AS INTEGER)", "")
    )
    # Every piece put into the text is a constant of this module or a placeholder; values go
    # as parameters.
    sql = f"""INSERT INTO {table} ({columns})
WITH
{comps_cte},
{thresholds_cte},
{previous_cte},
ranked AS (
    SELECT base.*,
        CASE WHEN valued = 1 THEN RANK() OVER {by_value} END AS rnk,
        {region_rank} AS region_rank,
        COUNT(value) {peers} AS peer_count,
        MAX(CASE WHEN valued = 1 AND basis = '{ILL}' THEN 1 ELSE 0 END) {peers} AS peers_ill,
        MIN(CASE WHEN valued = 1 THEN CASE WHEN basis = '{INT}' THEN 1 ELSE 0 END END) {peers}
            AS peers_internal
    FROM (
        SELECT s.edition_id, s.unit_id, s.component_id,
            COALESCE(s.component_id, 0) AS cid, s.state,
            CAST(s.value AS {DOUBLE}) AS value, s.published_rank,
            COALESCE(s.published_group, '') AS published_group,
            {region} AS region_id, COALESCE(s.basis, '{PUB}') AS basis,
            CASE WHEN s.state = 'value' THEN 1 ELSE 0 END AS valued
        FROM indices_score s
        {units_join}
        WHERE s.edition_id = %s
    ) base
),
coded AS (
    SELECT ranked.*, COALESCE(k.kcode, '') AS code, k.kweight AS weight
    FROM ranked LEFT JOIN comps k ON k.kid = ranked.component_id
),
joined AS (
    SELECT r.*,
        CASE WHEN r.valued = 0 THEN ''
            WHEN r.basis = '{ILL}' OR r.peers_ill = 1 THEN '{ILL}'
            WHEN r.basis = '{INT}' AND r.peers_internal = 1 THEN '{INT}'
            ELSE '{DER}' END AS analysis_basis,
        CASE WHEN r.cid = 0 AND r.published_rank IS NOT NULL THEN r.published_rank
            ELSE r.rnk END AS display_rank,
        CASE WHEN r.cid = 0 AND r.published_rank IS NOT NULL THEN
                CASE WHEN r.basis = '{ILL}' THEN '{ILL}' ELSE '{PUB}' END
            WHEN r.rnk IS NOT NULL THEN
                CASE WHEN r.basis = '{ILL}' OR r.peers_ill = 1 THEN '{ILL}'
                    WHEN r.basis = '{INT}' AND r.peers_internal = 1 THEN '{INT}'
                    ELSE '{DER}' END
            ELSE '' END AS rank_basis,
        CASE WHEN r.weight IS NOT NULL AND r.valued = 1 AND {int(plan.has_totals)} = 1
            THEN 1 ELSE 0 END AS is_comp,
        {quartile} AS qname, p.*
    FROM coded r
    LEFT JOIN previous p ON p.punit = r.unit_id AND p.pcode = r.code
),
final AS (
    SELECT joined.*, {group} AS grp, {_changes(plan)}
    FROM joined
)
SELECT {select}
FROM final"""  # noqa: S608
    params = (
        comps_params
        + threshold_params
        + previous_params
        + [plan.edition_id]
        + quartile_params
        + [run_id, plan.decimals]
    )
    return sql, params


def figures_statements(plan: Plan, run_id: int, table: str) -> list[Statement]:
    """Each component's figures across its peers (count, leader, mean, median, the leader's
    basis, its weight in the total when a gap on it is priced), and each region's (count, best,
    mean, the best's basis), from the rows just written: hash aggregates. The median is the mean
    of the middle value(s): the value at place k is the lowest of those ranked k or better."""
    columns = "run_id, edition_id, component_code, count, best, mean, best_basis"
    run, edition = int(run_id), int(plan.edition_id)
    # The fresh partition holds only this run's rows for the edition (and its planner estimates
    # are sound only without a filter); the shared table is filtered.
    where = "1 = 1" if table != RESULTS_TABLE else f"run_id = {run} AND edition_id = {edition}"
    priced = plan.weights if plan.has_totals else {}
    weights_cte, weights_params = _values(
        "weights", {"wcode": "VARCHAR(40)", "weight": DOUBLE}, list(priced.items())
    )
    national = f"""INSERT INTO {ComponentFigures._meta.db_table} ({columns}, median, weight, span)
WITH {weights_cte},
counts AS (SELECT component_code AS ncode, COUNT(value) AS peer_count FROM {table}
    WHERE {where} GROUP BY component_code),
figures AS (
    SELECT r.component_code AS fcode, n.peer_count, MAX(r.value) AS best, AVG(r.value) AS mean,
        (MIN(CASE WHEN r."rank" <= (n.peer_count + 1) / 2 THEN r.value END)
            + MIN(CASE WHEN r."rank" <= (n.peer_count + 2) / 2 THEN r.value END)) / 2 AS median,
        {_top_basis('r."rank"')} AS best_basis
    FROM {table} r JOIN counts n ON n.ncode = r.component_code
    WHERE {where}
    GROUP BY r.component_code, n.peer_count
)
SELECT {run}, {edition}, fcode, peer_count, best, mean, best_basis, median, w.weight,
    CAST(%s AS {DOUBLE})
FROM figures LEFT JOIN weights w ON w.wcode = fcode"""  # noqa: S608
    regional = f"""INSERT INTO {RegionFigures._meta.db_table} ({columns}, region_id)
SELECT {run}, {edition}, component_code, COUNT(value), MAX(value), AVG(value),
    {_top_basis("region_rank")}, region_id
FROM {table}
WHERE {where} AND state = 'value' AND region_id IS NOT NULL
GROUP BY component_code, region_id"""  # noqa: S608
    if not plan.has_regions:
        return [(national, [*weights_params, plan.span])]
    return [(national, [*weights_params, plan.span]), (regional, [])]
