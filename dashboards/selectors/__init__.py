"""Reads for the officials' dashboards, one module per page. Every page reads only analytics
results (the generation each edition points at, through `indices.selectors_analytics`) and caches
what it builds under the current generation, so a new import shows up right after its rebuild and
never before."""

from dashboards.selectors.common import (
    NATIONAL,
    alphabetical,
    basis_counts,
    cached,
    pick_edition,
    result_row,
    target_statuses,
    years_with_data,
)
from dashboards.selectors.compare import (
    compare_data,
    compare_page,
    compared_units,
    default_peers,
)
from dashboards.selectors.exports import Table, compare_table, internal_table, league_table
from dashboards.selectors.home import home_overview, home_page
from dashboards.selectors.index import index_dashboard, index_page, whatif_data
from dashboards.selectors.internal import internal_indices, internal_league, internal_page
from dashboards.selectors.map import map_levels, map_page, map_tiles
from dashboards.selectors.profile import profile_context, unit_page, unit_profile

__all__ = [
    "NATIONAL",
    "Table",
    "alphabetical",
    "basis_counts",
    "cached",
    "compare_data",
    "compare_page",
    "compare_table",
    "compared_units",
    "default_peers",
    "home_overview",
    "home_page",
    "index_dashboard",
    "index_page",
    "internal_indices",
    "internal_league",
    "internal_page",
    "internal_table",
    "league_table",
    "map_levels",
    "map_page",
    "map_tiles",
    "pick_edition",
    "profile_context",
    "result_row",
    "target_statuses",
    "unit_page",
    "unit_profile",
    "whatif_data",
    "years_with_data",
]
