"""The officials' dashboards: thin views over cached selectors of the current analytics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from indices import charts
from indices import selectors_dashboard as dash
from indices.figures import (
    all_basis_marks,
    basis_mark,
    export_figures,
    figure,
    rank_text,
    rounded,
)
from indices.labels import localized_name
from indices.models import AnalysisRun, Basis, ImportBatch, Index, IndexEdition, basis_combine
from reform_portal.permissions import require_perm
from reports.exports import table_response
from units.models import Unit
from units.naming import normalize_name
from units.selectors import home_unit


def _pick_edition(index: Index, year: str | None) -> IndexEdition:
    editions = index.editions.filter(status=IndexEdition.Status.PUBLISHED)
    if year:
        edition = editions.filter(year=year).first()
        if edition is None:
            raise Http404
        return edition
    edition = (
        editions.filter(scores__isnull=False).order_by("-year").first()
        or editions.order_by("-year").first()
    )
    if edition is None:
        raise Http404
    return edition


def _json(figure: dict[str, Any]) -> dict[str, Any]:
    """Figures go to the page through json_script, which serialises them safely."""
    return figure


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    unit = home_unit()
    if unit is None:
        return render(request, "indices/home.html", {"unit": None})
    overview = dash.home_overview(unit=unit)
    from reports.selectors import overdue_reports

    overdue = overdue_reports(limit=8)
    context = {
        "unit": unit,
        "cards": overview["cards"],
        "costly": overview["costly"],
        "batches": ImportBatch.objects.select_related("edition__index")
        .filter(status=ImportBatch.Status.COMMITTED)
        .order_by("-committed_at")[:5],
        "last_run": AnalysisRun.objects.order_by("-created_at").first(),
        "overdue": overdue,
    }
    return render(request, "indices/home.html", context)


LEAGUE_COLUMNS = [
    ("rank_text", "Hạng"),
    ("rank_basis_label", "Cơ sở của hạng"),
    ("unit_name", "Đơn vị"),
    ("region_name", "Vùng"),
    ("value", "Điểm"),
    ("basis_label", "Cơ sở của điểm"),
    ("state_label", "Trạng thái"),
    ("published_rank", "Hạng công bố"),
    ("rank", "Thứ tự tính theo điểm"),
    ("group", "Xếp loại"),
    ("group_basis_label", "Cơ sở của xếp loại"),
    ("gap_to_leader", "Cách dẫn đầu"),
    ("gap_basis_label", "Cơ sở của khoảng cách với dẫn đầu"),
    ("gap_to_mean", "Cách trung bình"),
    ("analysis_basis_label", "Cơ sở của trung bình và thứ tự tính lại"),
    ("score_change", "Thay đổi điểm"),
    ("rank_change", "Thay đổi hạng"),
    ("change_label", "Ghi chú thay đổi"),
]


@login_required
def index_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(Index, code=code)
    if index.kind == Index.Kind.INTERNAL:
        require_perm(request, "indices.view_internal")
    edition = _pick_edition(index, request.GET.get("nam"))
    unit = home_unit()
    if edition.level != "province" or unit is None:
        return redirect(f"{reverse('indices:internal')}?chi_so={index.code}&nam={edition.year}")
    region = request.GET.get("vung", "")
    data = dash.index_dashboard(index=index, edition=edition, unit=unit, region_code=region)
    info = data["edition_info"]
    if request.GET.get("tai") in ("csv", "xlsx"):
        rows = [
            {
                **export_figures(row, info.decimals),
                "rank_text": rank_text(row, info.coverage, words=False),
                "unit_name": row["unit"].name,
                "region_name": row["region"].name if row["region"] else "",
            }
            for row in data["league"]
        ]
        return table_response(
            columns=[(k, _(v)) for k, v in LEAGUE_COLUMNS],
            rows=rows,
            filename=f"{index.code}-{edition.year}-bang-xep-hang",
            fmt=request.GET["tai"],
        )
    breaks = {e.year for e in data["editions"] if e.breaks_comparability}
    decimals = edition.decimals
    trend = charts.trend_figure(
        series=data["series"],
        breaks=breaks,
        target=data["target"],
        milestones=data["milestones"],
        value_label=_("Điểm"),
        decimals=decimals,
        coverages={e.pk: e.coverage for e in data["editions"]},
        ranks_published=index.publishes_ranks,
    )
    components = charts.components_figure(
        rows=data["component_rows"], unit_label=unit.display_name, coverage=info.coverage
    )
    home_row = data["home_row"]
    whatif = None
    if home_row and home_row["value"] is not None:
        totals = [
            row["value"]
            for row in data["league"]
            if row["value"] is not None and row["unit_id"] != unit.pk
        ]
        whatif = {
            "total": home_row["value"],
            "others": totals,
            "basis_label": basis_mark(
                basis_combine(home_row["analysis_basis"], Basis.DERIVED)
            ).label,
            "components": [
                {
                    "code": c["component"].code,
                    "name": f"{c['component'].code}. {localized_name(c['component'])}",
                    "value": float(rounded(c["row"]["value"], decimals)),
                    "weight": c["weight"],
                    "min": 0.0
                    if c["component"].max_points is not None
                    else float(edition.component_min or 0),
                    "max": float(
                        c["component"].max_points or edition.component_max or edition.total_max
                    ),
                }
                for c in data["component_rows"]
                if c["row"] and c["row"]["value"] is not None and c["weight"]
            ],
        }
    context = {
        "index": index,
        "edition": edition,
        "unit": unit,
        **data,
        "region": region,
        "trend_json": _json(trend),
        "components_json": _json(components),
        "whatif_json": whatif or "",
        "year_editions": [e for e in data["editions"] if e.status == "published" and e.run_id],
        "decimals": decimals,
        "breaks": breaks,
    }
    return render(request, "indices/dashboard.html", context)


@login_required
def basis_legend(request: HttpRequest) -> HttpResponse:
    """The one page that explains the basis marks, rounding and ranks."""
    require_perm(request, "indices.view_dashboards")
    return render(request, "indices/basis_legend.html", {"marks": all_basis_marks()})


def _component_columns(components: list[Any]) -> list[tuple[str, str]]:
    """A value column and a basis column for each component."""
    columns: list[tuple[str, str]] = []
    for c in components:
        columns.append((c.code, f"{c.code}. {c.name}"))
        columns.append((f"{c.code}__basis_label", _("%(code)s: cơ sở") % {"code": c.code}))
    return columns


def _component_cells(values: dict[str, dict], components: list[Any]) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for c in components:
        row = values.get(c.code) or {}
        cells[c.code] = rounded(row.get("value"), row.get("decimals", 2))
        cells[f"{c.code}__basis_label"] = (
            basis_mark(row.get("basis")).label if row.get("value") is not None else ""
        )
    return cells


def _rank_header(index: Index) -> str:
    return _("Hạng") if index.publishes_ranks else _("Thứ tự (tính theo điểm)")


def _basis_counts(rows: list[dict | None], key: str) -> list[dict[str, Any]]:
    """How many of the rows' figures are of each basis, for a legend ("21 CB, 42 MH")."""
    counts: dict[str, int] = {}
    for row in rows:
        if row and row.get(key) and (key != "basis" or row.get("value") is not None):
            counts[row[key]] = counts.get(row[key], 0) + 1
    return [
        {"basis": code, "label": basis_mark(code).label, "count": counts[code]}
        for code in Basis.values
        if counts.get(code)
    ]


