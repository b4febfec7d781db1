"""The statements that compute one edition's result rows set-based in the database, one per
step: rank the scores (window functions) into a temporary table, aggregate each component's and
each region's figures from it, then one INSERT … SELECT writes every RankResult column of the run
(PostgreSQL, and SQLite ≥ 3.28 for GROUPS frames).

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

from indices.aggregation import effective_weights
from indices.analytics.inputs import EditionContext
from indices.analytics.store import RESULT_COLUMNS, RESULT_FIELDS, partition_name, partitioned
from indices.models import Basis, RankResult, Score

ILL, INT, PUB, DER = Basis.ILLUSTRATIVE, Basis.INTERNAL, Basis.PUBLISHED, Basis.DERIVED
STORED = 10000  # four stored decimals
DOUBLE = "DOUBLE PRECISION"  # a REAL affinity on SQLite, float8 on PostgreSQL
Statement = tuple[str, list[Any]]  # SQL text and its parameters


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
    method: str  # the rating scheme's method, "" without scheme or bands
    basis_method: str  # the scheme's method, "published" without scheme
    computed_scheme: bool
    quartile_names: dict[int, str]
    thresholds: list[tuple[float, str]]  # (minimum, name), the best band first
    rank_only: bool
    has_totals: bool


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
    totals = Score.objects.filter(edition=edition, component__isnull=True)
    return Plan(
        edition_id=edition.pk,
        previous_id=previous_id,
        previous_run_id=(built_by_run or {}).get(previous_id) if previous_id else None,
        change_note=change_note,
        decimals=edition.decimals,
        span=float(edition.total_max - edition.total_min) or 1.0,
        weights=effective_weights(edition, ctx.components),
        method=method,
        basis_method=scheme.method if scheme else "published",
        computed_scheme=scheme is not None and scheme.method != "published",
        quartile_names={b.order: b.name for b in ctx.bands},
        thresholds=[
            (float(b.min_value), b.name)
            for b in sorted(ctx.bands, key=lambda b: b.order)
            if b.min_value is not None
        ],
        rank_only=totals.exclude(state="value").filter(published_rank__isnull=False).exists(),
        has_totals=totals.filter(state="value").exists(),
    )


def _values(name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> Statement:
    """A small constant table as a CTE of typed columns (an empty one when there are no rows)."""
    typed = ", ".join(f"CAST(%s AS {kind}) AS {column}" for column, kind in columns.items())
    if not rows:
        nulls = typed.replace("%s", "NULL")
        return f"{name} AS (SELECT {nulls} WHERE 1 = 0)", []
    selects = " UNION ALL ".join(f"SELECT {typed}" for _ in rows)
    return f"{name} AS ({selects})", [v for row in rows for v in row]


def _pos(expr: str) -> str:
    """pandas' clip(lower=0): a missing value stays missing."""
    return f"(CASE WHEN ({expr}) IS NULL THEN NULL WHEN ({expr}) > 0 THEN ({expr}) ELSE 0 END)"


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
    stored = {
        name: _stored(expression)
        for name, expression in {
            "value": "value",
            "leader_value": "leader_value",
            "mean_value": "mean_value",
            "median_value": "median_value",
            "gap_to_leader": "value - leader_value",
            "gap_to_mean": "value - mean_value",
            "gap_to_median": "value - median_value",
            "gap_to_region_best": "value - region_best",
            "gap_to_region_mean": "value - region_mean",
            "score_change": "score_change",
            "region_best": "region_best",
            "cost": "cost",
            "cost_region": "cost_region",
            "cost_share": "cost_share",
        }.items()
    }
    percentile = (
        "CASE WHEN rnk IS NULL THEN NULL WHEN peer_count > 1 THEN "
        + _stored(f"CAST(100 * (peer_count - rnk) AS {DOUBLE}) / (peer_count - 1)")
        + " ELSE 100 END"
    )
    outputs = {
        "run_id": "CAST(%s AS INTEGER)",
        "edition_id": "edition_id",
        "unit_id": "unit_id",
        "component_id": "component_id",
        "component_code": "code",
        "region_id": "region_id",
        "state": "state",
        "value": stored["value"],
        "decimals": "CAST(%s AS INTEGER)",
        "rank": "rnk",
        "peer_count": "peer_count",
        "region_rank": "region_rank",
        "region_count": "region_count",
        "percentile": percentile,
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
        "rank_change": "rank_change",
        "change_note": "change_note",
        "basis": "basis",
        "rank_basis": "rank_basis",
        "analysis_basis": "analysis_basis",
        "leader_basis": "leader_basis",
        "region_best_basis": "region_best_basis",
        "group_basis": (
            f"CASE WHEN grp <> '' OR published_group <> '' THEN {group_basis} ELSE '' END"
        ),
        "rank_if_median": "rank_if_median",
        "rank_if_leader": "rank_if_leader",
        "priority": "priority",
    } | {name: expression for name, expression in stored.items() if name != "value"}
    return {name: outputs[name] for name in RESULT_FIELDS}


