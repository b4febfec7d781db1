"""Reads for the index catalogue: indices, editions with coverage, trees, a unit's scores."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, When

from indices.figures import figure
from indices.models import (
    Basis,
    Component,
    EditionAnalysis,
    Index,
    IndexEdition,
    RankResult,
    RatingScheme,
    Score,
    Target,
)
from units.models import Unit


def indices_list() -> QuerySet[Index]:
    """Every index with its published editions' count and years: the national indices first,
    then the province's own, each in catalogue order."""
    published = Q(editions__status="published")
    return Index.objects.annotate(
        edition_count=Count("editions", filter=published),
        first_year=Min("editions__year", filter=published),
        last_year=Max("editions__year", filter=published),
        national_first=Case(When(kind=Index.Kind.NATIONAL, then=0), default=1),
    ).order_by("national_first", "order", "code")


@dataclass
class EditionCoverage:
    edition: IndexEdition
    units_with_value: int = 0
    not_published: int = 0
    not_available: int = 0
    values: int = 0
    demo_values: int = 0


def editions_with_coverage(*, index: Index) -> list[EditionCoverage]:
    """One row per edition with how many units have a total, and how many totals are not
    published / not available (two queries)."""
    editions = list(index.editions.order_by("year"))
    coverage = {edition.pk: EditionCoverage(edition=edition) for edition in editions}
    counts = (
        Score.objects.filter(edition__index=index)
        .values("edition_id")
        .annotate(
            with_value=Count("id", filter=Q(component__isnull=True, state="value")),
            not_published=Count("id", filter=Q(component__isnull=True, state="not_published")),
            not_available=Count("id", filter=Q(component__isnull=True, state="not_available")),
            values=Count("id", filter=Q(state="value")),
            demo=Count("id", filter=Q(state="value", basis="illustrative")),
        )
    )
    for row in counts:
        item = coverage[row["edition_id"]]
        item.units_with_value = row["with_value"]
        item.not_published = row["not_published"]
        item.not_available = row["not_available"]
        item.values = row["values"]
        item.demo_values = row["demo"]
    return list(coverage.values())


@dataclass
class TreeNode:
    component: Component
    children: list[TreeNode] = field(default_factory=list)


