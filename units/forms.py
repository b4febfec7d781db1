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