def _previous_cte(plan: Plan) -> Statement:
    """The previous edition's real values and shown ranks, with their bases: read back from
    this run's own rows when the run has just built it (and they are still there), computed
    from its scores otherwise."""
    if plan.previous_id is None:
        return (
            "previous AS (SELECT CAST(NULL AS INTEGER) AS punit, CAST(NULL AS VARCHAR(40)) "
            f"AS pcode, CAST(NULL AS {DOUBLE}) AS pvalue, CAST(NULL AS INTEGER) AS prank, "
            "CAST(NULL AS VARCHAR(12)) AS pbasis, CAST(NULL AS VARCHAR(12)) AS prank_basis "
            "WHERE 1 = 0)",
            [],
        )
    peers = "OVER (PARTITION BY s.component_id)"
    computed = f"""SELECT s.unit_id AS punit, COALESCE(c.code, '') AS pcode,
        CAST(s.value AS {DOUBLE}) AS pvalue,
        CASE WHEN s.component_id IS NULL AND s.published_rank IS NOT NULL THEN s.published_rank
            ELSE RANK() OVER (PARTITION BY s.component_id ORDER BY s.value DESC) END AS prank,
        COALESCE(s.basis, '{PUB}') AS pbasis,
        CASE WHEN s.component_id IS NULL AND s.published_rank IS NOT NULL THEN
                CASE WHEN s.basis = '{ILL}' THEN '{ILL}' ELSE '{PUB}' END
            WHEN s.basis = '{ILL}'
                OR MAX(CASE WHEN s.basis = '{ILL}' THEN 1 ELSE 0 END) {peers} = 1 THEN '{ILL}'
            WHEN s.basis = '{INT}'
                AND MIN(CASE WHEN s.basis = '{INT}' THEN 1 ELSE 0 END) {peers} = 1 THEN '{INT}'
            ELSE '{DER}' END AS prank_basis
    FROM indices_score s
    LEFT JOIN indices_component c ON c.id = s.component_id
    WHERE s.edition_id = %s AND s.state = 'value'"""  # noqa: S608
    if plan.previous_run_id is None:
        return f"previous AS ({computed})", [plan.previous_id]
    stored = (
        "SELECT unit_id AS punit, component_code AS pcode, value AS pvalue, "
        "display_rank AS prank, basis AS pbasis, rank_basis AS prank_basis "
        "FROM indices_rankresult WHERE run_id = %s AND edition_id = %s AND state = 'value'"
    )
    stored_params = [plan.previous_run_id, plan.previous_id]
    gone = "NOT EXISTS (SELECT 1 FROM indices_rankresult WHERE run_id = %s AND edition_id = %s)"
    return (
        f"previous AS ({stored} UNION ALL SELECT * FROM ({computed}) scored WHERE {gone})",  # noqa: S608
        [*stored_params, plan.previous_id, *stored_params],
    )


