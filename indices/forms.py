from django import forms
from django.utils.translation import gettext_lazy as _

from indices.models import Index, Target
from units.models import Unit


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.filter(kind__in=[Unit.Kind.PROVINCE, Unit.Kind.DEPARTMENT,
                                               Unit.Kind.DISTRICT, Unit.Kind.CENTRAL_AGENCY]),
    )  # fmt: skip
    index = forms.ModelChoiceField(label=_("Chỉ số"), queryset=Index.objects.all())
    component_code = forms.CharField(
        label=_("Mã thành phần"),
        required=False,
        max_length=40,
        help_text=_("Để trống cho chỉ số tổng; ví dụ 3 = Tính minh bạch của PCI."),
    )
    kind = forms.ChoiceField(label=_("Loại mục tiêu"), choices=Target.Kind.choices)
    target_value = forms.DecimalField(
        label=_("Điểm mục tiêu"), required=False, decimal_places=4, localize=True
    )
    target_rank = forms.IntegerField(label=_("Thứ hạng mục tiêu"), required=False, min_value=1)
    target_group = forms.CharField(label=_("Nhóm mục tiêu"), required=False, max_length=20)
    baseline_year = forms.IntegerField(label=_("Năm cơ sở"), min_value=2000, max_value=2100)
    baseline_value = forms.DecimalField(
        label=_("Giá trị cơ sở"), required=False, decimal_places=4, localize=True
    )
    baseline_rank = forms.IntegerField(label=_("Thứ hạng cơ sở"), required=False, min_value=1)
    target_year = forms.IntegerField(label=_("Năm đạt mục tiêu"), min_value=2000, max_value=2100)
    milestones = forms.CharField(
        label=_("Mốc theo năm"),
        required=False,
        help_text=_("Mỗi dòng: năm = giá trị, ví dụ 2023 = 84,5"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source = forms.CharField(label=_("Văn bản giao chỉ tiêu"), required=False, max_length=300)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)

    def clean_milestones(self) -> dict[int, object]:
        from decimal import Decimal, InvalidOperation

        result: dict[int, object] = {}
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            year_text, _sep, value_text = line.partition("=")
            try:
                year = int(year_text.strip())
                value = Decimal(value_text.strip().replace(",", "."))
            except (ValueError, InvalidOperation) as error:
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần dạng “năm = giá trị”, ví dụ 2023 = 84,5.") % {"n": number}
                ) from error
            result[year] = value
        return result

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Target.Kind.SCORE and data.get("target_value") is None:
            self.add_error("target_value", _("Mục tiêu điểm số cần giá trị điểm."))
        if kind == Target.Kind.RANK and data.get("target_rank") is None:
            self.add_error("target_rank", _("Mục tiêu thứ hạng cần thứ hạng."))
        if kind == Target.Kind.GROUP and not data.get("target_group"):
            self.add_error("target_group", _("Mục tiêu xếp loại cần tên nhóm."))
        return data
