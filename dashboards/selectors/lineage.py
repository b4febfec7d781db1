"""A successor province's line through the merger: each predecessor's published history as its
own series, a pro-forma series for the years before the successor existed (built by the method
the admin chose and always derived, never published), the successor's own editions, and the
comparison across the merger by what a rank is out of ("top 18%", "6/34", "36/63"), never by
rank against rank."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.selectors.common import NATIONAL, result_row
from indices.figures import rank_text, share_text, state_label, top_share
from indices.models import Basis, IndexEdition, RankResult, basis_combine
from indices.selectors_analytics import EditionInfo, current_editions, current_results, with_figures
from units.models import ProformaSetting, Succession, Unit

Method = ProformaSetting.Method


def merged_predecessors(unit: Unit) -> list[Unit]:
    """The provinces merged into `unit` (Quảng Nam and the old Đà Nẵng for the new Đà Nẵng),
    the one whose code the successor keeps first."""
    units = [
        s.predecessor
        for s in Succession.objects.filter(successor=unit, kind=Succession.Kind.MERGE)
        .select_related("predecessor")
        .order_by("predecessor__code")
    ]
    keeps = unit.gso_code or unit.code.split("-")[0]
    return sorted(units, key=lambda u: (u.code != keeps, u.code))


def proforma_method(unit: Unit) -> dict[str, Any]:
    """The method the admin set for the successor (the DTI's mean when none is set), with its
    weights and the words that name it on the page."""
    setting = ProformaSetting.objects.filter(successor=unit).prefetch_related("weights").first()
    method = setting.method if setting else Method.MEAN
    weights = {w.predecessor_id: w.weight for w in setting.weights.all()} if setting else {}
    label = setting.weight_label if setting else ""
    if method == Method.MEAN:
        words = _(
            "ước tính theo phương pháp trung bình cộng các tỉnh cũ "
            "(như cách DTI tính tỉnh hợp nhất)"
        )
    elif method == Method.WEIGHTED:
        words = _("ước tính theo phương pháp trung bình có trọng số (%(weights)s)") % {
            "weights": label or _("trọng số do quản trị nhập")
        }
    else:
        words = ""
    short = {
        Method.MEAN.value: _("trung bình cộng các tỉnh cũ"),
        Method.WEIGHTED.value: _("trung bình có trọng số"),
        Method.NONE.value: "",
    }[str(method)]
    return {
        "missing": [],
        "shares": [],
        "short": short,
        "method": method,
        "weights": weights,
        "weight_label": label,
        "source": setting.source if setting else "",
        "words": words,
        "is_default": setting is None,
    }


def _point(info: EditionInfo, row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "year": info.year,
        "info": info,
        # A computed order (PAPI) says so; a published rank is bare ("36/63").
        "rank_text": rank_text(row, info.coverage, words=not info.coverage.publishes_ranks),
        "top_share": top_share(row, info.coverage) if row["display_rank"] else None,
        "share_text": share_text(row, info.coverage) if row["display_rank"] else "—",
        "state_label": state_label(row["state"]),
    }


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def proforma_point(
    *, points: list[dict[str, Any] | None], units: list[Unit], method: dict[str, Any]
) -> dict[str, Any] | None:
    """The successor's estimated figure for a year before it existed: the mean (or weighted
    mean) of every predecessor's figure as published, rounded as the edition prints; none when
    a predecessor has no figure or no weight. Derived, or illustrative when an input is."""
    if method["method"] == Method.NONE or any(
        p is None or p["state"] != "value" or p["value"] is None for p in points
    ):
        return None
    present = [p for p in points if p is not None]
    if method["method"] == Method.WEIGHTED:
        weights = [method["weights"].get(u.pk) for u in units]
        if any(w is None for w in weights):
            return None
    else:
        weights = [Decimal(1)] * len(present)
    total = sum((Decimal(w) for w in weights if w is not None), Decimal(0))
    # From each figure as its publisher prints it (the DTI averages published scores).
    shown = [_round(Decimal(str(p["value"])), p["decimals"]) for p in present]
    value = sum(
        (v * Decimal(w) for v, w in zip(shown, weights, strict=True) if w is not None),
        Decimal(0),
    )
    decimals = present[0]["decimals"]
    basis = basis_combine(Basis.DERIVED, *(p["basis"] for p in present))
    return {
        "year": present[0]["year"],
        "info": present[0]["info"],
        "value": _round(value / total, decimals),
        "decimals": decimals,
        "basis": basis,
        "state": "value",
        "display_rank": None,
        "rank_basis": "",
        "rank_text": "",
        "top_share": None,
        "share_text": "—",
    }


def lineage_page(*, unit: Unit) -> dict[str, Any] | None:
    """Everything the successor's section of the home page shows, or None for a province that
    succeeded no merger."""
    if unit.valid_from is None:
        return None  # a unit formed by no change on record (the 63 provinces' history)
    predecessors = merged_predecessors(unit)
    if not predecessors:
        return None
    method = proforma_method(unit)
    if method["method"] == Method.WEIGHTED:
        # A weighted mean needs every predecessor's weight: without one, no estimate, and
        # the page says whose weight is missing. The weights are shown with their shares.
        method["missing"] = [p for p in predecessors if p.pk not in method["weights"]]
        total = sum((method["weights"].get(p.pk, 0) for p in predecessors), Decimal(0))
        method["shares"] = [
            {
                "unit": p,
                "weight": method["weights"][p.pk],
                "share": _round(Decimal(100) * method["weights"][p.pk] / total, 0),
            }
            for p in predecessors
            if p.pk in method["weights"] and total
        ]
    editions = current_editions(NATIONAL)
    by_pk = {e.pk: e for e in editions}
    rows = with_figures(
        current_results(
            RankResult.objects.filter(unit__in=[unit, *predecessors], component__isnull=True),
            editions,
        )
    )
    found: dict[tuple[str, int, int], dict[str, Any]] = {}
    for r in rows:
        info = by_pk[r.edition_id]
        found[(info.index_code, info.year, r.unit_id)] = _point(info, result_row(r))
    methods = dict(
        IndexEdition.objects.filter(pk__in=by_pk).values_list("pk", "methodology_version")
    )
    formed = unit.valid_from or dt.date.min
    indices = []
    for code in NATIONAL:
        infos = [e for e in editions if e.index_code == code]
        if not infos:
            continue
        block = _index_block(
            code=code,
            infos=infos,
            found=found,
            unit=unit,
            predecessors=predecessors,
            method=method,
            formed=formed,
            methods=methods,
        )
        if block is not None:
            indices.append(block)
    return {
        "unit": unit,
        "predecessors": predecessors,
        "method": method,
        "formed": unit.valid_from,
        "indices": indices,
    }


def _index_block(
    *,
    code: str,
    infos: list[EditionInfo],
    found: dict[tuple[str, int, int], dict[str, Any]],
    unit: Unit,
    predecessors: list[Unit],
    method: dict[str, Any],
    formed: dt.date,
    methods: dict[int, str],
) -> dict[str, Any] | None:
    before = [e for e in infos if e.year < formed.year]
    after = [e for e in infos if e.year >= formed.year]
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    labels: dict[str, str] = {}
    for p in predecessors:
        key = f"p{p.pk}"
        labels[key] = predecessor_label(p)
        series[key] = [found[(code, e.year, p.pk)] for e in before if (code, e.year, p.pk) in found]
    proforma = []
    for e in before:
        point = proforma_point(
            points=[found.get((code, e.year, p.pk)) for p in predecessors],
            units=predecessors,
            method=method,
        )
        if point is not None:
            proforma.append(point)
    own = [found[(code, e.year, unit.pk)] for e in after if (code, e.year, unit.pk) in found]
    if not own and not any(series.values()):
        return None
    labels["proforma"] = _("Ước tính cho %(name)s (%(method)s)") % {
        "name": unit.name,
        "method": method["short"],
    }
    labels["own"] = successor_label(unit)
    if proforma:
        series["proforma"] = proforma
    if own:
        series["own"] = own
    last_before = before[-1] if before else None
    first_after = own[0] if own else None
    return {
        "code": code,
        "json_id": f"lineage-data-{code.lower()}",
        "name": infos[0].index_name,
        "short_name": infos[0].short_name,
        "rows": _comparison_rows(
            last_before=last_before,
            found=found,
            code=code,
            predecessors=predecessors,
            proforma=proforma,
            own=own,
            labels=labels,
        ),
        "change": _merger_change(
            proforma=proforma, first_after=first_after, methods=methods, infos=infos
        ),
        "chart": charts.lineage_figure(series=dict(series), labels=labels, formed=formed.year)
        if any(series.values())
        else None,
    }


def _dated(unit: Unit, words: str, day: dt.date | None) -> str:
    return words % {"name": unit.name, "date": day.strftime("%d/%m/%Y")} if day else unit.name


def predecessor_label(unit: Unit) -> str:
    return _dated(unit, _("%(name)s (đến %(date)s)"), unit.valid_to)


def successor_label(unit: Unit) -> str:
    return _dated(unit, _("%(name)s (từ %(date)s)"), unit.valid_from)


def _comparison_rows(
    *,
    last_before: EditionInfo | None,
    found: dict[tuple[str, int, int], dict[str, Any]],
    code: str,
    predecessors: list[Unit],
    proforma: list[dict[str, Any]],
    own: list[dict[str, Any]],
    labels: dict[str, str],
) -> list[dict[str, Any]]:
    """The table across the merger: the last edition before it (each predecessor, and the
    pro-forma estimate, which has no rank), then every edition of the successor."""
    rows: list[dict[str, Any]] = []
    if last_before is not None:
        for p in predecessors:
            point = found.get((code, last_before.year, p.pk))
            if point is not None:
                rows.append({"label": labels[f"p{p.pk}"], "kind": "predecessor", **point})
        estimate = next((p for p in proforma if p["year"] == last_before.year), None)
        if estimate is not None:
            rows.append({"label": labels["proforma"], "kind": "proforma", **estimate})
    rows += [{"label": labels["own"], "kind": "own", **point} for point in own]
    return rows


def _merger_change(
    *,
    proforma: list[dict[str, Any]],
    first_after: dict[str, Any] | None,
    methods: dict[int, str],
    infos: list[EditionInfo],
) -> dict[str, Any] | None:
    """The score's change from the last pro-forma estimate to the successor's first edition:
    given only where the method is unchanged (same methodology, no break between the two
    editions), and derived from an estimate. Ranks are never compared across the merger."""
    earlier = [e for e in infos if e.year < first_after["year"]] if first_after else []
    if first_after is None or not proforma or proforma[-1]["year"] != earlier[-1].year:
        return None
    before = proforma[-1]
    after_info: EditionInfo = first_after["info"]
    before_info: EditionInfo = before["info"]
    between = [e for e in infos if before_info.year < e.year <= after_info.year]
    same = methods.get(before_info.pk) == methods.get(after_info.pk) and not any(
        e.breaks_comparability for e in between
    )
    change: dict[str, Any] = {
        "from_year": before_info.year,
        "to_year": after_info.year,
        "comparable": same,
        "decimals": first_after["decimals"],
    }
    # A change is computed only between real figures on both sides, as every change is.
    change["illustrative"] = Basis.ILLUSTRATIVE in (before["basis"], first_after["basis"])
    if same and first_after["value"] is not None and not change["illustrative"]:
        change["value"] = Decimal(str(first_after["value"])) - before["value"]
        change["basis"] = basis_combine(Basis.DERIVED, before["basis"], first_after["basis"])
    return change
