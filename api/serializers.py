"""What the API returns: stable snake_case fields, ISO dates, and every figure as a string
rounded half-up at its edition's published precision (`indices.figures.rounded`), with its
basis beside it. Serializers only shape: the figures come from the selectors."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indices.figures import rounded
from indices.models import Basis, Level, TargetResult
from reports.models import QuarterlyReport, TaskProgress
from units.models import Succession, Unit

FIGURE_SCHEMA = {
    "type": "string",
    "nullable": True,
    "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
    "description": "Số thập phân dạng chuỗi, làm tròn nửa lên theo số chữ số kỳ công bố in ra.",
    "example": "66.24",
}
BASIS_CHOICES = [("", "—"), *Basis.choices]


def figure_text(value: Decimal | float | int | None, decimals: int) -> str | None:
    """A figure as the API prints it: half-up at `decimals` places, "0.00" never "-0.00"."""
    number = rounded(value, decimals)
    if number is None:
        return None
    return str(abs(number) if number == 0 else number)


def edition_decimals(obj: Any) -> int:
    return int(obj.edition.decimals)


@extend_schema_field(FIGURE_SCHEMA)
class FigureField(serializers.Field):
    """A number at the precision `decimals(obj)` gives (the edition's, by default)."""

    def __init__(self, *, decimals: Callable[[Any], int] = edition_decimals, **kwargs: Any):
        kwargs["read_only"] = True
        self.decimals = decimals
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return (super().get_attribute(instance), self.decimals(instance))

    def to_representation(self, value: Any) -> str | None:
        number, decimals = value
        return figure_text(number, decimals)


class BasisField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", _("published / derived / internal / illustrative"))
        super().__init__(choices=BASIS_CHOICES, read_only=True, **kwargs)


class RegionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class UnitSerializer(serializers.Serializer[Unit]):
    code = serializers.CharField()
    gso_code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)
    region = RegionSerializer(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class SuccessionSerializer(serializers.Serializer[Succession]):
    kind = serializers.ChoiceField(choices=Succession.Kind.choices)
    date = serializers.DateField()
    predecessor_code = serializers.CharField(source="predecessor.code")
    predecessor_name = serializers.CharField(source="predecessor.name")
    successor_code = serializers.CharField(source="successor.code", default=None, allow_null=True)
    successor_name = serializers.CharField(source="successor.name", default=None, allow_null=True)
    old_name = serializers.CharField()
    legal_basis = serializers.CharField()


class UnitDetailSerializer(UnitSerializer):
    predecessors = SuccessionSerializer(many=True, source="succession_history.predecessors")
    successors = SuccessionSerializer(many=True, source="succession_history.successors")
    renames = SuccessionSerializer(many=True, source="succession_history.renames")


class IndexSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    short_name = serializers.CharField()
    publisher = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    publishes_ranks = serializers.BooleanField()
    edition_count = serializers.IntegerField()
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)


def _own_decimals(obj: Any) -> int:
    return int(obj.decimals)


class EditionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    index = serializers.CharField(source="index.code")
    year = serializers.IntegerField()
    status = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    methodology_version = serializers.CharField()
    breaks_comparability = serializers.BooleanField()
    reference_date = serializers.DateField(allow_null=True)
    scale = serializers.CharField()
    total_min = FigureField(decimals=_own_decimals)
    total_max = FigureField(decimals=_own_decimals)
    decimals = serializers.IntegerField(help_text=_("Số chữ số thập phân khi công bố."))
    published_top_n = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()


class ComponentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    index = serializers.CharField(source="edition.index.code")
    year = serializers.IntegerField(source="edition.year")
    code = serializers.CharField()
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)
    name = serializers.CharField()
    name_en = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    order = serializers.IntegerField()


class ScoreSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    index = serializers.CharField(source="edition.index.code")
    year = serializers.IntegerField(source="edition.year")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    region = serializers.CharField(source="unit.region.code", default=None, allow_null=True)
    component_code = serializers.CharField(source="component.code", default="")
    state = serializers.CharField()
    value = FigureField()
    basis = BasisField()
    published_rank = serializers.IntegerField(allow_null=True)
    published_group = serializers.CharField()
    source = serializers.CharField()


def _result_decimals(obj: Any) -> int:
    return int(obj.decimals)


class ResultSerializer(serializers.Serializer[Any]):
    """One unit on one component (or the total, `component_code` "") of one edition."""

    index = serializers.CharField(source="edition.index.code")
    year = serializers.IntegerField(source="edition.year")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    region = serializers.CharField(source="region.code", default=None, allow_null=True)
    component_code = serializers.CharField()
    state = serializers.CharField()
    value = FigureField(decimals=_result_decimals)
    basis = BasisField(help_text=_("Cơ sở của giá trị."))
    rank = serializers.IntegerField(allow_null=True)
    display_rank = serializers.IntegerField(allow_null=True)
    published_rank = serializers.IntegerField(allow_null=True)
    rank_basis = BasisField(help_text=_("Cơ sở của thứ hạng hiển thị."))
    region_rank = serializers.IntegerField(allow_null=True)
    peer_count = serializers.IntegerField()
    group = serializers.CharField()
    group_basis = BasisField()
    percentile = FigureField(decimals=_result_decimals)
    leader_value = FigureField(decimals=_result_decimals)
    leader_basis = BasisField()
    mean_value = FigureField(decimals=_result_decimals)
    median_value = FigureField(decimals=_result_decimals)
    region_best = FigureField(decimals=_result_decimals)
    region_best_basis = BasisField()
    gap_to_leader = FigureField(decimals=_result_decimals)
    gap_to_mean = FigureField(decimals=_result_decimals)
    gap_to_median = FigureField(decimals=_result_decimals)
    gap_to_region_best = FigureField(decimals=_result_decimals)
    analysis_basis = BasisField(
        help_text=_("Cơ sở của mọi số tính trên các đơn vị: trung bình, khoảng cách, ưu tiên.")
    )
    score_change = FigureField(decimals=_result_decimals)
    rank_change = serializers.IntegerField(allow_null=True)
    change_note = serializers.CharField()
    cost = FigureField(decimals=_result_decimals)
    cost_share = FigureField(decimals=_result_decimals)
    priority = serializers.IntegerField(allow_null=True)
    rank_if_median = serializers.IntegerField(allow_null=True)
    rank_if_leader = serializers.IntegerField(allow_null=True)


class MilestoneSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    value = FigureField(decimals=lambda m: int(m.target.api_decimals))
    rank = serializers.IntegerField(allow_null=True)


def _target_decimals(obj: Any) -> int:
    return int(obj.api_decimals)


class TargetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    unit_code = serializers.CharField(source="unit.code")
    index = serializers.CharField(source="index.code")
    component_code = serializers.CharField()
    kind = serializers.CharField()
    target_value = FigureField(decimals=_target_decimals)
    target_rank = serializers.IntegerField(allow_null=True)
    target_group = serializers.CharField()
    period_start = serializers.IntegerField()
    period_end = serializers.IntegerField()
    baseline_year = serializers.IntegerField()
    baseline_value = FigureField(decimals=_target_decimals)
    baseline_rank = serializers.IntegerField(allow_null=True)
    target_year = serializers.IntegerField()
    source = serializers.CharField()
    is_illustrative = serializers.BooleanField(source="is_demo")
    milestones = MilestoneSerializer(many=True, source="milestone_list")


def _status_decimals(obj: Any) -> int:
    """A rank target's figures are places (whole numbers); a score target's, points."""
    return 0 if obj.target.kind == obj.target.Kind.RANK else int(obj.edition.decimals)


class TargetStatusSerializer(serializers.Serializer[Any]):
    target_id = serializers.IntegerField()
    index = serializers.CharField(source="edition.index.code")
    year = serializers.IntegerField(source="edition.year")
    unit_code = serializers.CharField(source="target.unit.code")
    component_code = serializers.CharField(source="target.component_code")
    kind = serializers.CharField(source="target.kind")
    status = serializers.ChoiceField(choices=TargetResult.Status.choices)
    current = FigureField(decimals=_status_decimals)
    gap = FigureField(decimals=_status_decimals)
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline = FigureField(decimals=_status_decimals)
    rebaselined = serializers.BooleanField()
    # The score that reaches the target (a rank target's too): points, at the edition's
    # precision.
    points_needed = FigureField(decimals=lambda obj: int(obj.edition.decimals))
    basis = BasisField()


class ProgressSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    year = serializers.IntegerField(source="window.year")
    quarter = serializers.IntegerField(source="window.quarter")
    opens_on = serializers.DateField(source="window.opens_on")
    deadline = serializers.DateField(source="window.deadline")
    status = serializers.ChoiceField(choices=QuarterlyReport.Status.choices)
    late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    percent_complete = serializers.IntegerField(
        source="mean_percent", help_text=_("Mức hoàn thành trung bình của các nhiệm vụ (%).")
    )
    task_count = serializers.IntegerField()
    tasks_not_started = serializers.IntegerField()
    tasks_in_progress = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    tasks_late = serializers.IntegerField()
    is_illustrative = serializers.BooleanField(source="is_demo")


class TaskProgressSerializer(serializers.Serializer[Any]):
    task_code = serializers.CharField(source="task.code")
    task_title = serializers.CharField(source="task.title")
    status = serializers.ChoiceField(choices=TaskProgress.Status.choices)
    percent_complete = serializers.IntegerField()
    aims = serializers.ListField(child=serializers.CharField())


INDICATOR_DECIMALS = 2


class IndicatorValueSerializer(serializers.Serializer[Any]):
    indicator_id = serializers.IntegerField()
    name = serializers.CharField()
    unit_of_measure = serializers.CharField()
    # Two decimals, as the report pages show them.
    value = FigureField(decimals=lambda _obj: INDICATOR_DECIMALS, allow_null=True)
    target = FigureField(decimals=lambda _obj: INDICATOR_DECIMALS, allow_null=True)


class ProgressDetailSerializer(ProgressSerializer):
    tasks = TaskProgressSerializer(many=True)
    indicators = IndicatorValueSerializer(many=True)


class CompletenessRowSerializer(serializers.Serializer[Any]):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    state = serializers.ChoiceField(
        choices=[("not_started", _("Chưa bắt đầu")), *QuarterlyReport.Status.choices]
    )
    late = serializers.BooleanField()
    percent_complete = serializers.IntegerField(source="percent")


class CompletenessSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(source="window.year")
    quarter = serializers.IntegerField(source="window.quarter")
    opens_on = serializers.DateField(source="window.opens_on")
    deadline = serializers.DateField(source="window.deadline")
    units = CompletenessRowSerializer(many=True)
