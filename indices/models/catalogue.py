"""The catalogue: indices, their yearly editions and component trees, rating schemes and bands,
and the basis every figure carries."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Unit


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố (toàn quốc)")
    DEPARTMENT = "department", _("Sở, ban, ngành trong tỉnh")
    DISTRICT = "district", _("Cấp huyện trong tỉnh")
    COMMUNE = "commune", _("Cấp xã trong tỉnh")


# Which unit kinds an edition of each level ranks.
LEVEL_UNIT_KINDS: dict[str, list[str]] = {
    Level.PROVINCE: [Unit.Kind.PROVINCE],
    Level.DEPARTMENT: [Unit.Kind.DEPARTMENT, Unit.Kind.CENTRAL_AGENCY],
    Level.DISTRICT: [Unit.Kind.DISTRICT],
    Level.COMMUNE: [Unit.Kind.COMMUNE],
}


class Basis(models.TextChoices):
    """Where a figure comes from. A figure computed from several inputs takes the weakest basis
    among them (see `basis_combine`): anything touched by an illustrative input is illustrative."""

    PUBLISHED = "published", _("Công bố")
    DERIVED = "derived", _("Tính từ số công bố")
    INTERNAL = "internal", _("Đánh giá nội bộ")
    ILLUSTRATIVE = "illustrative", _("Minh họa")


def basis_combine(*bases: str) -> str:
    """The basis of a figure computed from figures of the given bases."""
    present = {b for b in bases if b}
    if Basis.ILLUSTRATIVE in present:
        return Basis.ILLUSTRATIVE
    if present and present <= {Basis.INTERNAL}:
        return Basis.INTERNAL
    return Basis.DERIVED


class Index(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("Chỉ số quốc gia")
        INTERNAL = "internal", _("Chỉ số nội bộ của tỉnh")

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    short_name = models.CharField(_("tên ngắn"), max_length=40)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("mô tả"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    publishes_ranks = models.BooleanField(
        _("cơ quan công bố xếp hạng"),
        default=True,
        help_text=_("PAPI không công bố thứ hạng: thứ tự của cổng được ghi là số tính toán."),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")

    def __str__(self) -> str:
        return self.short_name


class IndexEdition(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Đã công bố")
        NOT_RUN = "not_run", _("Không tổ chức đánh giá")
        PLANNED = "planned", _("Chưa công bố")

    class Scale(models.TextChoices):
        PERCENT = "percent", _("Phần trăm so với điểm tối đa (0–100)")
        DIMENSION_SUM = "dimension_sum", _("Mỗi nội dung 1–10, tổng = cộng các nội dung")
        WEIGHTED_100 = "weighted_100", _("Mỗi chỉ số thành phần 1–10, tổng có trọng số trên 100")
        UNIT_INTERVAL = "unit_interval", _("Chỉ số tổng hợp 0–1")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng các thành phần")
        WEIGHTED_SUM = "weighted_sum", _("Tổng có trọng số")
        PERCENT_OF_MAX = "percent_of_max", _("Tỷ lệ % điểm đạt trên điểm tối đa")
        PUBLISHED_ONLY = "published_only", _("Lấy theo số công bố")

    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="editions")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    level = models.CharField(_("cấp xếp hạng"), max_length=12, choices=Level.choices)
    methodology_version = models.CharField(_("phiên bản phương pháp"), max_length=100)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    scale = models.CharField(_("thang điểm"), max_length=16, choices=Scale.choices)
    total_min = models.DecimalField(_("tổng tối thiểu"), max_digits=8, decimal_places=4)
    total_max = models.DecimalField(_("tổng tối đa"), max_digits=8, decimal_places=4)
    component_min = models.DecimalField(
        _("thành phần tối thiểu"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    component_max = models.DecimalField(
        _("thành phần tối đa"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    aggregation = models.CharField(_("cách tính tổng"), max_length=16, choices=Aggregation.choices)
    aggregation_confirmed = models.BooleanField(
        _("công thức tổng đã kiểm chứng"),
        default=False,
        help_text=_(
            "Chỉ khi đã kiểm chứng, tổng trong tệp nhập mới được đối chiếu với thành phần."
        ),
    )
    aggregation_tolerance = models.DecimalField(
        _("sai số cho phép"), max_digits=6, decimal_places=4, default=Decimal("0.05")
    )
    breaks_comparability = models.BooleanField(_("không so sánh được với kỳ trước"), default=False)
    break_note = models.CharField(_("ghi chú thay đổi phương pháp"), max_length=300, blank=True)
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    reference_date = models.DateField(
        _("ngày đối chiếu đơn vị"),
        help_text=_("Tên đơn vị trong tệp được đối chiếu với danh mục tại ngày này."),
    )
    published_top_n = models.PositiveSmallIntegerField(
        _("chỉ công bố nhóm đầu"), null=True, blank=True
    )
    decimals = models.PositiveSmallIntegerField(
        _("số chữ số thập phân khi công bố"),
        default=2,
        help_text=_("Mọi điểm, khoảng cách và trung bình của kỳ này được làm tròn như vậy."),
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    # The province's own scoring of its departments and districts is a draft, read by admins and
    # reviewers only, until the province decides to publish it to every portal user.
    published_internally = models.BooleanField(
        _("đã công bố nội bộ"),
        default=False,
        help_text=_(
            "Chỉ số nội bộ: khi tỉnh đã quyết định công bố, mọi người dùng cổng xem được kết quả; "
            "trước đó chỉ quản trị viên và thẩm định viên xem được."
        ),
    )
    # Bumped in the transaction that changes the edition's scores or targets; a rebuild records
    # the version it read, so an older result never replaces a newer one.
    data_version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["index__order", "year"]
        verbose_name = _("kỳ công bố")
        verbose_name_plural = _("kỳ công bố")
        constraints = [
            models.UniqueConstraint(fields=["index", "year"], name="edition_unique_year"),
            models.CheckConstraint(
                condition=Q(total_min__lt=models.F("total_max")), name="edition_total_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index.short_name} {self.year}"

    @property
    def has_scores(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Component(models.Model):
    """A node of an edition's tree: area → criterion → sub-criterion (any depth)."""

    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="components")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    weight = models.DecimalField(
        _("trọng số (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    aliases = models.CharField(
        _("tiêu đề cột khác"),
        max_length=500,
        blank=True,
        help_text=_("Các tiêu đề cột trong tệp công bố, cách nhau bởi dấu |"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "order", "code"]
        verbose_name = _("thành phần")
        verbose_name_plural = _("thành phần")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="component_unique_code"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0), name="component_weight_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class RatingScheme(models.Model):
    """How units are grouped: by % thresholds (PAR), quartiles (PAPI), as published (PCI tiers)
    or by thresholds an admin sets (internal bands)."""

    class Method(models.TextChoices):
        THRESHOLDS = "thresholds", _("Theo ngưỡng điểm")
        QUARTILES = "quartiles", _("Theo tứ phân vị")
        PUBLISHED = "published", _("Theo xếp loại công bố")

    index = models.OneToOneField(Index, on_delete=models.CASCADE, related_name="rating_scheme")
    method = models.CharField(_("cách xếp loại"), max_length=12, choices=Method.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cách xếp loại")
        verbose_name_plural = _("cách xếp loại")

    def __str__(self) -> str:
        return f"{self.index} · {self.get_method_display()}"


class RatingBand(models.Model):
    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="bands")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=60)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=60, blank=True)
    # Thresholds: lower bound (inclusive). Quartiles: 1 = best quartile. Published: order only.
    min_value = models.DecimalField(
        _("ngưỡng dưới"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự (1 = tốt nhất)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order"]
        verbose_name = _("nhóm xếp loại")
        verbose_name_plural = _("nhóm xếp loại")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="band_unique_code"),
            models.UniqueConstraint(fields=["scheme", "order"], name="band_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name
