"""The form of the page that opens a new planning period: the previous period, the new one's
unit and years, a general note, and for each unmet target and unfinished task "carry" or
"close" with an optional note (and a new rank for a rank target whose field changed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indices.models import Period
from indices.services.periods import CARRY, CLOSE, Decision, PendingItem
from units.models import Unit

ACTIONS = [(CARRY, _("Chuyển tiếp")), (CLOSE, _("Khép lại"))]


def field_name(prefix: str, key: str) -> str:
    return f"{prefix}_{key.replace(':', '_')}"


class PeriodChoiceField(forms.ModelChoiceField):
    """A period by its unit and years: "Tỉnh Quảng Nam · 2021–2025"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} · {obj}"


class UnitChoiceField(forms.ModelChoiceField):
    """A province by its name and code: the old and the new Đà Nẵng share a name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class PeriodStartForm(forms.Form):
    previous = PeriodChoiceField(
        label=_("Giai đoạn trước"),
        queryset=Period.objects.filter(next_periods__isnull=True).select_related("unit"),
    )
    unit = UnitChoiceField(
        label=_("Đơn vị của giai đoạn mới"),
        queryset=Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("valid_to", "name"),
    )
    start_year = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("Ghi chú chung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bắt buộc. Ghi lý do chuyển tiếp, khép lại; nói rõ khi giai đoạn mới thuộc đơn vị "
            "khác (sáp nhập tỉnh)."
        ),
    )

    def __init__(self, *args: Any, items: list[PendingItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[field_name("decision", item.key)] = forms.ChoiceField(
                label=item.label,
                choices=ACTIONS,
                widget=forms.RadioSelect,
                initial=CARRY,
            )
            self.fields[field_name("note", item.key)] = forms.CharField(
                label=_("Ghi chú riêng"), required=False, max_length=300
            )
            if item.kind == "target" and item.obj.kind == "rank":
                self.fields[field_name("rank", item.key)] = forms.IntegerField(
                    label=_("Thứ hạng mục tiêu mới"), required=False, min_value=1
                )

    def rows(self) -> list[dict[str, Any]]:
        """Each item with its bound fields, for the template's table."""
        return [
            {
                "item": item,
                "decision": self[field_name("decision", item.key)],
                "note": self[field_name("note", item.key)],
                "rank": self[field_name("rank", item.key)]
                if field_name("rank", item.key) in self.fields
                else None,
            }
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", _("Năm kết thúc giai đoạn phải sau hoặc bằng năm bắt đầu."))
        return data

    def decisions(self) -> dict[str, Decision]:
        data = self.cleaned_data
        return {
            item.key: Decision(
                action=data[field_name("decision", item.key)],
                note=data.get(field_name("note", item.key)) or "",
                target_rank=data.get(field_name("rank", item.key)),
            )
            for item in self.items
        }
