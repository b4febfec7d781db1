"""Writes for the index catalogue: loading definitions, copying an edition's tree, targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import AuditKind, audit_record
from indices.analytics.queue import analysis_request, editions_touch
from indices.models import (
    AnalysisRun,
    Component,
    Index,
    IndexEdition,
    RatingBand,
    RatingScheme,
    Target,
    TargetMilestone,
)
from indices.services.period_records import period_ensure, period_years
from units.models import Unit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFINITION_FILES = ["par.yaml", "papi.yaml", "pci.yaml", "ict.yaml", "dti.yaml", "internal.yaml"]
_EDITION_FIELDS = {f.name for f in IndexEdition._meta.concrete_fields} - {"id", "index"}


@dataclass
class DefinitionSummary:
    indices: int = 0
    editions_created: int = 0
    components_created: int = 0


def _expand_tree(trees: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for node in trees[name]:
        if "include" in node:
            nodes.extend(_expand_tree(trees, node["include"]))
        else:
            nodes.append(node)
    return nodes


def _create_components(
    *,
    edition: IndexEdition,
    nodes: list[dict[str, Any]],
    parent: Component | None,
    summary: DefinitionSummary,
    update: bool = False,
) -> None:
    for order, node in enumerate(nodes, start=1):
        write = Component.objects.update_or_create if update else Component.objects.get_or_create
        component, created = write(
            edition=edition,
            code=str(node["code"]),
            defaults={
                "parent": parent,
                "name": node["name"],
                "name_en": node.get("name_en", ""),
                "max_points": node.get("max_points"),
                "weight": node.get("weight"),
                "order": order,
                "aliases": "|".join(node.get("aliases", [])),
            },
        )
        summary.components_created += int(created)
        if node.get("children"):
            _create_components(
                edition=edition,
                nodes=node["children"],
                parent=component,
                summary=summary,
                update=update,
            )


def _load_index(
    *,
    spec: dict[str, Any],
    trees: dict[str, list[dict[str, Any]]],
    defaults: dict[str, Any],
    summary: DefinitionSummary,
    update: bool,
) -> None:
    index_fields = {
        key: spec.get(key, "")
        for key in ("name", "name_en", "short_name", "publisher", "kind", "description")
    }
    index_fields["order"] = spec.get("order", 0)
    index_fields["publishes_ranks"] = spec.get("publishes_ranks", True)
    if update:
        index, _created = Index.objects.update_or_create(code=spec["code"], defaults=index_fields)
    else:
        index, _created = Index.objects.get_or_create(code=spec["code"], defaults=index_fields)
    summary.indices += 1

    rating = spec.get("rating")
    if rating:
        scheme, created = RatingScheme.objects.get_or_create(
            index=index, defaults={"method": rating["method"], "note": rating.get("note", "")}
        )
        if created or update:
            scheme.method = rating["method"]
            scheme.note = rating.get("note", "")
            scheme.save()
            for order, band in enumerate(rating["bands"], start=1):
                RatingBand.objects.update_or_create(
                    scheme=scheme,
                    code=band["code"],
                    defaults={
                        "name": band["name"],
                        "name_en": band.get("name_en", ""),
                        "min_value": band.get("min_value"),
                        "order": band.get("order", order),
                    },
                )

    for edition_spec in spec.get("editions", []):
        merged = {**defaults, **spec.get("edition_defaults", {}), **edition_spec}
        year = int(merged["year"])
        tree_name = merged.get("tree")
        fields = {key: value for key, value in merged.items() if key in _EDITION_FIELDS}
        fields.pop("year", None)
        fields.setdefault("reference_date", dt.date(year, 12, 31))
        fields.setdefault("methodology_version", "")
        if update:
            edition, created = IndexEdition.objects.update_or_create(
                index=index, year=year, defaults=fields
            )
        else:
            edition, created = IndexEdition.objects.get_or_create(
                index=index, year=year, defaults=fields
            )
        summary.editions_created += int(created)
        if tree_name and (created or update):
            _create_components(
                edition=edition,
                nodes=_expand_tree(trees, tree_name),
                parent=None,
                summary=summary,
                update=update,
            )


@transaction.atomic
def index_definitions_load(*, data_dir: Path = DATA_DIR, update: bool = False) -> DefinitionSummary:
    """Create the indices, rating schemes, editions and component trees defined in
    `indices/data/*.yaml`. Idempotent. What already exists is left as admins edited it,
    unless `update` is set, which rewrites it from the files."""
    summary = DefinitionSummary()
    for filename in DEFINITION_FILES:
        spec = yaml.safe_load((data_dir / filename).read_text(encoding="utf-8"))
        # A file defines one index, or several under "indices" with shared edition defaults;
        # each index's own "edition_defaults" are merged in _load_index.
        for index_spec in spec.get("indices", [spec]):
            _load_index(
                spec=index_spec,
                trees=spec.get("trees", {}),
                defaults=spec.get("common_edition_defaults", {}),
                summary=summary,
                update=update,
            )
    return summary


@transaction.atomic
def edition_copy(*, source: IndexEdition, year: int, **overrides: Any) -> IndexEdition:
    """A new edition of the same index for `year`, with a copy of the source's component tree
    (codes, names, points, weights, order and parent links) for admins to edit."""
    if IndexEdition.objects.filter(index=source.index, year=year).exists():
        raise ValidationError(f"Kỳ {source.index.short_name} {year} đã tồn tại.")
    fields = {name: getattr(source, name) for name in _EDITION_FIELDS - {"year"}}
    fields.update(
        {
            "reference_date": dt.date(year, 12, 31),
            "breaks_comparability": False,
            "break_note": "",
            "published_on": None,
            "status": IndexEdition.Status.PLANNED,
            "notes": "",
        }
    )
    fields.update(overrides)
    edition = IndexEdition.objects.create(index=source.index, year=year, **fields)
    old_to_new: dict[int, Component] = {}
    # Parents come before children when ordered by depth; a tree is shallow.
    pending = list(source.components.order_by("parent_id", "order"))
    while pending:
        progressed = False
        for component in list(pending):
            if component.parent_id and component.parent_id not in old_to_new:
                continue
            old_to_new[component.pk] = Component.objects.create(
                edition=edition,
                parent=old_to_new.get(component.parent_id) if component.parent_id else None,
                code=component.code,
                name=component.name,
                name_en=component.name_en,
                max_points=component.max_points,
                weight=component.weight,
                order=component.order,
                aliases=component.aliases,
            )
            pending.remove(component)
            progressed = True
        if not progressed:  # pragma: no cover - a cycle cannot be saved through the tree FK
            raise ValidationError("Cây thành phần có vòng lặp.")
    return edition


@transaction.atomic
def target_save(
    *,
    unit: Unit,
    index: Index,
    kind: str,
    baseline_year: int,
    target_year: int = 2025,
    target_value: Decimal | None = None,
    target_rank: int | None = None,
    target_group: str = "",
    component_code: str = "",
    baseline_value: Decimal | None = None,
    baseline_rank: int | None = None,
    milestones: dict[int, Decimal | int] | None = None,
    source: str = "",
    note: str = "",
    is_demo: bool = False,
    target: Target | None = None,
    period_start: int | None = None,
    period_end: int | None = None,
) -> Target:
    """Create or change a target; every change is kept in its history (who, when, old, new).
    The editions of the index it was and is set on are rebuilt after commit, an illustrative
    target's too: dashboards must never show a target's status against its old value.

    The target belongs to the unit's period for `period_start`–`period_end` (created when
    missing); without them, to its own period, else to the five-year period of `target_year`
    (2021–2025, 2026–2030)."""
    if target_year < baseline_year:
        raise ValidationError("Năm đạt mục tiêu phải sau năm cơ sở.")
    if period_start is None or period_end is None:
        if target is not None and target.unit_id == unit.pk:
            period_start, period_end = target.period_start, target.period_end
        else:
            period_start, period_end = period_years(target_year)
    if target_year > period_end:
        raise ValidationError(
            _("Năm đạt mục tiêu (%(year)s) nằm ngoài giai đoạn %(start)s–%(end)s.")
            % {"year": target_year, "start": period_start, "end": period_end}
        )
    period = period_ensure(unit=unit, start_year=period_start, end_year=period_end, is_demo=is_demo)
    previous_index_id = target.index_id if target else None
    target = target or Target(unit=unit, index=index, kind=kind, component_code=component_code)
    target.unit, target.index, target.kind = unit, index, kind
    target.component_code = component_code
    target.target_value = target_value if kind == Target.Kind.SCORE else None
    target.target_rank = target_rank if kind == Target.Kind.RANK else None
    target.target_group = target_group if kind == Target.Kind.GROUP else ""
    target.baseline_year, target.baseline_value = baseline_year, baseline_value
    target.baseline_rank, target.target_year = baseline_rank, target_year
    target.source, target.note, target.is_demo = source, note, is_demo
    target.period = period
    target.period_start, target.period_end = period.start_year, period.end_year
    target.full_clean()
    target.save()
    audit_record(kind=AuditKind.TARGET_CHANGE, obj=target, description="Lưu mục tiêu")
    targets_changed(index_ids=[index.pk, previous_index_id])
    if milestones is not None:
        target.milestones.exclude(year__in=milestones).delete()
        for year, value in milestones.items():
            is_rank = kind == Target.Kind.RANK
            TargetMilestone.objects.update_or_create(
                target=target,
                year=year,
                defaults={
                    "value": None if is_rank else value,
                    "rank": int(value) if is_rank else None,
                },
            )
    return target


def targets_changed(*, index_ids: list[int | None]) -> AnalysisRun | None:
    """Target statuses and gaps depend on the targets: mark the published editions of these
    indices as changed and rebuild them after commit (call inside the transaction that changes
    a target or its milestones)."""
    edition_ids = list(
        IndexEdition.objects.filter(
            index_id__in=[pk for pk in index_ids if pk], status=IndexEdition.Status.PUBLISHED
        ).values_list("pk", flat=True)
    )
    if not edition_ids:
        return None
    editions_touch(edition_ids=edition_ids)
    return analysis_request(edition_ids=edition_ids, trigger=AnalysisRun.Trigger.TARGET)


@transaction.atomic
def target_delete(*, target: Target) -> None:
    """Delete a target (its milestones and statuses go with it) and rebuild its index."""
    index_id = target.index_id
    audit_record(kind=AuditKind.TARGET_CHANGE, obj=target, description="Xóa mục tiêu")
    target.delete()
    targets_changed(index_ids=[index_id])