def component_tree(*, edition: IndexEdition) -> list[TreeNode]:
    """The edition's components as a tree, in one query."""
    nodes = {c.pk: TreeNode(c) for c in edition.components.order_by("order", "code")}
    roots = []
    for node in nodes.values():
        parent_id = node.component.parent_id
        if parent_id and parent_id in nodes:
            nodes[parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def printed_basis(score: Score) -> str:
    """The basis of what a table prints beside a score (its rank, its group): the score's own
    when that is illustrative or internal, published otherwise."""
    if score.basis in (Basis.ILLUSTRATIVE, Basis.INTERNAL):
        return score.basis
    return Basis.PUBLISHED


@dataclass
class ScoreCell:
    year: int
    edition: IndexEdition
    score: Score | None
    breaks_comparability: bool
    # The unit's group in the edition: as published (PCI), or as the portal computes it from
    # thresholds or quartiles (PAR, PAPI), with the basis of whichever it is.
    group: str = ""
    group_basis: str = ""

    @property
    def label(self) -> str:
        return figure(self.score.value, self.edition.decimals) if self.score else ""

    @property
    def rank(self) -> int | None:
        return self.score.published_rank if self.score else None

    @property
    def rank_basis(self) -> str:
        """A rank is as good as the score it ranks: the "published" rank of an illustrative
        score is illustrative, of a province's own assessment internal."""
        return printed_basis(self.score) if self.score else ""


@dataclass
class UnitIndexSeries:
    index: Index
    cells: list[ScoreCell]

    @property
    def groups_computed(self) -> bool:
        """Whether the portal computes the groups (thresholds, quartiles) rather than copying
        the publisher's."""
        scheme = getattr(self.index, "rating_scheme", None)
        return scheme is not None and scheme.method != RatingScheme.Method.PUBLISHED

    @property
    def has_groups(self) -> bool:
        return any(cell.group for cell in self.cells)

    @property
    def has_ranks(self) -> bool:
        return any(cell.rank for cell in self.cells)


def unit_scores_by_index(*, unit: Unit) -> list[UnitIndexSeries]:
    """A unit's totals by index and year, every edition of the indices that score its level
    listed (so a not-run year or a gap shows as such), with its group in each edition: the
    published one, or the one the current analytics computed (three queries)."""
    scores = {
        s.edition_id: s
        for s in Score.objects.filter(unit=unit, component__isnull=True).only(
            "edition_id",
            "state",
            "value",
            "decimals",
            "published_rank",
            "published_group",
            "basis",
        )
    }
    # The current generation's runs first, so the read uses the (unit, run) index rather than a
    # join through every edition's pointer (seconds on a national-scale result table).
    current = dict(
        EditionAnalysis.objects.filter(run__isnull=False).values_list("edition_id", "run_id")
    )
    computed = {
        r.edition_id: (r.group or r.published_group, r.group_basis)
        for r in RankResult.objects.filter(
            unit=unit, component_code="", run_id__in=set(current.values())
        ).only("edition_id", "run_id", "group", "published_group", "group_basis")
        if current.get(r.edition_id) == r.run_id
    }
    editions = IndexEdition.objects.select_related("index", "index__rating_scheme").order_by(
        "index__order", "year"
    )
    series: dict[int, UnitIndexSeries] = {}
    edition_ids_with_scores = set(scores)
    indices_with_scores = {
        e.index_id for e in editions if e.pk in edition_ids_with_scores
    }  # only indices that ever scored this unit
    for edition in editions:
        if edition.index_id not in indices_with_scores:
            continue
        entry = series.setdefault(edition.index_id, UnitIndexSeries(index=edition.index, cells=[]))
        score = scores.get(edition.pk)
        if score is not None:
            score.edition = edition  # its precision and basis are read with it
        group, group_basis = computed.get(edition.pk, ("", ""))
        if not group and score is not None and score.published_group:
            # Not analysed (yet): the group as published, as good as its score.
            group = score.published_group
            group_basis = printed_basis(score)
        entry.cells.append(
            ScoreCell(
                year=edition.year,
                edition=edition,
                score=score,
                breaks_comparability=edition.breaks_comparability,
                group=group,
                group_basis=group_basis if group else "",
            )
        )
    return list(series.values())


def edition_league(*, edition: IndexEdition) -> list[dict[str, object]]:
    """Totals of every unit in an edition with its published rank (for the catalogue page)."""
    rows = (
        Score.objects.filter(edition=edition, component__isnull=True)
        .select_related("unit", "unit__region", "edition")
        .order_by(
            F("published_rank").asc(nulls_last=True), F("value").desc(nulls_last=True), "unit__name"
        )
    )
    return [
        {
            "unit": score.unit,
            "score": score,
            "printed_basis": printed_basis(score),  # of the rank and group printed beside it
        }
        for score in rows
    ]


def unit_targets(*, unit: Unit) -> QuerySet[Target]:
    return Target.objects.filter(unit=unit).select_related("index").prefetch_related("milestones")


def target_history(*, target: Target) -> list[dict[str, object]]:
    """Every saved version of a target, newest first, with what changed (who, when, old, new)."""
    records = list(target.history.select_related("history_user").order_by("-history_date"))
    tracked = [
        "kind",
        "target_value",
        "target_rank",
        "target_group",
        "baseline_year",
        "baseline_value",
        "target_year",
        "component_code",
        "source",
        "note",
    ]
    labels = {field.name: field.verbose_name for field in Target._meta.concrete_fields}
    result = []
    for position, record in enumerate(records):
        previous = records[position + 1] if position + 1 < len(records) else None
        changes = []
        for name in tracked:
            new = getattr(record, name)
            old = getattr(previous, name) if previous else None
            if previous is None or old != new:
                changes.append(
                    {
                        "field": labels[name],
                        "old": "" if old is None else old,
                        "new": "" if new is None else new,
                    }
                )
        result.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.get_history_type_display(),
                "changes": changes,
            }
        )
    return result