def _changes(plan: Plan) -> str:
    """Change since the previous edition: never across a methodology break, and only between
    values (and ranks) that are real on both sides."""
    if plan.previous_id is None:
        return (
            f"CAST(NULL AS {DOUBLE}) AS score_change, CAST(NULL AS INTEGER) AS rank_change, "
            f"'{plan.change_note}' AS change_note"
        )
    values_real = f"(basis <> '{ILL}' AND (pbasis IS NULL OR pbasis <> '{ILL}'))"
    ranks_real = f"(rank_basis <> '{ILL}' AND (prank_basis IS NULL OR prank_basis <> '{ILL}'))"
    return (
        f"CASE WHEN {values_real} THEN value - pvalue END AS score_change, "
        f"CASE WHEN {ranks_real} THEN prank - display_rank END AS rank_change, "
        f"CASE WHEN pbasis IS NOT NULL AND valued = 1 AND NOT ({values_real} AND {ranks_real}) "
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


ROWS_TABLE = "analytics_rows"
COMPONENTS_TABLE = "analytics_components"
REGIONS_TABLE = "analytics_regions"


def _ranked_rows(plan: Plan) -> Statement:
    """The edition's scores with their national and regional ranks: two sorts."""
    by_value = "(PARTITION BY cid, valued ORDER BY value DESC)"
    by_region_value = "(PARTITION BY cid, region_id, valued ORDER BY value DESC)"
    return (
        f"""CREATE TEMP TABLE {ROWS_TABLE} AS
SELECT base.*,
    CASE WHEN valued = 1 THEN RANK() OVER {by_value} END AS rnk,
    CASE WHEN valued = 1 THEN ROW_NUMBER() OVER {by_value} END AS rn,
    CASE WHEN valued = 1 AND region_id IS NOT NULL THEN RANK() OVER {by_region_value} END
        AS region_rank
FROM (
    SELECT s.id AS score_id, s.edition_id, s.unit_id, s.component_id,
        COALESCE(s.component_id, 0) AS cid, COALESCE(c.code, '') AS code, s.state,
        CAST(s.value AS {DOUBLE}) AS value, s.value AS exact_value,
        s.published_rank, COALESCE(s.published_group, '') AS published_group,
        u.region_id, COALESCE(s.basis, '{PUB}') AS basis,
        CASE WHEN s.state = 'value' THEN 1 ELSE 0 END AS valued
    FROM indices_score s
    JOIN units_unit u ON u.id = s.unit_id
    LEFT JOIN indices_component c ON c.id = s.component_id
    WHERE s.edition_id = %s
) base""",  # noqa: S608
        [plan.edition_id],
    )


def _top_basis(rank: str) -> str:
    """The basis of the best value: a single basis stays as it is; several tied at the top
    combine (illustrative if any is, otherwise derived)."""
    top = f"CASE WHEN {rank} = 1 THEN basis END"
    return (
        f"CASE WHEN MIN({top}) = MAX({top}) THEN MIN({top}) "
        f"WHEN MAX(CASE WHEN {rank} = 1 AND basis = '{ILL}' THEN 1 ELSE 0 END) = 1 THEN '{ILL}' "
        f"WHEN MIN({top}) IS NOT NULL THEN '{DER}' ELSE '' END"
    )


def _component_figures() -> str:
    """Peers of each component: count, leader, mean, median, the leader's basis and whether
    every (any) peer is internal (illustrative). Hash aggregates of the ranked rows."""
    return f"""CREATE TEMP TABLE {COMPONENTS_TABLE} AS
WITH figures AS (
    SELECT cid AS kcid, COUNT(value) AS peer_count, MAX(value) AS leader_value,
        CAST(AVG(exact_value) AS {DOUBLE}) AS mean_value,
        MAX(CASE WHEN valued = 1 AND basis = '{ILL}' THEN 1 ELSE 0 END) AS peers_ill,
        MIN(CASE WHEN valued = 1 THEN CASE WHEN basis = '{INT}' THEN 1 ELSE 0 END END)
            AS peers_internal,
        {_top_basis("rnk")} AS leader_basis
    FROM {ROWS_TABLE} GROUP BY cid
),
middle AS (
    SELECT r.cid AS mcid, AVG(r.value) AS median_value
    FROM {ROWS_TABLE} r JOIN figures ON kcid = r.cid
    WHERE r.rn = (peer_count + 1) / 2 OR r.rn = (peer_count + 2) / 2
    GROUP BY r.cid
)
SELECT figures.*, median_value FROM figures LEFT JOIN middle ON mcid = kcid"""  # noqa: S608


def _region_figures() -> str:
    """Each component's figures within each region: count, best, mean, the best's basis."""
    return f"""CREATE TEMP TABLE {REGIONS_TABLE} AS
SELECT cid AS gcid, region_id AS gregion, COUNT(value) AS region_count,
    MAX(value) AS region_best, CAST(AVG(exact_value) AS {DOUBLE}) AS region_mean,
    {_top_basis("region_rank")} AS region_best_basis
FROM {ROWS_TABLE} WHERE valued = 1 AND region_id IS NOT NULL
GROUP BY cid, region_id"""  # noqa: S608


def _result_rows(plan: Plan, run_id: int, table: str) -> Statement:
    """The INSERT … SELECT of every RankResult column: hash joins of the ranked rows with
    the figures above, and two more sorts, by unit and cost (priorities) and by the total a
    unit would reach closing a gap (its rank if it did)."""
    weights_cte, weights_params = _values(
        "weights", {"wcode": "VARCHAR(40)", "weight": DOUBLE}, list(plan.weights.items())
    )
    quartiles_cte, quartile_params = _values(
        "quartiles",
        {"qorder": "INTEGER", "qname": "VARCHAR(40)"},
        sorted(plan.quartile_names.items()),
    )
    thresholds_cte, threshold_params = _values(
        "thresholds",
        {"tpos": "INTEGER", "tmin": DOUBLE, "tname": "VARCHAR(40)"},
        [(i, minimum, name) for i, (minimum, name) in enumerate(plan.thresholds)],
    )
    previous_cte, previous_params = _previous_cte(plan)
    group, group_basis = _group(plan)
    comp = f"w.weight IS NOT NULL AND r.valued = 1 AND {int(plan.has_totals)} = 1"
    select = ",\n    ".join(
        _outputs(
            rank_only=plan.rank_only, computed=plan.computed_scheme, group_basis=group_basis
        ).values()
    )
    columns = ", ".join(f'"{column}"' for column in RESULT_COLUMNS)
    # Every piece put into the text is a constant of this module or a placeholder; values go
    # as parameters.
    sql = f"""INSERT INTO {table} ({columns})
WITH
{weights_cte},
{quartiles_cte},
{thresholds_cte},
{previous_cte},
totals AS (SELECT unit_id AS tunit, value AS total FROM {ROWS_TABLE} WHERE cid = 0 AND valued = 1),
probes AS (
    SELECT r.score_id AS probe_id,
        t.total + {_pos("k.median_value - r.value")} * w.weight AS reach_median,
        t.total + {_pos("k.leader_value - r.value")} * w.weight AS reach_leader, 0 AS marker
    FROM {ROWS_TABLE} r
    JOIN weights w ON w.wcode = r.code
    JOIN totals t ON t.tunit = r.unit_id
    JOIN {COMPONENTS_TABLE} k ON k.kcid = r.cid
    WHERE {comp}
    UNION ALL
    SELECT NULL, total, total, 1 FROM totals
),
reached AS (
    SELECT probe_id,
        COALESCE(SUM(marker) OVER (ORDER BY reach_median DESC
            GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) + 1 AS rank_if_median,
        COALESCE(SUM(marker) OVER (ORDER BY reach_leader DESC
            GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) + 1 AS rank_if_leader
    FROM probes
),
joined AS (
    SELECT r.score_id, r.edition_id, r.unit_id, r.component_id, r.code, r.region_id, r.state,
        r.value, r.published_rank, r.published_group, r.basis, r.valued, r.rnk,
        r.region_rank, k.peer_count, k.leader_value, k.mean_value, k.median_value,
        k.leader_basis,
        CASE WHEN r.region_id IS NULL THEN 0 ELSE COALESCE(g.region_count, 0) END
            AS region_count,
        CASE WHEN r.region_id IS NOT NULL THEN g.region_best END AS region_best,
        CASE WHEN r.region_id IS NOT NULL THEN g.region_mean END AS region_mean,
        CASE WHEN r.region_id IS NOT NULL THEN COALESCE(g.region_best_basis, '') ELSE '' END
            AS region_best_basis,
        CASE WHEN r.valued = 0 THEN ''
            WHEN r.basis = '{ILL}' OR k.peers_ill = 1 THEN '{ILL}'
            WHEN r.basis = '{INT}' AND k.peers_internal = 1 THEN '{INT}'
            ELSE '{DER}' END AS analysis_basis,
        CASE WHEN r.cid = 0 AND r.published_rank IS NOT NULL THEN r.published_rank
            ELSE r.rnk END AS display_rank,
        CASE WHEN r.cid = 0 AND r.published_rank IS NOT NULL THEN
                CASE WHEN r.basis = '{ILL}' THEN '{ILL}' ELSE '{PUB}' END
            WHEN r.rnk IS NOT NULL THEN
                CASE WHEN r.basis = '{ILL}' OR k.peers_ill = 1 THEN '{ILL}'
                    WHEN r.basis = '{INT}' AND k.peers_internal = 1 THEN '{INT}'
                    ELSE '{DER}' END
            ELSE '' END AS rank_basis,
        CASE WHEN {comp} THEN 1 ELSE 0 END AS is_comp,
        w.weight, q.qname, p.*, reached.rank_if_median, reached.rank_if_leader
    FROM {ROWS_TABLE} r
    LEFT JOIN {COMPONENTS_TABLE} k ON k.kcid = r.cid
    LEFT JOIN {REGIONS_TABLE} g ON g.gcid = r.cid AND g.gregion = r.region_id
    LEFT JOIN weights w ON w.wcode = r.code
    LEFT JOIN quartiles q ON r.rnk IS NOT NULL AND k.peer_count > 0
        AND q.qorder = (4 * r.rnk + k.peer_count - 1) / k.peer_count
    LEFT JOIN previous p ON p.punit = r.unit_id AND p.pcode = r.code
    LEFT JOIN reached ON reached.probe_id = r.score_id
),
costed AS (
    SELECT joined.*,
        CASE WHEN is_comp = 1 THEN weight * {_pos("leader_value - value")} END AS cost,
        CASE WHEN is_comp = 1 THEN weight * {_pos("region_best - value")} END AS cost_region,
        {group} AS grp,
        {_changes(plan)}
    FROM joined
),
final AS (
    SELECT costed.*,
        CASE WHEN is_comp = 1 THEN ROW_NUMBER() OVER (PARTITION BY unit_id, is_comp
            ORDER BY cost DESC, score_id) END AS priority,
        cost / CAST(%s AS {DOUBLE}) * 100 AS cost_share
    FROM costed
)
SELECT {select}
FROM final"""  # noqa: S608
    params = (
        weights_params
        + quartile_params
        + threshold_params
        + previous_params
        + [plan.span, run_id, plan.decimals]
    )
    return sql, params


RESULTS_TABLE = RankResult._meta.db_table


def results_statements(plan: Plan, run_id: int) -> list[Statement]:
    """The statements that write the edition's rows for the run, in order: rank the scores into
    a temporary table, aggregate the components' and regions' figures from it, insert every
    result column, drop the temporary tables. Four sorts of the edition's rows in all.

    On PostgreSQL the rows go into a fresh table without indexes, which is then attached as the
    (run, edition) partition of the results: its indexes are built once, in bulk, by the attach
    (five times cheaper than maintaining them row by row)."""
    tables = (ROWS_TABLE, COMPONENTS_TABLE, REGIONS_TABLE)
    drop: list[Statement] = [(f"DROP TABLE IF EXISTS {table}", []) for table in tables]
    if not partitioned():
        return [
            *drop,
            _ranked_rows(plan),
            (_component_figures(), []),
            (_region_figures(), []),
            _result_rows(plan, run_id, RESULTS_TABLE),
            *drop,
        ]
    part = partition_name(run_id, plan.edition_id)
    run, edition = int(run_id), int(plan.edition_id)
    # PostgreSQL plans the insert well only once it knows the temporary tables' sizes.
    analyze: list[Statement] = [(f"ANALYZE {table}", []) for table in tables]
    return [
        *drop,
        (f"DROP TABLE IF EXISTS {part}", []),
        (
            f"CREATE TABLE {part} (LIKE {RESULTS_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
            f"CHECK (run_id = {run} AND edition_id = {edition}))",
            [],
        ),
        _ranked_rows(plan),
        (_component_figures(), []),
        (_region_figures(), []),
        *analyze,
        _result_rows(plan, run_id, part),
        (
            f"ALTER TABLE {RESULTS_TABLE} ATTACH PARTITION {part} "
            f"FOR VALUES FROM ({run}, {edition}) TO ({run}, {edition + 1})",
            [],
        ),
        *drop,
    ]