def _years_with_data(index: Index) -> QuerySet[IndexEdition]:
    """The editions a reader can pick: published ones whose results are built (DTI publishes no
    scores for 2020–2021, so those years are not offered)."""
    return index.editions.filter(
        status=IndexEdition.Status.PUBLISHED, analysis__run__isnull=False
    ).order_by("-year")


def _alphabetical(units: Iterable[Unit]) -> list[Unit]:
    """Vietnamese alphabetical order of the names as shown, without the "Tỉnh"/"Thành phố"
    prefix and ignoring diacritics (so Đà Nẵng sits among the D's, not after Z)."""
    return sorted(units, key=lambda u: (normalize_name(u.display_name), u.display_name))


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(
        Index, code=request.GET.get("chi_so", "PCI"), kind=Index.Kind.NATIONAL
    )
    edition = _pick_edition(index, request.GET.get("nam"))
    codes = request.GET.getlist("don_vi")
    if codes:
        units = list(Unit.objects.filter(code__in=codes[:6], kind=Unit.Kind.PROVINCE))
        units.sort(key=lambda u: codes.index(u.code))
    else:
        home = home_unit()
        units = dash.default_peers(unit=home) if home else []
    if len(units) < 2 and codes:
        raise Http404
    data = dash.compare_data(index=index, edition=edition, units=units)
    info = next(e for e in data["editions"] if e.pk == edition.pk)
    if request.GET.get("tai") in ("csv", "xlsx"):
        columns = [
            ("unit", _("Đơn vị")),
            ("value", _("Tổng")),
            ("basis_label", _("Cơ sở của điểm tổng")),
            ("state_label", _("Trạng thái")),
            ("rank_text", _rank_header(index)),
            ("rank_basis_label", _("Cơ sở của hạng")),
            *_component_columns(data["components"]),
        ]
        rows = []
        for entry in data["table"]:
            total = entry["values"].get("", {})
            rows.append(
                {
                    **export_figures(total, total.get("decimals", info.decimals)),
                    "unit": entry["unit"].name,
                    "rank_text": rank_text(total, info.coverage, words=False) if total else "",
                    **_component_cells(entry["values"], data["components"]),
                }
            )
        return table_response(
            columns=columns,
            rows=rows,
            filename=f"so-sanh-{index.code}-{edition.year}",
            fmt=request.GET["tai"],
        )
    labels = {str(u.pk): u.display_name for u in units}
    by_rank = request.GET.get("theo") != "diem"
    trend = charts.multi_trend_figure(
        series={str(k): v for k, v in data["series"].items()},
        labels=labels,
        rank=by_rank,
        coverages={e.pk: e.coverage for e in data["editions"]},
        ranks_published=index.publishes_ranks,
    )
    provinces = _alphabetical(
        Unit.objects.valid_on(edition.reference_date).filter(kind=Unit.Kind.PROVINCE)
    )
    top_n_editions = [e for e in data["editions"] if e.coverage.top_n and e.run_id]
    return render(
        request,
        "indices/compare.html",
        {
            "index": index,
            "edition": edition,
            "edition_info": info,
            "units": units,
            **data,
            "by_rank": by_rank,
            "trend_json": _json(trend),
            "provinces": provinces,
            "selected_codes": [u.code for u in units],
            "top_n_editions": top_n_editions if by_rank else [],
            "indices": Index.objects.filter(kind=Index.Kind.NATIONAL),
            "years": _years_with_data(index),
        },
    )


