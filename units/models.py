"""Administrative units (nation, provinces, departments, districts, communes), their history,
the names publications use for them, and the people bound to them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """Socio-economic region used by the index publishers for peer comparison."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("vùng kinh tế - xã hội")
        verbose_name_plural = _("vùng kinh tế - xã hội")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Unit(models.Model):
    class Kind(models.TextChoices):
        NATION = "nation", _("Quốc gia")
        PROVINCE = "province", _("Tỉnh, thành phố")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        CENTRAL_AGENCY = "central_agency", _("Cơ quan ngành dọc")
        DISTRICT = "district", _("Huyện, thị xã, thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã, phường, đặc khu")

    # The portal's stable code. For provinces and districts it is the statistics-office code
    # ("49"); a code the office re-used for a unit formed on 1/7/2025 gets a suffix ("48-2025").
    code = models.CharField(_("mã"), max_length=32, unique=True)
    gso_code = models.CharField(_("mã thống kê"), max_length=10, blank=True, db_index=True)
    name = models.CharField(_("tên chính thức"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("vùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=40, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_from_before_valid_to",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class Succession(models.Model):
    """Links a unit that ended or changed to the unit that took its place."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        ABOLISH = "abolish", _("Giải thể cấp hành chính")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị mới"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    old_name = models.CharField(_("tên cũ"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "predecessor__code"]
        verbose_name = _("thay đổi đơn vị")
        verbose_name_plural = _("thay đổi đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "kind", "date"], name="succession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor or '—'} ({self.date:%d/%m/%Y})"


class UnitAlias(models.Model):
    """A way publications write a unit's name ("TP.HCM", "BRVT", "TT-Huế")."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("cách viết"), max_length=200)
    normalized = models.CharField(_("dạng chuẩn hóa"), max_length=200, db_index=True)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("tên gọi khác")
        verbose_name_plural = _("tên gọi khác")
        constraints = [
            models.UniqueConstraint(fields=["unit", "normalized"], name="unit_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit.code}"


class Membership(models.Model):
    """A person's role in the portal and, for department heads, the unit they answer for."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        OFFICIAL = "official", _("Lãnh đạo, chuyên viên theo dõi")
        DEPARTMENT_HEAD = "department_head", _("Thủ trưởng đơn vị")
        REVIEWER = "reviewer", _("Thẩm định (Sở Nội vụ)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vai trò người dùng")
        verbose_name_plural = _("vai trò người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="department_head") | Q(unit__isnull=False),
                name="membership_head_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ProformaSetting(models.Model):
    """How a successor's pro-forma line for the years before it existed is estimated from its
    predecessors' published figures: their mean (the DTI's method for merged provinces), a mean
    weighted by figures the admin enters (population, enterprises), or not at all. A pro-forma
    figure is always derived, never published."""

    class Method(models.TextChoices):
        MEAN = "mean", _("Trung bình cộng các tỉnh cũ")
        WEIGHTED = "weighted", _("Trung bình có trọng số")
        NONE = "none", _("Không ước tính")

    successor = models.OneToOneField(
        Unit, verbose_name=_("đơn vị mới"), on_delete=models.CASCADE, related_name="proforma"
    )
    method = models.CharField(
        _("phương pháp"), max_length=10, choices=Method.choices, default=Method.MEAN
    )
    weight_label = models.CharField(
        _("trọng số theo"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Dân số trung bình 2024 (nghìn người), Số doanh nghiệp đang hoạt động."),
    )
    source = models.CharField(_("nguồn trọng số"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cách ước tính chuỗi số trước hợp nhất")
        verbose_name_plural = _("cách ước tính chuỗi số trước hợp nhất")

    def __str__(self) -> str:
        return f"{self.successor} · {self.get_method_display()}"


class ProformaWeight(models.Model):
    """One predecessor's weight in its successor's weighted pro-forma mean."""

    setting = models.ForeignKey(ProformaSetting, on_delete=models.CASCADE, related_name="weights")
    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.CASCADE, related_name="+"
    )
    weight = models.DecimalField(_("trọng số"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trọng số đơn vị cũ")
        verbose_name_plural = _("trọng số đơn vị cũ")
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "predecessor"], name="proforma_weight_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="proforma_weight_positive",
                violation_error_message=_("Trọng số phải lớn hơn 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor}: {self.weight}"
