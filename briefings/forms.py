"""The report form: which kind and format; what the report covers (index and year, year,
quarter) comes from the link of the page it was opened from, and is checked by
`briefings.selectors` with the rules of that page. Field names are the pages' query names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from briefings.models import GeneratedReport


class BriefingForm(forms.Form):
    loai = forms.ChoiceField(
        label=_("Loại báo cáo"), choices=GeneratedReport.Kind.choices, widget=forms.HiddenInput
    )
    dinh_dang = forms.ChoiceField(
        label=_("Định dạng"),
        choices=GeneratedReport.Format.choices,
        widget=forms.RadioSelect,
        initial=GeneratedReport.Format.PDF,
    )
    chi_so = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    nam = forms.CharField(required=False, max_length=4, widget=forms.HiddenInput)
    ky = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
