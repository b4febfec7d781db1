"""The query's parameters, one serializer per set of endpoints: they validate (a 400 with a
message a client can act on, never a 500) and describe the parameters in the schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from indices.models import Basis, Index, Level
from reports.models import QuarterlyReport
from units.models import Unit

from .selectors import Filters

CODE = {
    "max_length": 40,
    "required": False,
    "allow_blank": True,
    "error_messages": {
        "max_length": _("Mã dài quá {max_length} ký tự."),
        "invalid": _("Mã không hợp lệ."),
        "null_characters_not_allowed": _("Mã không được chứa ký tự NUL."),
    },
}
YEAR = {
    "required": False,
    "min_value": 1900,
    "max_value": 2100,
    "error_messages": {
        "invalid": _("Năm phải là một số nguyên, ví dụ 2024."),
        "min_value": _("Năm phải từ {min_value} trở đi."),
        "max_value": _("Năm phải đến {max_value} là cùng."),
        "max_string_length": _("Giá trị quá dài."),
    },
}
QUARTER = {
    "required": False,
    "min_value": 1,
    "max_value": 4,
    "error_messages": {
        "invalid": _("Quý phải là 1, 2, 3 hoặc 4."),
        "min_value": _("Quý phải là 1, 2, 3 hoặc 4."),
        "max_value": _("Quý phải là 1, 2, 3 hoặc 4."),
        "max_string_length": _("Giá trị quá dài."),
    },
}
CHOICE_ERRORS = {"invalid_choice": _("“{input}” không phải là một lựa chọn hợp lệ.")}
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2025-07-01.")}


class _Query(serializers.Serializer[Any]):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A code that names nothing is a mistake to report, not an empty answer."""
        unknown = {}
        index = attrs.get("index")
        if index and not Index.objects.filter(code=index).exists():
            unknown["index"] = _(
                "Không có chỉ số mã “%(code)s” (mã phân biệt hoa thường, ví dụ PCI)."
            ) % {"code": index}
        unit = attrs.get("unit")
        if unit and not Unit.objects.filter(code=unit).exists():
            unknown["unit"] = _("Không có đơn vị mã “%(code)s”.") % {"code": unit}
        if unknown:
            raise serializers.ValidationError(unknown)
        return attrs

    def filters(self) -> Filters:
        data = {key: value for key, value in self.validated_data.items() if value not in ("", None)}
        if "on" in data:
            data["on_date"] = data.pop("on")
        return Filters(**data)


class UnitQuery(_Query):
    level = serializers.ChoiceField(
        choices=Level.choices,
        required=False,
        error_messages=CHOICE_ERRORS,
        help_text=_("Cấp: province, department, …"),
    )
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, required=False, error_messages=CHOICE_ERRORS
    )
    region = serializers.CharField(**CODE, help_text=_("Mã vùng kinh tế - xã hội."))
    on = serializers.DateField(
        required=False,
        error_messages=DATE_ERRORS,
        help_text=_("Chỉ các đơn vị có hiệu lực vào ngày này (YYYY-MM-DD)."),
    )


class SuccessionQuery(_Query):
    unit = serializers.CharField(**CODE, help_text=_("Mã đơn vị (cũ hoặc mới)."))


class EditionQuery(_Query):
    index = serializers.CharField(**CODE, help_text=_("Mã chỉ số, ví dụ PCI."))
    year = serializers.IntegerField(**YEAR)
    level = serializers.ChoiceField(
        choices=Level.choices, required=False, error_messages=CHOICE_ERRORS
    )


class ComponentQuery(EditionQuery):
    component = serializers.CharField(**CODE, help_text=_("Mã thành phần."))


class FigureQuery(EditionQuery):
    unit = serializers.CharField(**CODE, help_text=_("Mã đơn vị, ví dụ 49."))
    region = serializers.CharField(**CODE, help_text=_("Mã vùng kinh tế - xã hội."))
    basis = serializers.ChoiceField(
        choices=Basis.choices, required=False, error_messages=CHOICE_ERRORS
    )
    component = serializers.CharField(
        **CODE, help_text=_("Mã thành phần; “total” cho điểm tổng của chỉ số.")
    )


class TargetQuery(_Query):
    index = serializers.CharField(**CODE, help_text=_("Mã chỉ số, ví dụ PCI."))
    unit = serializers.CharField(**CODE, help_text=_("Mã đơn vị, ví dụ 49."))
    year = serializers.IntegerField(**YEAR, help_text=_("Mục tiêu có thời kỳ chứa năm này."))


class TargetStatusQuery(EditionQuery):
    unit = serializers.CharField(**CODE, help_text=_("Mã đơn vị, ví dụ 49."))
    basis = serializers.ChoiceField(
        choices=Basis.choices, required=False, error_messages=CHOICE_ERRORS
    )


class ProgressQuery(_Query):
    unit = serializers.CharField(**CODE, help_text=_("Mã đơn vị báo cáo."))
    year = serializers.IntegerField(**YEAR)
    quarter = serializers.IntegerField(**QUARTER)
    status = serializers.ChoiceField(
        choices=QuarterlyReport.Status.choices, required=False, error_messages=CHOICE_ERRORS
    )


class WindowQuery(_Query):
    year = serializers.IntegerField(**YEAR, help_text=_("Năm của kỳ báo cáo (cùng với quý)."))
    quarter = serializers.IntegerField(
        **QUARTER, help_text=_("Quý của kỳ báo cáo; không ghi năm và quý: kỳ hiện hành.")
    )


# Parameters every list takes besides its filters: pages, and DRF's response format.
COMMON_PARAMETERS = frozenset({"page", "page_size", "format"})


def filters_from(request: Request, query: type[_Query]) -> Filters:
    """The request's filters, validated by `query` (ValidationError → 400). A parameter the
    endpoint does not know (a misspelled `yaer`) is refused, not ignored."""
    fields = query().fields
    unknown = sorted(set(request.query_params) - set(fields) - COMMON_PARAMETERS)
    if unknown:
        raise serializers.ValidationError(
            {
                name: _("Tham số không có ở điểm truy cập này; các tham số: %(known)s.")
                % {"known": ", ".join(sorted({*fields, *COMMON_PARAMETERS}))}
                for name in unknown
            }
        )
    params = {name: request.query_params.get(name) for name in fields}
    serializer = query(data={k: v for k, v in params.items() if v is not None})
    serializer.is_valid(raise_exception=True)
    return serializer.filters()
