import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from indices.labels import localized_short_name
from indices.models import Index, IndexEdition, Level, Target
from indices.services.imports.editions import (
    edition_previous,
    edition_start_defaults,
    level_unit_count,
)
from indices.services.imports.held import HeldUpload, held_name, upload_held
from indices.services.imports.results import UnmatchedName
from units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class IndexChoiceField(forms.ModelChoiceField):
    """Indices by their short name in the page's language, never by code."""

    def label_from_instance(self, obj: Any) -> str:
        return localized_short_name(obj)


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
    index = IndexChoiceField(label=_("Chỉ số"), queryset=Index.objects.all())
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
    period_start = forms.IntegerField(
        label=_("Giai đoạn từ năm"), required=False, min_value=2000, max_value=2100
    )
    period_end = forms.IntegerField(
        label=_("Giai đoạn đến năm"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Mục tiêu thuộc giai đoạn kế hoạch của đơn vị (ví dụ 2026–2030); để trống thì theo "
            "giai đoạn năm năm chứa năm đạt mục tiêu."
        ),
    )
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
        start, end = data.get("period_start"), data.get("period_end")
        if (start is None) != (end is None):
            self.add_error("period_end", _("Nhập cả năm đầu và năm cuối của giai đoạn."))
        elif start and end and start > end:
            self.add_error(
                "period_end", _("Năm kết thúc giai đoạn phải sau hoặc bằng năm bắt đầu.")
            )
        return data


class ImportUploadForm(forms.Form):
    """The edition a file is for, and the file: a new upload, or the one the form holds from
    an earlier submission (`held`, a signed reference) so a correction never asks for the
    file again."""

    index = IndexChoiceField(label=_("Chỉ số"), queryset=Index.objects.all(), to_field_name="code")
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Cấp xếp hạng"), choices=Level.choices)
    file = forms.FileField(
        label=_("Tệp bảng tính"),
        required=False,
        # Formatted when shown, so it reads in the page's language.
        help_text=lazy(
            lambda: (
                _(".xlsx, .xls, .ods hoặc .csv (UTF-8); tối đa %(mb)s MB")
                % {"mb": settings.IMPORT_MAX_UPLOAD_MB}
            ),
            str,
        )(),
    )
    held = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # (index, year) when the catalogue has no such edition: the page offers to create it.
        self.missing_edition: tuple[Index, int] | None = None
        # A new upload of an allowed size, which the view holds when the form is refused.
        self.fresh_upload: HeldUpload | None = None

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("Tệp vượt giới hạn dung lượng."))
        self.fresh_upload = HeldUpload(name=upload.name, data=upload.read())
        return upload

    def clean_held(self) -> HeldUpload | None:
        token = self.cleaned_data.get("held")
        if not token or self.fresh_upload is not None or self.errors.get("file"):
            return None
        try:
            return upload_held(token=token, user=self.user)
        except forms.ValidationError:
            self.add_error("file", _("Tệp đã chọn không còn được giữ; hãy chọn lại tệp."))
            return None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = self.fresh_upload or data.get("held")
        if upload is None and not self.errors.get("file"):
            self.add_error("file", _("Hãy chọn tệp bảng tính."))
        data["upload"] = upload
        index, year, level = data.get("index"), data.get("year"), data.get("level")
        if index and year:
            edition = IndexEdition.objects.filter(index=index, year=year).first()
            if edition is None:
                self.missing_edition = (index, year)
                raise forms.ValidationError(
                    _("Chưa có kỳ %(index)s %(year)s trong danh mục; hãy tạo kỳ trước khi nhập.")
                    % {"index": localized_short_name(index), "year": year},
                    code="no_edition",
                )
            if edition.status == IndexEdition.Status.NOT_RUN:
                raise forms.ValidationError(_("Kỳ này không tổ chức đánh giá."))
            if level and level != edition.level:
                raise forms.ValidationError(
                    _("Kỳ %(edition)s xếp hạng %(level)s.")
                    % {"edition": edition, "level": edition.get_level_display()}
                )
            data["edition"] = edition
        return data

    def held_file_name(self) -> str:
        """The name of the file the form holds, for the page to say it is kept."""
        token = self["held"].value()
        if not token:
            return ""
        try:
            return held_name(token=token, user=self.user)
        except forms.ValidationError:
            return ""


