"""Indices, their yearly editions and component trees, published scores, rating schemes,
targets, and the import batches scores come from."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
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


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Đã xem trước")
        COMMITTED = "committed", _("Đã ghi")
        SUPERSEDED = "superseded", _("Đã được thay thế")
        FAILED = "failed", _("Lỗi")

    edition = models.ForeignKey(IndexEdition, on_delete=models.PROTECT, related_name="batches")
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/", blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    committed_at = models.DateTimeField(_("thời điểm ghi"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    units_matched = models.PositiveIntegerField(_("số đơn vị"), default=0)
    values = models.PositiveIntegerField(_("số giá trị"), default=0)
    mapping = models.JSONField(_("ánh xạ cột"), default=dict, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    source_note = models.CharField(_("nguồn"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.edition} · {self.original_name}"


class Score(models.Model):
    class State(models.TextChoices):
        VALUE = "value", _("Có giá trị")
        NOT_PUBLISHED = "not_published", _("Không công bố")
        NOT_AVAILABLE = "not_available", _("Không có dữ liệu")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="scores")
    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="scores")
    # Null component = the edition's total.
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="scores"
    )
    state = models.CharField(_("trạng thái"), max_length=14, choices=State.choices)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=4, null=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân công bố"), default=2)
    published_rank = models.PositiveSmallIntegerField(_("thứ hạng công bố"), null=True, blank=True)
    published_group = models.CharField(_("xếp loại công bố"), max_length=40, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores"
    )
    basis = models.CharField(
        _("cơ sở số liệu"), max_length=12, choices=Basis.choices, default=Basis.PUBLISHED
    )
    source = models.CharField(
        _("nguồn của dòng"),
        max_length=500,
        blank=True,
        help_text=_("Văn bản hoặc đường dẫn công bố, khi khác nguồn của lần nhập."),
    )

    class Meta:
        verbose_name = _("điểm số")
        verbose_name_plural = _("điểm số")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "edition", "component"],
                condition=Q(component__isnull=False),
                name="score_unique_component",
            ),
            models.UniqueConstraint(
                fields=["unit", "edition"],
                condition=Q(component__isnull=True),
                name="score_unique_total",
            ),
            models.CheckConstraint(
                condition=(Q(state="value") & Q(value__isnull=False))
                | (Q(state__in=["not_published", "not_available"]) & Q(value__isnull=True)),
                name="score_value_matches_state",
            ),
        ]
        indexes = [models.Index(fields=["edition", "component"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.edition} · {self.component or 'total'}"

    @property
    def is_illustrative(self) -> bool:
        return self.basis == Basis.ILLUSTRATIVE


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


class Target(models.Model):
    class Kind(models.TextChoices):
        SCORE = "score", _("Điểm số (≥)")
        RANK = "rank", _("Thứ hạng (≤)")
        GROUP = "group", _("Nhóm xếp loại (tối thiểu)")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="targets")
    component_code = models.CharField(
        _("mã thành phần"),
        max_length=40,
        blank=True,
        help_text=_("Để trống cho chỉ số tổng; ví dụ 3 = Tính minh bạch của PCI."),
    )
    kind = models.CharField(_("loại mục tiêu"), max_length=6, choices=Kind.choices)
    target_value = models.DecimalField(
        _("điểm mục tiêu"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    target_rank = models.PositiveSmallIntegerField(_("thứ hạng mục tiêu"), null=True, blank=True)
    target_group = models.CharField(_("nhóm mục tiêu"), max_length=20, blank=True)
    period_start = models.PositiveSmallIntegerField(_("từ năm"), default=2021)
    period_end = models.PositiveSmallIntegerField(_("đến năm"), default=2025)
    baseline_year = models.PositiveSmallIntegerField(_("năm cơ sở"))
    baseline_value = models.DecimalField(
        _("giá trị cơ sở"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    baseline_rank = models.PositiveSmallIntegerField(_("thứ hạng cơ sở"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("năm đạt mục tiêu"), default=2025)
    source = models.CharField(_("văn bản giao chỉ tiêu"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "index__order", "component_code"]
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "index", "component_code", "kind", "period_start"],
                name="target_unique",
            ),
            models.CheckConstraint(
                condition=(Q(kind="score") & Q(target_value__isnull=False))
                | (Q(kind="rank") & Q(target_rank__isnull=False))
                | (Q(kind="group") & ~Q(target_group="")),
                name="target_has_its_value",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="target_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.index} · {self.describe()}"

    def describe(self) -> str:
        what = f"[{self.component_code}] " if self.component_code else ""
        if self.kind == self.Kind.SCORE:
            return f"{what}≥ {self.target_value.normalize():f}" if self.target_value else what
        if self.kind == self.Kind.RANK:
            return f"{what}top {self.target_rank}"
        return f"{what}{self.target_group}"


class TargetMilestone(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("điểm"), max_digits=10, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("mốc mục tiêu")
        verbose_name_plural = _("mốc mục tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="milestone_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.rank if self.rank is not None else self.value}"


class AnalysisRun(models.Model):
    """One rebuild of rankings and gap analyses: what triggered it, how it went."""

    class Trigger(models.TextChoices):
        IMPORT = "import", _("Nhập dữ liệu")
        TARGET = "target", _("Thay đổi mục tiêu")
        SCHEDULE = "schedule", _("Định kỳ hằng đêm")
        ADMIN = "admin", _("Quản trị viên")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        SUCCEEDED = "succeeded", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    trigger = models.CharField(_("nguyên nhân"), max_length=10, choices=Trigger.choices)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    # Edition ids to rebuild; null = every edition.
    scope = models.JSONField(_("phạm vi"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    duration_s = models.FloatField(_("thời gian (giây)"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("số dòng kết quả"), default=0)
    editions_built = models.PositiveIntegerField(_("số kỳ đã tính"), default=0)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần tính toán phân tích")
        verbose_name_plural = _("lần tính toán phân tích")
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_trigger_display()} · {self.get_status_display()}"


class EditionAnalysis(models.Model):
    """Which run's results readers see for an edition, and who is building it now (the claim)."""

    edition = models.OneToOneField(IndexEdition, on_delete=models.CASCADE, related_name="analysis")
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_version = models.PositiveIntegerField(default=0)
    builder = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả phân tích hiện hành")
        verbose_name_plural = _("kết quả phân tích hiện hành")

    def __str__(self) -> str:
        return f"{self.edition} → run {self.run_id}"


