"""Forms of the management pages for people and name variants: they validate and convert; the
services write."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Membership, Unit
from .selectors_manage import alias_units, member_units


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


class UnitChoiceField(forms.ModelChoiceField):
    """Units named as people read them (never by the portal's code); a unit that ended shows
    when, so that two units of the same name can be told apart."""

    def __init__(self, *args: Any, dated: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dated = dated

    def label_from_instance(self, obj: Any) -> str:
        unit: Unit = obj
        if not self.dated:
            return unit.name
        if unit.valid_from and unit.valid_to:
            return f"{unit.name} ({_day(unit.valid_from)} – {_day(unit.valid_to)})"
        if unit.valid_from:
            return str(
                _("%(name)s (từ %(day)s)") % {"name": unit.name, "day": _day(unit.valid_from)}
            )
        if unit.valid_to:
            return str(
                _("%(name)s (đến %(day)s)") % {"name": unit.name, "day": _day(unit.valid_to)}
            )
        return unit.name


class MembershipFields(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[("", _("(chọn vai trò)")), *Membership.Role.choices]
    )
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        dated=False,  # one province's units: their names tell them apart
        required=False,
        empty_label=_("(không gắn đơn vị)"),
        help_text=_("Bắt buộc với thủ trưởng đơn vị; người thẩm định gắn với Sở Nội vụ."),
    )

    def __init__(self, *args: Any, current_unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = member_units(
            current=current_unit
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Membership.Role.DEPARTMENT_HEAD and not data.get("unit"):
            self.add_error("unit", _("Thủ trưởng đơn vị phải gắn với một đơn vị."))
        return data


class UserCreateForm(MembershipFields):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ, số và các ký tự @ . + - _ (không dấu cách)."),
        validators=[
            UnicodeUsernameValidator(
                message=_("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không dấu cách).")
            )
        ],
    )
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến, không giống tên đăng nhập."
        ),
    )

    field_order = ["username", "full_name", "email", "role", "unit", "password"]


class UserEditForm(MembershipFields):
    pass


class AliasForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị"), queryset=alias_units(), empty_label=_("(chọn đơn vị)")
    )
    name = forms.CharField(
        label=_("Cách viết"),
        max_length=200,
        help_text=_("Cách một bảng công bố viết tên đơn vị, ví dụ TT-Huế, BRVT."),
    )
    source = forms.CharField(label=_("Nguồn"), max_length=200, required=False)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Tên, thư điện tử hoặc đơn vị"), max_length=100, required=False)


class AliasSearchForm(forms.Form):
    q = forms.CharField(label=_("Cách viết hoặc tên đơn vị"), max_length=100, required=False)
