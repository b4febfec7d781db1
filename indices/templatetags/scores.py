"""Rendering of figures: rounded half-up at the publisher's precision, in the Vietnamese
number format, with the mark of their basis (published, derived, internal, illustrative), and the
states that are never a number (not published, not available)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from indices.figures import Coverage, basis_mark, figure, rank_text
from indices.labels import (
    component_name,
    localized_group,
    localized_name,
    localized_short_name,
)
from indices.models import Score

register = template.Library()


def _figure(value: Any, decimals: Any, *, signed: bool = False) -> str:
    """figure(), or "—" for what no figure can show: infinity and NaN, a number too large to
    round at its places, decimals that are not a number. A page never fails on one cell."""
    try:
        return figure(value, int(decimals), signed=signed)
    except (InvalidOperation, ValueError, TypeError, OverflowError):
        return "—"


@register.filter
def num(value: Decimal | float | None, decimals: int = 2) -> str:
    return _figure(value, decimals)


@register.filter
def absolute(value: Any) -> Any:
    return abs(value) if value is not None else None


@register.simple_tag
def mark(basis: str | None) -> SafeString:
    """The basis mark alone: CB (published), TT (derived), NB (internal), MH (illustrative)."""
    m = basis_mark(basis)
    return format_html(
        '<abbr class="basis basis-{}" title="{}" data-basis="{}">{}</abbr>',
        m.code,
        m.label,
        m.code,
        m.mark,
    )


@register.simple_tag
def fig(
    value: Any, decimals: int = 2, basis: str | None = "", signed: bool = False, suffix: str = ""
) -> SafeString:
    """A figure with its basis mark; "—" (no mark) when there is no figure."""
    text = _figure(value, decimals, signed=signed)
    if text == "—":
        return format_html('<span class="fig state-na">{}</span>', "—")
    return format_html(
        '<span class="fig fig-{}">{}{}</span>{}',
        basis or "derived",
        text,
        suffix,
        mark(basis),
    )


@register.simple_tag
def rank(row: dict | None, coverage: Coverage | None, words: bool = True) -> SafeString:
    """A rank with what it is out of and its basis mark."""
    if not row or coverage is None:
        return format_html("{}", "—")
    text = rank_text(row, coverage, words=words)
    if row.get("display_rank") is None:
        if text == "—":
            return format_html('<span class="rank">{}</span>', text)
        # "ngoài top 30" is a state of its row, as good as the row it comes with.
        return format_html('<span class="rank">{}</span>{}', text, mark(row.get("basis")))
    return format_html('<span class="rank">{}</span>{}', text, mark(row.get("rank_basis")))


@register.filter
def base(row: dict | None, coverage: Coverage | None) -> str:
    """What an aggregate is taken over: "cả nước", "của 30 tỉnh được công bố"…"""
    if not row or coverage is None:
        return ""
    return coverage.aggregate_base(int(row.get("peer_count") or 0))


@register.filter
def score_value(score: Score | None) -> SafeString | str:
    """A score cell: its value at the published precision, or its state in words."""
    if score is None:
        return format_html('<span class="state-na">{}</span>', "—")
    state = score.state
    if state == "value":
        return fig(score.value, score.edition.decimals, score.basis)
    if state == "not_published":
        return format_html(
            '<span class="state-np" title="{}">{}</span>', _("Không công bố"), _("KCB")
        )
    return format_html(
        '<span class="state-na" title="{}">{}</span>', _("Không có dữ liệu"), _("N/A")
    )


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def localized(obj: object) -> str:
    return localized_name(obj)


@register.filter
def short_label(index: object) -> str:
    return localized_short_name(index)


@register.filter
def group_label(name: str | None) -> str:
    return localized_group(name)


@register.filter
def target_component(target: Any) -> str:
    """The name of the component a target is set on ("" for the index's total)."""
    if not getattr(target, "component_code", ""):
        return ""
    return component_name(target.index_id, target.component_code)


@register.filter
def person(user: Any) -> str:
    """A user as people call them: the full name, else the sign-in name."""
    if not user:
        return ""
    return user.get_full_name() or user.get_username()


@register.simple_tag
def out_of(rank: Any, row: dict | None, coverage: Coverage | None) -> str:
    """A rank the unit would reach, with what it is out of: the publisher's top N when only the
    top N are ranked, else the units ranked beside the unit's own total."""
    if rank is None:
        return "—"
    base = (coverage.top_n if coverage else None) or (row or {}).get("peer_count")
    return f"{int(rank)}/{base}" if base else str(int(rank))
