"""Pages without the results a reader may not see: the unit page's series, profile and chart
without the editions whose results the rule `indices.view_edition` keeps from the reader
(internal drafts, for readers other than admins and reviewers). The page's selectors cache one
version for every reader; the reader's cut is made here, after them, without a query."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from dashboards import charts
from indices.visibility import edition_visible


def _rank_label(code: str, points: list[dict[str, Any]]) -> str:
    if charts.publishes_ranks(points):
        return code
    return _("%(code)s: thứ tự tính theo điểm") % {"code": code}


def unit_page_for_reader(page: dict[str, Any], *, user: Any) -> dict[str, Any]:
    """The unit page (`dashboards.selectors.unit_page`) without the figures of the editions
    `user` may not read. Every edition with the unit's results is among its score series."""
    hidden = {
        cell.edition.pk
        for item in page["score_series"]
        for cell in item.cells
        if not edition_visible(user=user, edition=cell.edition)
    }
    page = {**page, "predecessor_series": _predecessors_for_reader(page, user=user)}
    if not hidden:
        return page
    score_series = []
    for item in page["score_series"]:
        cells = [cell for cell in item.cells if cell.edition.pk not in hidden]
        if any(cell.score is not None for cell in cells):
            score_series.append(replace(item, cells=cells))
    profile = page["profile"]
    series = {
        code: kept
        for code, points in profile["series"].items()
        if (kept := [p for p in points if p["edition_id"] not in hidden])
    }
    labels = {code: _rank_label(code, points) for code, points in series.items()}
    return {
        **page,
        "score_series": score_series,
        "profile": {
            **profile,
            "series": series,
            "strengths": [s for s in profile["strengths"] if s["edition_id"] not in hidden],
            "weaknesses": [s for s in profile["weaknesses"] if s["edition_id"] not in hidden],
        },
        "profile_json": (
            charts.multi_trend_figure(series=series, labels=labels, rank=True) if series else ""
        ),
    }


def _predecessors_for_reader(page: dict[str, Any], *, user: Any) -> list[dict[str, Any]]:
    """The predecessors' internal results (a merged department's history) the reader may read."""
    found = []
    for item in page.get("predecessor_series", []):
        series = []
        for entry in item["series"]:
            cells = [c for c in entry.cells if edition_visible(user=user, edition=c.edition)]
            if any(cell.score is not None for cell in cells):
                series.append(replace(entry, cells=cells))
        if series:
            found.append({**item, "series": series})
    return found