@login_required
def internal(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_internal")
    internal_indices = Index.objects.filter(
        kind=Index.Kind.INTERNAL, editions__isnull=False
    ).distinct()
    index = get_object_or_404(internal_indices, code=request.GET.get("chi_so", "PAR_DEPT"))
    edition = _pick_edition(index, request.GET.get("nam"))
    data = dash.internal_league(edition=edition)
    info = data["edition_info"]
    if request.GET.get("tai") in ("csv", "xlsx"):
        columns = [
            ("rank_text", _rank_header(index)),
            ("rank_basis_label", _("Cơ sở của hạng")),
            ("unit", _("Đơn vị")),
            ("value", _("Điểm (%)")),
            ("basis_label", _("Cơ sở của điểm")),
            ("state_label", _("Trạng thái")),
            ("group", _("Xếp loại")),
            ("score_change", _("Thay đổi điểm")),
            ("rank_change", _("Thay đổi hạng")),
            ("change_label", _("Ghi chú thay đổi")),
            *_component_columns(data["components"]),
        ]
        rows = []
        for entry in data["league"]:
            total = entry["total"] or {}
            rows.append(
                {
                    **export_figures(total, total.get("decimals", info.decimals)),
                    "rank_text": rank_text(total, info.coverage, words=False) if total else "",
                    "unit": entry["unit"].name,
                    **_component_cells(entry["values"], data["components"]),
                }
            )
        return table_response(
            columns=columns,
            rows=rows,
            filename=f"{index.code}-{edition.year}",
            fmt=request.GET["tai"],
        )
    heat = charts.heatmap_figure(
        units=[e["unit"].display_name for e in data["league"]],
        components=[f"{c.code}. {localized_name(c)}" for c in data["components"]],
        heat=data["heat"],
        rows=[[e["values"].get(c.code) for c in data["components"]] for e in data["league"]],
    )
    return render(
        request,
        "indices/internal.html",
        {
            "index": index,
            "edition": edition,
            **data,
            "bases": _basis_counts([e["total"] for e in data["league"]], "basis"),
            "heat_json": _json(heat),
            "indices": internal_indices,
            "years": _years_with_data(index),
        },
    )


@login_required
def tile_map(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(
        Index, code=request.GET.get("chi_so", "PCI"), kind=Index.Kind.NATIONAL
    )
    edition = _pick_edition(index, request.GET.get("nam"))
    data = dash.map_tiles(edition=edition)
    info = data["edition_info"]
    by = "rank" if request.GET.get("theo") == "hang" else "score"
    regions, legend = _map_levels(data["regions"], by=by, decimals=info.decimals)
    rows = [t["row"] for r in data["regions"] for t in r["tiles"]]
    return render(
        request,
        "indices/map.html",
        {
            "index": index,
            "edition": edition,
            "coverage": info.coverage,
            "regions": regions,
            "legend": legend,
            "by": by,
            "bases": _basis_counts(rows, "rank_basis" if by == "rank" else "basis"),
            "indices": Index.objects.filter(kind=Index.Kind.NATIONAL),
            "years": _years_with_data(index),
            "home_code": (home_unit() or Unit()).code,
        },
    )


MAP_LEVELS = 5


def _map_levels(
    regions: list[dict[str, Any]], *, by: str, decimals: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each tile's colour level (0 = lowest of five) and ink (white on the two darkest levels),
    and the legend: what values (or places) each level covers. By score, the levels split the
    range from the lowest to the highest score evenly; by rank, they split the places from the
    first to the last one shown, and the legend gives the places each level holds."""
    rows = [t["row"] for r in regions for t in r["tiles"] if t["row"]]
    values = [row["value"] for row in rows if row["value"] is not None]
    low, high = (min(values), max(values)) if values else (0, 1)
    last = max((row["display_rank"] for row in rows if row["display_rank"]), default=1)

    def level(row: dict[str, Any] | None) -> int | None:
        if row is None:
            return None
        if by == "rank":
            if not row["display_rank"]:
                return None
            share = 1 - (row["display_rank"] - 1) / max(1, last - 1)
        else:
            if row["value"] is None:
                return None
            share = (row["value"] - low) / (high - low) if high > low else 1
        return max(0, min(MAP_LEVELS - 1, int(share * MAP_LEVELS)))

    placed: dict[int, list[int]] = {k: [] for k in range(MAP_LEVELS)}
    shaded = []
    for region in regions:
        tiles = []
        for tile in region["tiles"]:
            k = level(tile["row"])
            if k is not None and by == "rank":
                placed[k].append(int(tile["row"]["display_rank"]))
            ink = "light" if k is not None and k >= MAP_LEVELS - 2 else "dark"
            tiles.append({**tile, "level": k, "ink": ink})
        shaded.append({**region, "tiles": tiles})
    legend = []
    for k in range(MAP_LEVELS):
        if by == "rank":
            ranks = placed[k]
            if not ranks:
                text = "—"
            elif min(ranks) == max(ranks):
                text = str(min(ranks))
            else:
                text = f"{min(ranks)}–{max(ranks)}"
        else:
            step = (high - low) / MAP_LEVELS
            start, end = low + step * k, low + step * (k + 1) if k < MAP_LEVELS - 1 else high
            text = f"{figure(start, decimals)}–{figure(end, decimals)}" if values else "—"
        legend.append({"level": k, "text": text})
    return shaded, legend


def profile_context(
    *, unit: Unit, ranks_published: dict[str, bool] | None = None
) -> dict[str, Any]:
    """The dashboard part of a unit's page (charts, strengths and weaknesses). An index that
    publishes no ranks (PAPI; `ranks_published` by index code, else read off the rows) is
    labelled as an order computed from scores."""
    profile = dash.unit_profile(unit=unit)
    known = ranks_published or {}
    labels = {
        code: code
        if known.get(code, charts.publishes_ranks(points))
        else _("%(code)s: thứ tự tính theo điểm") % {"code": code}
        for code, points in profile["series"].items()
    }
    chart = charts.multi_trend_figure(series=profile["series"], labels=labels, rank=True)

    def with_rank(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Real figures first: an illustrative component leads only when nothing real is left.
        # The sort is stable, so each part keeps its order by percentile.
        items = sorted(items, key=_illustrative_item)
        return [{**item, "rank_label": charts.rank_words(item)} for item in items]

    profile = {
        **profile,
        "strengths": with_rank(profile["strengths"]),
        "weaknesses": with_rank(profile["weaknesses"]),
    }
    return {"profile": profile, "profile_json": _json(chart) if profile["series"] else ""}


def _illustrative_item(item: dict[str, Any]) -> bool:
    return Basis.ILLUSTRATIVE in (item.get("basis"), item.get("rank_basis"))
