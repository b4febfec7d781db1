from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import TaskProgress
from tabular.cells import parse_cell


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskProgress.Status.choices)
    percent_complete = forms.IntegerField(
        label=_("Mức hoàn thành (phần trăm)"), min_value=0, max_value=100
    )
    done = forms.CharField(
        label=_("Kết quả thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    explanation = forms.CharField(
        label=_("Giải trình"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Bắt buộc khi chưa có minh chứng, khi chậm tiến độ hoặc khi chỉ tiêu chưa đạt."
        ),
    )


class IndicatorValueField(forms.CharField):
    """A number in Vietnamese or English notation; words like “N/A” are refused, not zero."""

    # A CharField that cleans to a number: the stubs type CharField.to_python as str only.
    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        cell = parse_cell(text)
        if cell.state != "value" or cell.value is None:
            raise forms.ValidationError(
                _("“%(v)s” không phải là số. Để trống nếu chưa có số liệu và ghi giải trình."),
                params={"v": text},
            )
        return cell.value


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến thẩm định"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp minh chứng"),
        help_text=_("PDF, ảnh PNG/JPEG hoặc văn bản Office; tối đa 10 MB."),
    )


class ReopenRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do cần mở lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: cần bổ sung minh chứng mới nhận được sau khi nộp."),
    )


class ReopenDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi không đồng ý."),
    )
