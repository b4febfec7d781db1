"""Analysis runs and the generation readers are pointed at: each edition's result rows (ranks,
gaps, priorities) and target statuses, as one run computed them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indices.models.catalogue import Basis, Component, IndexEdition
from indices.models.scores import ImportBatch
from indices.models.targets import Target
from units.models import Unit


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
    # Units with a total in the edition, counted when the run's rows were written: readers
    # word a rank's base with it ("hạng 12/63") without counting scores on every page.
    covered = models.PositiveIntegerField(null=True, blank=True)

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
        verbose_name_plural = _("thế hệ kết quả")

    def __str__(self) -> str:
        return str(self.number)


class RankResult(models.Model):
    """One unit's score on one component (or the total) of one edition, as ranked by one run:
    its ranks, group, bases and change since the previous edition. Gaps, percentiles and
    priorities are derived when the row is read, from the run's `ComponentFigures` and
    `RegionFigures` (`indices.analytics.peers`); target status is `TargetResult`. Readers use
    only the run the edition points at."""

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
    region_rank = models.PositiveIntegerField(null=True)
    group = models.CharField(max_length=40, blank=True)
    published_rank = models.PositiveIntegerField(null=True)
    published_group = models.CharField(max_length=40, blank=True)
    display_rank = models.PositiveIntegerField(null=True)
    rank_mismatch = models.BooleanField(default=False)
    group_mismatch = models.BooleanField(default=False)
    score_change = models.FloatField(null=True)
    rank_change = models.IntegerField(null=True)
    change_note = models.CharField(max_length=20, blank=True)
    # Bases: of the value itself, of the rank shown, and of everything computed across peers
    # (mean, median, leader, gaps, percentile, priorities), which is illustrative as soon as one
    # peer's value is.
    basis = models.CharField(max_length=12, default=Basis.PUBLISHED)
    rank_basis = models.CharField(max_length=12, blank=True)
    analysis_basis = models.CharField(max_length=12, blank=True)
    group_basis = models.CharField(max_length=12, blank=True)
    # The weight of a top-level component in the index total, on the rows whose gap can be
    # priced (a real value of a weighted component, in an edition with totals); null elsewhere.
    weight = models.FloatField(null=True)
    # The run's figures across the component's peers, joined in the same read (no column).
    peers = models.ForeignObject(
        "ComponentFigures",
        on_delete=models.DO_NOTHING,
        from_fields=["run", "edition", "component_code"],
        to_fields=["run", "edition", "component_code"],
        related_name="+",
        null=True,
    )
    region_peers = models.ForeignObject(
        "RegionFigures",
        on_delete=models.DO_NOTHING,
        from_fields=["run", "edition", "component_code", "region"],
        to_fields=["run", "edition", "component_code", "region"],
        related_name="+",
        null=True,
    )

    # Figures across peers are not stored per row: `indices.analytics.peers.with_figures` sets
    # them on the rows a page reads, from the run's `PeerFigures` (leader, mean, median, best of
    # the region) and the unit's other rows (priorities, the rank closing a gap would reach).
    peer_count: int
    region_count: int
    percentile: float | None
    leader_value: float | None
    mean_value: float | None
    median_value: float | None
    region_best: float | None
    gap_to_leader: float | None
    gap_to_mean: float | None
    gap_to_median: float | None
    gap_to_region_best: float | None
    gap_to_region_mean: float | None
    # The leader's (and the region's best) own value keeps its own basis: a published 92,18 is
    # published even when an illustrative province sits lower in the table. A gap to it is
    # derived from the two values it compares.
    leader_basis: str
    region_best_basis: str
    # Points of the index total that closing the gap to the national (region) best would add,
    # and the national one as a percentage of the index's own scale.
    cost: float | None
    cost_region: float | None
    cost_share: float | None
    rank_if_median: int | None
    rank_if_leader: int | None
    priority: int | None

    class Meta:
        verbose_name = _("kết quả xếp hạng")
        verbose_name_plural = _("kết quả xếp hạng")
        # Two indexes, built in bulk when a run's partition is attached: the unique one serves
        # an edition's rows of a component (a league table), the other a unit's rows.
        indexes = [models.Index(fields=["unit", "run"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "edition", "component_code", "unit"], name="result_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.unit_id} {self.component_code or 'total'}"


class PeerFigures(models.Model):
    """One component's figures across the peers of one edition, as one run computed them:
    nationally (`ComponentFigures`) or within one region (`RegionFigures`). Result rows read
    their leader, mean, median, region's best and the gaps to them from here."""

    run = models.ForeignKey(
        AnalysisRun, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    edition = models.ForeignKey(
        IndexEdition, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    component_code = models.CharField(max_length=40, blank=True)
    # Unrounded (double precision): the gaps are computed from them and then stored to four
    # decimals, as when they were stored per row.
    count = models.PositiveIntegerField(default=0)
    best = models.FloatField(null=True)
    mean = models.FloatField(null=True)
    best_basis = models.CharField(max_length=12, blank=True)

    class Meta:
        abstract = True


class ComponentFigures(PeerFigures):
    """A component's figures across all its peers: count, leader, mean, median."""

    median = models.FloatField(null=True)
    # The component's weight in the index total (null when a gap on it is not priced), and on
    # the total's row the totals of every unit, ascending (the rank a unit would reach by closing
    # a gap is read off it).
    weight = models.FloatField(null=True)
    ladder = models.JSONField(null=True)
    # The width of the index's scale (its maximum minus its minimum): a gap's cost is also read
    # as a share of it.
    span = models.FloatField(default=1.0)

    class Meta:
        verbose_name = _("số liệu so sánh toàn quốc")
        verbose_name_plural = _("số liệu so sánh toàn quốc")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "edition", "component_code"], name="component_figures_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.component_code or 'total'}"


class RegionFigures(PeerFigures):
    """A component's figures across the peers of one region: count, best, mean."""

    region = models.ForeignKey(
        "units.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = _("số liệu so sánh trong vùng")
        verbose_name_plural = _("số liệu so sánh trong vùng")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "edition", "component_code", "region"],
                name="region_figures_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.component_code or 'total'} {self.region_id}"


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
