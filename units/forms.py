from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Unit


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả")), *list(Unit.Kind.choices)]
    )
    on = forms.DateField(label=_("Tồn tại ngày"), required=False)
    cha = forms.CharField(label=_("Trực thuộc (mã)"), required=False, max_length=32)


class UnitContactForm(forms.Form):
    contact_email = forms.EmailField(label=_("Thư điện tử liên hệ"), required=False)
    contact_phone = forms.CharField(label=_("Điện thoại liên hệ"), max_length=40, required=False)


class UnitsOnDateForm(forms.Form):
    """The directory page's query: `?ngay=2025-07-01&cap=province` (the date picker sends ISO
    dates; a date typed as 01/07/2025 in a link is read too)."""

    ngay = forms.DateField(
        label=_("Ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cap = forms.ChoiceField(
        label=_("Cấp"),
        required=False,
        choices=[
            ("", _("Tất cả các cấp")),
            ("province", _("Tỉnh, thành phố")),
            ("department", _("Sở, ban, ngành và cơ quan ngành dọc")),
            ("district", _("Cấp huyện")),
            ("commune", _("Cấp xã")),
        ],
    )