class AnalyticsGeneration(models.Model):
    """A counter bumped whenever any edition switches to new results: cache keys carry it."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("thế hệ kết quả")

    def __str__(self) -> str:
        return str(self.number)


class RankResult(models.Model):
    """Ranks, gaps, target status and priority of one unit on one component (or the total) of
    one edition, as computed by one run. Readers use only the run the edition points at."""

    # Derived rows, millions of them, rebuilt from scores: no per-row foreign-key checks and no
    # single-column indexes (the composite ones below serve every read); Django still applies
    # on_delete when a run, edition, unit or component is deleted.
    run = models.ForeignKey(
        AnalysisRun,
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    edition = models.ForeignKey(
        IndexEdition,
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="results", db_constraint=False, db_index=False
    )
    component = models.ForeignKey(
        Component,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
    )
    component_code = models.CharField(max_length=40, blank=True)
    region = models.ForeignKey(
        "units.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    state = models.CharField(max_length=14)
    value = models.FloatField(null=True)
    decimals = models.PositiveSmallIntegerField(default=2)
    rank = models.PositiveIntegerField(null=True)
    peer_count = models.PositiveIntegerField(default=0)
    region_rank = models.PositiveIntegerField(null=True)
    region_count = models.PositiveIntegerField(default=0)
    percentile = models.FloatField(null=True)
    group = models.CharField(max_length=40, blank=True)
    published_rank = models.PositiveIntegerField(null=True)
    published_group = models.CharField(max_length=40, blank=True)
    display_rank = models.PositiveIntegerField(null=True)
    rank_mismatch = models.BooleanField(default=False)
    group_mismatch = models.BooleanField(default=False)
    leader_value = models.FloatField(null=True)
    mean_value = models.FloatField(null=True)
    median_value = models.FloatField(null=True)
    gap_to_leader = models.FloatField(null=True)
    gap_to_mean = models.FloatField(null=True)
    gap_to_median = models.FloatField(null=True)
    gap_to_region_best = models.FloatField(null=True)
    gap_to_region_mean = models.FloatField(null=True)
    score_change = models.FloatField(null=True)
    rank_change = models.IntegerField(null=True)
    change_note = models.CharField(max_length=20, blank=True)
    # Bases: of the value itself, of the rank shown, and of everything computed across peers
    # (mean, median, leader, gaps, percentile, priorities), which is illustrative as soon as one
    # peer's value is.
    basis = models.CharField(max_length=12, default=Basis.PUBLISHED)
    rank_basis = models.CharField(max_length=12, blank=True)
    analysis_basis = models.CharField(max_length=12, blank=True)
    # The leader's (and the region's best) own value keeps its own basis: a published 92,18 is
    # published even when an illustrative province sits lower in the table. A gap to it is
    # derived from the two values it compares.
    leader_basis = models.CharField(max_length=12, blank=True)
    region_best_basis = models.CharField(max_length=12, blank=True)
    group_basis = models.CharField(max_length=12, blank=True)
    region_best = models.FloatField(null=True)
    # Points of the index total that closing the gap to the national (region) best would add,
    # and the national one as a percentage of the index's own scale.
    cost = models.FloatField(null=True)
    cost_region = models.FloatField(null=True)
    cost_share = models.FloatField(null=True)
    rank_if_median = models.PositiveIntegerField(null=True)
    rank_if_leader = models.PositiveIntegerField(null=True)
    priority = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("kết quả xếp hạng")
        verbose_name_plural = _("kết quả xếp hạng")
        indexes = [
            models.Index(fields=["edition", "run", "component_code"]),
            models.Index(fields=["unit", "run"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "edition", "unit", "component_code"], name="result_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.unit_id} {self.component_code or 'total'}"


class TargetResult(models.Model):
    """The status of one target in one edition, as computed by one run."""

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Đã đạt")
        ON_TRACK = "on_track", _("Đúng tiến độ")
        AT_RISK = "at_risk", _("Có nguy cơ")
        OFF_TRACK = "off_track", _("Chậm tiến độ")
        NOT_HELD = "not_held", _("Không giữ được mức")
        NEW_BASELINE = "new_baseline", _("Mốc cơ sở mới")
        NO_DATA = "no_data", _("Chưa có dữ liệu")

    run = models.ForeignKey(
        AnalysisRun, on_delete=models.CASCADE, related_name="target_results", db_index=False
    )
    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(max_length=12, choices=Status.choices)
    # Current minus goal: score points, or places (positive = better than the goal).
    gap = models.FloatField(null=True)
    current = models.FloatField(null=True)
    baseline_year = models.PositiveSmallIntegerField(null=True)
    baseline = models.FloatField(null=True)
    rebaselined = models.BooleanField(default=False)
    points_needed = models.FloatField(null=True)
    basis = models.CharField(max_length=12, default=Basis.DERIVED)

    class Meta:
        verbose_name = _("tình trạng mục tiêu")
        verbose_name_plural = _("tình trạng mục tiêu")
        indexes = [models.Index(fields=["run", "edition"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "edition", "target"], name="target_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.edition.year}: {self.status}"
