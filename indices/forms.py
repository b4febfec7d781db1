from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from indices.models import Index, IndexEdition, Level, Target
from units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.filter(
            kind__in=[
                Unit.Kind.PROVINCE,
                Unit.Kind.DEPARTMENT,
                Unit.Kind.DISTRICT,
                Unit.Kind.CENTRAL_AGENCY,
            ]
        ),
    )
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


class ImportUploadForm(forms.Form):
    index = forms.ModelChoiceField(
        label=_("Chỉ số"), queryset=Index.objects.all(), to_field_name="code"
    )
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Cấp xếp hạng"), choices=Level.choices)
    file = forms.FileField(
        label=_("Tệp bảng tính"),
        help_text=_(".xlsx, .xls, .ods hoặc .csv (UTF-8); tối đa %(mb)s MB")
        % {"mb": settings.IMPORT_MAX_UPLOAD_MB},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        index, year, level = data.get("index"), data.get("year"), data.get("level")
        if index and year:
            edition = IndexEdition.objects.filter(index=index, year=year).first()
            if edition is None:
                raise forms.ValidationError(
                    _("Chưa có kỳ %(index)s %(year)s trong danh mục; hãy tạo kỳ trước khi nhập.")
                    % {"index": index.short_name, "year": year}
                )
            if edition.status == IndexEdition.Status.NOT_RUN:
                raise forms.ValidationError(_("Kỳ này không tổ chức đánh giá."))
            if level and level != edition.level:
                raise forms.ValidationError(
                    _("Kỳ %(edition)s xếp hạng %(level)s.")
                    % {"edition": edition, "level": edition.get_level_display()}
                )
            data["edition"] = edition
        upload = data.get("file")
        if upload and upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            self.add_error("file", _("Tệp vượt giới hạn dung lượng."))
        return data


class MappingForm(forms.Form):
    """One select per column (or per indicator row of a transposed sheet)."""

    def __init__(
        self, *args: Any, columns: list, components: list, layout: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, StrOrPromise]] = [
            ("", _("— chưa xác định —")),
            ("ignore", _("Bỏ qua")),
        ]
        if layout != "transposed":
            choices.append(("unit", _("Tên đơn vị")))
        if layout == "long":
            choices += [("component_label", _("Tên thành phần")), ("value", _("Giá trị"))]
        choices += [("total", _("Điểm tổng")), ("rank", _("Thứ hạng")), ("group", _("Xếp loại"))]
        if layout != "transposed":
            choices.append(("year", _("Năm đánh giá")))
        choices += [(f"component:{c.code}", f"{c.code}. {c.name}") for c in components]
        self.column_keys = []
        for column in columns:
            name = f"col_{column.key}"
            self.column_keys.append((name, column))
            self.fields[name] = forms.ChoiceField(
                label=column.header or column.key,
                choices=choices,
                required=False,
                initial=column.role,
            )

    def overrides(self) -> dict[str, str]:
        return {column.key: self.cleaned_data[name] for name, column in self.column_keys}


class ImportConfirmForm(forms.Form):
    """The commit (or restore) of a file that leaves out units with stored values needs this."""

    allow_missing = forms.BooleanField(
        label=_("Tôi xác nhận xóa giá trị của các đơn vị không có trong tệp mới"),
        required=False,
    )
