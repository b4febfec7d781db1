"""Planning periods: the period a target or plan belongs to, and starting the next period from
the previous one, carrying over or closing what it left unfinished.

`period_start_next` decides the previous period's unmet targets here; the items of apps above
`indices` (the plan's unfinished tasks, in `reports`) take part through `rollover_part_register`,
so one transaction carries or closes them all and `indices` never imports `reports`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditKind, audit_record
from indices.figures import figure
from indices.labels import localized_name, localized_short_name
from indices.models import Component, Period, Target
from indices.selectors_periods import (
    ACHIEVED,
    field_size,
    period_label,
    targets_ending,
    unit_on,
)
from indices.services.catalogue import targets_changed
from units.models import Unit

CARRY = "carry"
CLOSE = "close"


@dataclass(frozen=True)
class Decision:
    """What the admin decided for one unfinished item: carry it into the new period or close
    it, with an optional note of its own and, for a rank target, the new rank."""

    action: str
    note: str = ""
    target_rank: int | None = None


@dataclass
class PendingItem:
    """An item of the previous period waiting for a decision (key "target:12", "task:7")."""

    key: str
    kind: str  # "target" or "task"
    label: str
    detail: str = ""
    needs_rank: bool = False
    rank_out_of: tuple[int, int] | None = None  # (before, after) when a rank changes its field
    obj: Any = None


@dataclass
class RolloverContext:
    previous: Period
    period: Period
    unit: Unit
    decisions: dict[str, Decision]
    note: str
    today: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def carried_note_prefix(self) -> str:
        """ "Chuyển từ giai đoạn 2021–2025", naming the previous unit when it is another. Stored
        with the target, in the portal's language (Vietnamese), whatever the page's."""
        text = f"Chuyển từ giai đoạn {period_label(self.previous)}"
        if self.previous.unit_id != self.unit.pk:
            text += f" của {self.previous.unit.name}"
        return text

    def item_note(self, key: str) -> str:
        return self.decisions[key].note.strip() or self.note.strip()


class RolloverPart(Protocol):
    """Items of another app that a new period carries over or closes."""

    def pending(self, previous: Period) -> list[PendingItem]: ...

    def check(self, ctx: RolloverContext, items: list[PendingItem]) -> list[str]: ...

    def apply(self, ctx: RolloverContext, items: list[PendingItem]) -> None: ...


_PARTS: list[RolloverPart] = []


def rollover_part_register(part: RolloverPart) -> None:
    """Called once by an app above `indices` (its AppConfig.ready)."""
    if not any(type(p) is type(part) for p in _PARTS):
        _PARTS.append(part)


def target_label(target: Target) -> str:
    """A target in the page's language: "PCI Tính minh bạch: ≥ 7" / "PCI Transparency: ≥ 7"
    (its component as its latest edition names it)."""
    what = ""
    if target.component_code:
        component = (
            Component.objects.filter(edition__index_id=target.index_id, code=target.component_code)
            .order_by("-edition__year")
            .first()
        )
        what = f"{localized_name(component) or target.component_code}: "
    if target.kind == Target.Kind.SCORE and target.target_value is not None:
        exponent = int(target.target_value.normalize().as_tuple().exponent)
        goal = f"≥ {figure(target.target_value, max(0, -exponent))}"
    elif target.kind == Target.Kind.RANK:
        goal = f"top {target.target_rank}"
    else:
        goal = _("nhóm %(g)s trở lên") % {"g": target.target_group}
    return f"{localized_short_name(target.index)} {what}{goal}"


def _ending_detail(ending: Any) -> str:
    if ending is None or ending.current is None:
        return _("chưa có kết quả đánh giá")
    if ending.target.kind == Target.Kind.RANK:
        return _("năm %(year)s: hạng %(rank)s/%(n)s") % {
            "year": ending.year,
            "rank": int(ending.current),
            "n": ending.out_of,
        }
    decimals = ending.edition.decimals if ending.edition is not None else 2
    return _("năm %(year)s: %(value)s") % {
        "year": ending.year,
        "value": figure(ending.current, decimals),
    }


def _pending_targets(previous: Period, unit: Unit, start_year: int) -> list[PendingItem]:
    targets = list(
        previous.targets.filter(closed_on__isnull=True, carried_to__isnull=True)
        .select_related("index", "unit")
        .order_by("index__order", "component_code", "kind")
    )
    endings = targets_ending(targets=targets, until_year=previous.end_year)
    items = []
    for target in targets:
        ending = endings.get(target.pk)
        if ending is not None and ending.status == ACHIEVED:
            continue
        item = PendingItem(
            key=f"target:{target.pk}",
            kind="target",
            label=target_label(target),
            detail=_ending_detail(ending),
            obj=target,
        )
        if target.kind == Target.Kind.RANK:
            before = field_size(kind=target.unit.kind, year=previous.start_year)
            after = field_size(kind=unit.kind, year=start_year)
            if before != after:
                item.needs_rank = True
                item.rank_out_of = (before, after)
        items.append(item)
    return items


def rollover_pending(*, previous: Period, unit: Unit, start_year: int) -> list[PendingItem]:
    """The previous period's unmet targets and the other apps' unfinished items, each waiting
    for "carry" or "close"."""
    items = _pending_targets(previous, unit, start_year)
    for part in _PARTS:
        items.extend(part.pending(previous))
    return items


def _decisions(raw: Mapping[str, Decision | str | Mapping[str, Any]]) -> dict[str, Decision]:
    result = {}
    for key, value in raw.items():
        if isinstance(value, Decision):
            result[key] = value
        elif isinstance(value, str):
            result[key] = Decision(action=value)
        else:
            result[key] = Decision(
                action=str(value.get("action", "")),
                note=str(value.get("note") or ""),
                target_rank=value.get("target_rank"),
            )
    return result


def _check_targets(ctx: RolloverContext, items: list[PendingItem]) -> list[str]:
    errors = []
    for item in items:
        if item.kind != "target":
            continue
        decision = ctx.decisions[item.key]
        if decision.action != CARRY:
            continue
        if item.needs_rank and not decision.target_rank and item.rank_out_of:
            errors.append(
                _(
                    "Mục tiêu %(item)s: thứ hạng đặt trên %(before)s tỉnh, giai đoạn mới xếp "
                    "hạng trên %(after)s tỉnh — nhập thứ hạng mục tiêu mới để chuyển tiếp, "
                    "hoặc khép lại."
                )
                % {
                    "item": item.label,
                    "before": item.rank_out_of[0],
                    "after": item.rank_out_of[1],
                }
            )
        target: Target = item.obj
        taken = Target.objects.filter(
            unit=ctx.unit,
            index_id=target.index_id,
            component_code=target.component_code,
            kind=target.kind,
            period_start=ctx.period.start_year,
        )
        if taken.exists():
            errors.append(
                _("Mục tiêu %(item)s: giai đoạn mới đã có mục tiêu này, không chuyển tiếp được.")
                % {"item": item.label}
            )
    return errors


def _apply_targets(ctx: RolloverContext, items: list[PendingItem]) -> None:
    index_ids: set[int] = set()
    endings = targets_ending(
        targets=[i.obj for i in items if i.kind == "target"], until_year=ctx.previous.end_year
    )
    for item in items:
        if item.kind != "target":
            continue
        old: Target = item.obj
        decision = ctx.decisions[item.key]
        note = ctx.item_note(item.key)
        if decision.action == CLOSE:
            old.closed_on, old.closing_note = ctx.today, note
            old.save(update_fields=["closed_on", "closing_note"])
            ctx.counts["targets_closed"] = ctx.counts.get("targets_closed", 0) + 1
            continue
        ending = endings.get(old.pk)
        is_rank = old.kind == Target.Kind.RANK
        base = ending.current if ending is not None else None
        new = Target(
            unit=ctx.unit,
            index_id=old.index_id,
            component_code=old.component_code,
            kind=old.kind,
            target_value=old.target_value,
            target_rank=(decision.target_rank or old.target_rank) if is_rank else None,
            target_group=old.target_group,
            period_start=ctx.period.start_year,
            period_end=ctx.period.end_year,
            baseline_year=ending.year if ending is not None and ending.year else old.target_year,
            baseline_value=None if is_rank or base is None else Decimal(f"{base:.4f}"),
            baseline_rank=int(base) if is_rank and base is not None else None,
            target_year=ctx.period.end_year,
            source=old.source,
            note=f"{ctx.carried_note_prefix}: {note}"[:300],
            is_demo=old.is_demo,
            period=ctx.period,
            carried_from=old,
        )
        try:
            new.full_clean()
        except ValidationError as error:
            raise ValidationError(
                _("Mục tiêu %(item)s: %(reason)s")
                % {"item": item.label, "reason": "; ".join(error.messages)}
            ) from error
        new.save()
        index_ids.add(old.index_id)
        ctx.counts["targets_carried"] = ctx.counts.get("targets_carried", 0) + 1
    if index_ids:
        targets_changed(index_ids=list(index_ids))


def _check_period(
    *, previous: Period, unit: Unit, start_year: int, end_year: int, note: str
) -> list[str]:
    errors = []
    if start_year > end_year:
        errors.append(_("Năm kết thúc giai đoạn phải sau hoặc bằng năm bắt đầu."))
    if start_year != previous.end_year + 1:
        # Periods follow one another: no overlap, and no gap a typo would leave (2040–2045
        # typed for 2031–2035 would carry everything over nine years).
        errors.append(
            _(
                "Giai đoạn mới phải bắt đầu ngay sau giai đoạn trước: năm %(year)s (giai đoạn "
                "trước kết thúc năm %(end)s)."
            )
            % {"year": previous.end_year + 1, "end": previous.end_year}
        )
    if end_year - start_year > 9:
        errors.append(_("Một giai đoạn dài tối đa 10 năm."))
    if timezone.localdate().year < previous.end_year:
        errors.append(
            _(
                "Giai đoạn %(years)s chưa đến năm cuối (%(end)s): chỉ mở giai đoạn mới từ năm "
                "cuối của giai đoạn trước."
            )
            % {"years": period_label(previous), "end": previous.end_year}
        )
    if previous.next_periods.exists():
        errors.append(
            _("Giai đoạn %(years)s của %(unit)s đã được chuyển sang giai đoạn mới.")
            % {"years": period_label(previous), "unit": previous.unit.name}
        )
    taken = Period.objects.filter(unit=unit, start_year=start_year).first()
    if taken is not None and (taken.previous_id or taken.started_at):
        errors.append(
            _("%(unit)s đã mở giai đoạn %(years)s.")
            % {"unit": unit.name, "years": period_label(taken)}
        )
    start = dt.date(start_year, 1, 1)
    if unit.pk != previous.unit_id:
        if unit_on(previous.unit, start) != unit:
            errors.append(
                _("%(unit)s không phải đơn vị kế thừa %(previous)s vào ngày %(date)s.")
                % {
                    "unit": unit.name,
                    "previous": previous.unit.name,
                    "date": start.strftime("%d/%m/%Y"),
                }
            )
        if not note.strip():
            errors.append(
                _(
                    "Giai đoạn mới thuộc %(unit)s, giai đoạn trước thuộc %(previous)s: cần ghi chú "
                    "nói rõ việc chuyển đơn vị."
                )
                % {"unit": unit.name, "previous": previous.unit.name}
            )
    elif not unit.is_valid_on(start):
        errors.append(
            _("%(unit)s không còn hiệu lực ngày %(date)s: chọn đơn vị kế thừa.")
            % {"unit": unit.name, "date": start.strftime("%d/%m/%Y")}
        )
    return errors


@transaction.atomic
def period_start_next(
    *,
    previous: Period,
    unit: Unit,
    start_year: int,
    end_year: int,
    decisions: Mapping[str, Decision | str | Mapping[str, Any]],
    note: str,
    user: Any,
    today: dt.date | None = None,
) -> Period:
    """Open the period after `previous` for `unit` (the same unit, or its successor), deciding
    every unmet target and unfinished item of the previous period: carried ones are copied into
    the new period (`carried_from`), closed ones get `closed_on` and a closing note.

    All or nothing: every decision is checked first and every error reported together, each
    naming its item; an error while writing rolls everything back. A period is started from a
    previous one once, and a new period is started once."""
    previous = Period.objects.select_for_update().select_related("unit").get(pk=previous.pk)
    today = today or timezone.localdate()
    chosen = _decisions(decisions)
    errors = _check_period(
        previous=previous, unit=unit, start_year=start_year, end_year=end_year, note=note
    )
    items = rollover_pending(previous=previous, unit=unit, start_year=start_year)
    known = {item.key for item in items}
    for item in items:
        decision = chosen.get(item.key)
        if decision is None:
            errors.append(_("%(item)s: chưa chọn chuyển tiếp hay khép lại.") % {"item": item.label})
        elif decision.action not in {CARRY, CLOSE}:
            errors.append(
                _("%(item)s: chỉ chọn “chuyển tiếp” hoặc “khép lại”.") % {"item": item.label}
            )
    unknown = sorted(set(chosen) - known)
    if unknown:
        errors.append(_("Không có mục chờ quyết định: %(keys)s.") % {"keys": ", ".join(unknown)})
    if errors:
        raise ValidationError(errors)
    period = Period.objects.filter(unit=unit, start_year=start_year).first() or Period(
        unit=unit, start_year=start_year
    )
    period.end_year = end_year
    period.previous = previous
    period.note = note.strip()
    period.started_at = timezone.now()
    period.is_demo = period.is_demo if period.pk else previous.is_demo
    period.save()
    ctx = RolloverContext(
        previous=previous, period=period, unit=unit, decisions=chosen, note=note, today=today
    )
    errors = _check_targets(ctx, items)
    for part in _PARTS:
        errors.extend(part.check(ctx, items))
    if errors:
        raise ValidationError(errors)
    _apply_targets(ctx, items)
    for part in _PARTS:
        part.apply(ctx, items)
    counts = ctx.counts
    audit_record(
        kind=AuditKind.TARGET_CHANGE,
        user=user,
        obj=period,
        description=(
            f"Mở giai đoạn {period_label(period)} ({unit.name}) từ giai đoạn "
            f"{period_label(previous)} ({previous.unit.name}): mục tiêu chuyển tiếp "
            f"{counts.get('targets_carried', 0)}, khép lại {counts.get('targets_closed', 0)}; "
            f"nhiệm vụ chuyển tiếp {counts.get('tasks_carried', 0)}, "
            f"khép lại {counts.get('tasks_closed', 0)}"
        ),
    )
    return period