class EditionStartForm(forms.Form):
    """A new edition of an index, its methodology copied from the index's previous edition."""

    index = IndexChoiceField(label=_("Chỉ số"), queryset=Index.objects.all(), to_field_name="code")
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    reference_date = forms.DateField(
        label=_("Ngày đối chiếu đơn vị"),
        help_text=_(
            "Tên đơn vị trong tệp được đối chiếu với danh mục đơn vị hành chính tại ngày này."
        ),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    published_top_n = forms.IntegerField(
        label=_("Chỉ công bố nhóm dẫn đầu"),
        required=False,
        min_value=1,
        help_text=_(
            "Số đơn vị dẫn đầu được công bố điểm và thứ hạng (PCI từ 2023: 30 tỉnh); để "
            "trống nếu kỳ công bố đủ mọi đơn vị."
        ),
    )
    held = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous: IndexEdition | None = None

    @staticmethod
    def initial_from(query: Mapping[str, str]) -> dict[str, object]:
        """The form as the import page's link opens it: index and year chosen there, with the
        reference date and "top N" proposed from them."""
        initial: dict[str, object] = {"held": query.get("tep", "")}
        index = Index.objects.filter(code=query.get("index", "")).first()
        year_text = query.get("year", "")
        year = int(year_text) if year_text.isascii() and year_text.isdecimal() else None
        if index:
            initial["index"] = index.code
        if year and 2000 <= year <= 2100:
            initial["year"] = year
            if index:
                initial |= edition_start_defaults(index=index, year=year)
            else:
                initial["reference_date"] = dt.date(year, 12, 31)
        return initial

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        index, year = data.get("index"), data.get("year")
        reference_date, top_n = data.get("reference_date"), data.get("published_top_n")
        if not (index and year):
            return data
        if IndexEdition.objects.filter(index=index, year=year).exists():
            self.add_error(
                "year",
                _("Kỳ %(index)s %(year)s đã có trong danh mục.")
                % {"index": localized_short_name(index), "year": year},
            )
            return data
        self.previous = edition_previous(index=index, year=year)
        if self.previous is None:
            self.add_error(
                "index",
                _(
                    "%(index)s chưa có kỳ nào trước năm %(year)s để sao chép phương pháp; kỳ "
                    "đầu tiên của một chỉ số được tạo trong trang quản trị."
                )
                % {"index": localized_short_name(index), "year": year},
            )
            return data
        if reference_date and not year <= reference_date.year <= year + 1:
            self.add_error(
                "reference_date",
                _("Ngày đối chiếu phải thuộc năm %(year)s hoặc năm %(next)s (năm công bố kết quả).")
                % {"year": year, "next": year + 1},
            )
        elif reference_date and top_n:
            count = level_unit_count(edition=self.previous, on_date=reference_date)
            if top_n >= count:
                self.add_error(
                    "published_top_n",
                    _(
                        "Nhóm dẫn đầu phải ít hơn số đơn vị được xếp hạng (%(n)s vào ngày "
                        "đối chiếu); để trống nếu kỳ công bố đủ mọi đơn vị."
                    )
                    % {"n": count},
                )
        return data


class UnmatchedNamesForm(forms.Form):
    """One choice per unit name the file writes that matches no unit: one of the suggested
    units, or none (the name is then corrected in the file)."""

    def __init__(self, *args: Any, unmatched: list[UnmatchedName], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries: list[tuple[str, UnmatchedName]] = []
        for number, entry in enumerate(unmatched):
            # An alias holds at most 200 characters; no unit is named longer.
            if not entry.suggestions or len(entry.name) > 200:
                continue
            name = f"unit_{number}"
            self.entries.append((name, entry))
            choices: list[tuple[str, StrOrPromise]] = [
                (str(unit.pk), unit.name) for unit in entry.suggestions
            ]
            choices.append(("", _("Không chọn (sửa tên trong tệp)")))
            self.fields[name] = forms.ChoiceField(
                label=entry.name, choices=choices, required=False, widget=forms.RadioSelect
            )

    def rows(self) -> list[tuple[forms.BoundField, UnmatchedName]]:
        return [(self[name], entry) for name, entry in self.entries]

    def choices(self) -> dict[str, Unit]:
        """The name as the file writes it → the unit chosen for it."""
        chosen: dict[str, Unit] = {}
        for name, entry in self.entries:
            value = self.cleaned_data.get(name)
            if value:
                chosen[entry.name] = next(u for u in entry.suggestions if str(u.pk) == value)
        return chosen

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if self.entries and not any(data.get(name) for name, _entry in self.entries):
            raise forms.ValidationError(_("Hãy chọn đơn vị cho ít nhất một tên."))
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
