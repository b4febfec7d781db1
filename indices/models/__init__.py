"""Indices, their yearly editions and component trees, published scores, rating schemes,
targets, the import batches scores come from, and the analysis computed from them.

One module per part of the domain; everything is importable from `indices.models`."""

from indices.models.analysis import (
    AnalysisRun,
    AnalyticsGeneration,
    ComponentFigures,
    EditionAnalysis,
    RankResult,
    RegionFigures,
    TargetResult,
)
from indices.models.catalogue import (
    LEVEL_UNIT_KINDS,
    Basis,
    Component,
    Index,
    IndexEdition,
    Level,
    RatingBand,
    RatingScheme,
    basis_combine,
)
from indices.models.scores import ImportBatch, Score
from indices.models.targets import Period, Target, TargetMilestone

__all__ = [
    "LEVEL_UNIT_KINDS",
    "AnalysisRun",
    "AnalyticsGeneration",
    "Basis",
    "Component",
    "ComponentFigures",
    "EditionAnalysis",
    "ImportBatch",
    "Index",
    "IndexEdition",
    "Level",
    "Period",
    "RankResult",
    "RatingBand",
    "RatingScheme",
    "RegionFigures",
    "Score",
    "Target",
    "TargetMilestone",
    "TargetResult",
    "basis_combine",
]
