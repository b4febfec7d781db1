"""Rendering of scores: published precision, Vietnamese number format, and the states that are
never a number (not published, not available)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value: Decimal | float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def score_value(score: object) -> SafeString | str:
    """A score cell: its value at the published precision, or its state in words."""
    if score is None:
        return format_html('<span class="state-na">{}</span>', "—")
    state = score.state
    if state == "value":
        text = number_format(
            score.value, decimal_pos=score.decimals, use_l10n=True, force_grouping=True
        )
        if score.is_demo:
            return format_html(
                '{}<span class="demo-mark" title="{}">*</span>', text, _("Dữ liệu minh họa")
            )
        return text
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
    from indices.labels import localized_name

    return localized_name(obj)
