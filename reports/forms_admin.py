"""Forms of the management pages for reporting windows and plans: they validate and convert;
the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

QUARTERS = [(q, format_lazy("{} {}", _("Quý"), q)) for q in range(1, 5)]


class WindowForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quý"), choices=QUARTERS, coerce=int)
    opens_on = forms.DateField(
        label=_("Mở từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deadline = forms.DateField(
        label=_("Hạn nộp"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locked:  # departments have reported in it: the quarter stays
            for name in ("year", "quarter"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Kỳ đã có báo cáo của đơn vị: không đổi được.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, deadline = data.get("opens_on"), data.get("deadline")
        if opens_on and deadline and opens_on > deadline:
            self.add_error("deadline", _("Hạn nộp phải sau hoặc cùng ngày mở kỳ báo cáo."))
        return data


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    decision = forms.CharField(
        label=_("Số quyết định"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: 1234/QĐ-UBND ngày 15/12/2020."),
    )
    year_start = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    year_end = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_start"), data.get("year_end")
        if start and end and start > end:
            self.add_error("year_end", _("Năm kết thúc phải sau hoặc bằng năm bắt đầu."))
        return data
