"""What `make loadtest` checks after (and while) the load runs, as functions of plain data so
they can be tested without a server: percentiles, the generation a page shows, and the
invariants over reports, imports and analysis runs."""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


# One page, one generation ------------------------------------------------------------------------

_LEAGUE_RE = re.compile(r'<table[^>]*id="internal-league".*?</table>', re.S)
_LINK_RE = re.compile(r'<a href="/don-vi/[^"]*">(.*?)</a>', re.S)
_HEAT_RE = re.compile(r'<script id="heat-data" type="application/json">(.*?)</script>', re.S)


def internal_page_orders(page: str) -> tuple[list[str], list[str]] | None:
    """The internal league page's unit order twice: as its table lists it (a fragment cached
    under the generation) and as its heat map lists it (built per request from the cached
    league data). None when the page has neither (not that page)."""
    table = _LEAGUE_RE.search(page)
    heat = _HEAT_RE.search(page)
    if not table or not heat:
        return None
    in_table = [html.unescape(name).strip() for name in _LINK_RE.findall(table.group(0))]
    figure = json.loads(heat.group(1))
    in_chart = [str(name).strip() for name in figure["data"][0]["y"]]
    if not in_table:
        return None  # an empty league (before the first rebuild) tells nothing
    return in_table, in_chart


def page_mixes_generations(page: str) -> bool | None:
    """True when the table and the chart of one internal league response show different unit
    orders: they were read from different generations (the load test's two import versions
    swap the two leading units). None when the page cannot tell."""
    orders = internal_page_orders(page)
    if orders is None:
        return None
    return orders[0] != orders[1]


# Reports ----------------------------------------------------------------------------------------


@dataclass
class SubmittedReport:
    """What a department head's browser saw: a report it saved with files and submitted."""

    report_id: int
    unit_id: int
    window_id: int
    files_uploaded: int


@dataclass
class StoredReport:
    report_id: int
    unit_id: int
    window_id: int
    status: str
    evidence: int
    times_submitted: int  # history rows that moved the report into "submitted"
    # Rows of its tasks, values or files written after it was submitted (it is locked then).
    changed_after_submit: int = 0


def check_reports(
    submitted: Iterable[SubmittedReport], stored: Iterable[StoredReport]
) -> list[Check]:
    """Every report the heads submitted is stored once, submitted once, with each file they
    uploaded stored once; and nothing was submitted that no head submitted."""
    seen = list(submitted)
    rows = list(stored)
    by_id = {r.report_id: r for r in rows}
    keys = Counter((r.unit_id, r.window_id) for r in rows)
    duplicates = [key for key, n in keys.items() if n > 1]
    missing = [s.report_id for s in seen if by_id.get(s.report_id) is None]
    not_submitted = [
        s.report_id
        for s in seen
        if s.report_id in by_id and by_id[s.report_id].status != "submitted"
    ]
    twice = [r.report_id for r in rows if r.times_submitted > 1]
    files = [
        (s.report_id, s.files_uploaded, by_id[s.report_id].evidence)
        for s in seen
        if s.report_id in by_id and by_id[s.report_id].evidence != s.files_uploaded
    ]
    changed = [(r.report_id, r.changed_after_submit) for r in rows if r.changed_after_submit]
    ours = {s.report_id for s in seen}
    unexpected = [r.report_id for r in rows if r.status == "submitted" and r.report_id not in ours]
    return [
        Check(
            "reports_stored_once",
            not duplicates and not missing,
            f"{len(seen)} submitted; duplicates {duplicates[:5]}, missing {missing[:5]}",
        ),
        Check(
            "reports_submitted_once",
            not not_submitted and not twice and not unexpected,
            f"not submitted {not_submitted[:5]}, submitted twice {twice[:5]}, "
            f"submitted by nobody {unexpected[:5]}",
        ),
        Check(
            "reports_locked_once_submitted",
            not changed,
            f"(report, rows written after its submission): {changed[:5]}",
        ),
        Check(
            "evidence_stored_once",
            not files,
            f"(report, uploaded, stored) that differ: {files[:5]}",
        ),
    ]


# Imports -----------------------------------------------------------------------------------------


@dataclass
class Import:
    """What the admin's browser saw: the batch its upload created and whether it committed."""

    batch_id: int
    committed: bool


@dataclass
class StoredRun:
    run_id: int
    batch_id: int | None
    status: str
    rows_written: int


@dataclass
class ImportState:
    batches: list[int]  # batches created during the run
    statuses: dict[int, str]  # their status at the end
    runs: list[StoredRun]  # runs created during the run
    pointer_run: int | None  # the run the imported edition's readers use at the end
    generation_delta: int


def check_imports(imports: Sequence[Import], state: ImportState) -> list[Check]:
    """Every import made one batch and one run that finished, and readers end on the last."""
    made = [i.batch_id for i in imports]
    extra_batches = sorted(set(state.batches) - set(made))
    # Each import but the last is superseded by the next one.
    uncommitted = [
        i.batch_id
        for i in imports
        if not i.committed or state.statuses.get(i.batch_id) not in ("committed", "superseded")
    ]
    per_batch = Counter(r.batch_id for r in state.runs if r.batch_id is not None)
    not_one = {b: per_batch.get(b, 0) for b in made if per_batch.get(b, 0) != 1}
    unfinished = [
        r.run_id for r in state.runs if r.batch_id in set(made) and r.status != "succeeded"
    ]
    last_run = next((r.run_id for r in state.runs if made and r.batch_id == made[-1]), None)
    return [
        Check(
            "imports_one_batch_each",
            bool(made) and not extra_batches and not uncommitted and len(set(made)) == len(made),
            f"{len(made)} imports; batches nobody made {extra_batches[:5]}, "
            f"not committed {uncommitted[:5]}",
        ),
        Check(
            "imports_one_finished_generation_each",
            not not_one and not unfinished and state.generation_delta >= len(made),
            f"runs per batch not 1: {not_one}; unfinished {unfinished[:5]}; "
            f"generation +{state.generation_delta}",
        ),
        Check(
            "readers_on_last_import",
            last_run is not None and state.pointer_run == last_run,
            f"edition served by run {state.pointer_run}, last import's run {last_run}",
        ),
    ]


# Generations -------------------------------------------------------------------------------------


@dataclass
class GenerationWatch:
    """What the database watcher and the page checks saw while the load ran."""

    samples: int = 0
    # Snapshots in which the imported edition's result rows came from more than one run, or
    # from a run other than the one its pointer names.
    mixed_samples: list[str] = field(default_factory=list)
    pages_checked: int = 0
    pages_mixed: int = 0


def check_generations(watch: GenerationWatch) -> list[Check]:
    return [
        Check(
            "db_one_generation_at_a_time",
            watch.samples > 0 and not watch.mixed_samples,
            f"{watch.samples} snapshots, {len(watch.mixed_samples)} with two generations "
            f"{watch.mixed_samples[:3]}",
        ),
        Check(
            "no_response_mixed_generations",
            watch.pages_checked > 0 and watch.pages_mixed == 0,
            f"{watch.pages_checked} league pages compared table to chart, "
            f"{watch.pages_mixed} disagreed",
        ),
    ]


def check_no_server_errors(statuses: Iterable[int]) -> Check:
    counts = Counter(statuses)
    server = {s: n for s, n in counts.items() if s >= 500 or s == 0}
    return Check(
        "no_server_errors",
        not server,
        f"5xx or no response: {server or 'none'}",
    )
