"""`make bench`: speed and memory figures, printed as `BENCH <name> <value> <unit>`.

Runs on PostgreSQL (a scratch database `reform_portal_bench`, dropped and recreated). Each
measured step runs in its own process so its peak memory is its own. Comparisons are measured
side by side in the same run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from bench_common import (
    ANALYTICS_COMPONENTS,
    ANALYTICS_UNITS,
    ANALYTICS_YEARS,
    DB_NAME,
    IMPORT_COMPONENTS,
    IMPORT_EXPORT_SAMPLE,
    IMPORT_UNITS,
    ROOT,
    WORK,
    bench,
    django_setup,
    report,
    run_step,
)
from bench_dashboard import dashboard_bench, step_prepare_dashboard

# Steps (run in child processes) -----------------------------------------------------------------


def step_prepare() -> None:
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_index_definitions", verbosity=0)
    _synthetic_catalogue()
    print(json.dumps({"seconds": 0, "peak_mb": 0}))


def _synthetic_catalogue() -> None:
    import datetime as dt

    from indices.models import Component, Index, IndexEdition
    from units.models import Unit

    home = Unit.objects.get(code="49")
    units = [
        Unit(
            code=f"B{n:05d}",
            name=f"Xã thử nghiệm {n:05d}",
            kind=Unit.Kind.COMMUNE,
            parent=home,
            valid_to=dt.date(2030, 12, 31),
        )
        for n in range(ANALYTICS_UNITS)
    ]
    Unit.objects.bulk_create(units, batch_size=2000)
    index = Index.objects.create(
        code="BENCH", name="Chỉ số thử tải", short_name="BENCH", kind="internal", order=99
    )
    for year in range(2020, 2020 + ANALYTICS_YEARS):
        edition = IndexEdition.objects.create(
            index=index,
            year=year,
            level="commune",
            methodology_version="bench",
            scale="percent",
            total_min=0,
            total_max=100,
            component_min=0,
            component_max=100,
            aggregation="published_only",
            reference_date=dt.date(year, 12, 31),
        )
        Component.objects.bulk_create(
            Component(edition=edition, code=str(c), name=f"Tiêu chí {c}", order=c)
            for c in range(1, max(IMPORT_COMPONENTS, ANALYTICS_COMPONENTS) + 1)
        )


def step_write_import_file() -> None:
    from openpyxl import Workbook

    WORK.mkdir(exist_ok=True)
    path = WORK / "import_200k.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Long")
    sheet.append(["Đơn vị", "Chỉ số thành phần", "Giá trị"])
    import random

    rng = random.Random(7)
    for n in range(IMPORT_UNITS):
        name = f"Xã thử nghiệm {n:05d}"
        for c in range(1, IMPORT_COMPONENTS + 1):
            sheet.append([name, f"Tiêu chí {c}", round(rng.uniform(40, 100), 2)])
    book.save(path)
    print(json.dumps({"seconds": 0, "peak_mb": 0, "path": str(path)}))


def step_import_ours(path: str) -> None:
    django_setup()
    from django.core.management import call_command

    def go() -> None:
        call_command(
            "import_scores",
            path,
            "--index",
            "BENCH",
            "--year",
            "2024",
            stdout=io.StringIO(),
        )

    report(go)


def step_import_export(path: str, rows: str) -> None:
    """django-import-export loading the same rows (a leading sample) into the same table."""
    django_setup()
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from indices.models import Component, IndexEdition, Score
    from units.models import Unit

    edition = IndexEdition.objects.get(index__code="BENCH", year=2023)
    components = {c.name: c for c in Component.objects.filter(edition=edition)}

    class ComponentWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            return components[value]

    class ScoreResource(resources.ModelResource):
        unit = fields.Field(
            attribute="unit",
            column_name="unit",
            widget=widgets.ForeignKeyWidget(Unit, field="name"),
        )
        component = fields.Field(
            attribute="component", column_name="component", widget=ComponentWidget(Component)
        )

        class Meta:
            model = Score
            fields = ("unit", "component", "edition", "state", "value")
            import_id_fields = ("unit", "component", "edition")

    workbook = CalamineWorkbook.from_path(path)
    data = workbook.get_sheet_by_index(0).to_python()[1 : int(rows) + 1]
    dataset = tablib.Dataset(headers=["unit", "component", "edition", "state", "value"])
    for unit, component, value in data:
        dataset.append([unit, component, edition.pk, "value", value])

    def go() -> dict[str, int]:
        result = ScoreResource().import_data(dataset, dry_run=False, raise_errors=True)
        return {"rows": len(dataset), "errors": int(result.has_errors())}

    report(go)


def step_load_analytics_scores() -> None:
    """About 2 million scores through COPY: the national-scale dataset for the rebuild."""
    django_setup()
    import io
    import random

    from django.db import connection

    from indices.models import Component, IndexEdition
    from units.models import Unit

    rng = random.Random(11)
    unit_ids = list(Unit.objects.filter(code__startswith="B").values_list("pk", flat=True))
    buffer = io.StringIO()
    for edition in IndexEdition.objects.filter(index__code="BENCH").order_by("year"):
        comp_ids = list(
            Component.objects.filter(edition=edition)
            .order_by("order")
            .values_list("pk", flat=True)[:ANALYTICS_COMPONENTS]
        )
        for unit_id in unit_ids:
            values = [round(rng.uniform(40, 100), 2) for _ in comp_ids]
            buffer.write(
                f"{unit_id}\t{edition.pk}\t\\N\tvalue\t{sum(values) / len(values):.2f}\t2\t"
                "internal\t\t\n"
            )
            for comp_id, value in zip(comp_ids, values, strict=True):
                buffer.write(
                    f"{unit_id}\t{edition.pk}\t{comp_id}\tvalue\t{value:.2f}\t2\tinternal\t\t\n"
                )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM indices_score WHERE edition_id IN (SELECT id FROM "
            "indices_indexedition WHERE index_id = (SELECT id FROM indices_index "
            "WHERE code = 'BENCH'))"
        )
        cursor.copy_expert(
            "COPY indices_score (unit_id, edition_id, component_id, state, value, decimals, "
            "basis, published_group, source) FROM STDIN",
            buffer,
        )
        cursor.execute("ANALYZE indices_score")
        cursor.execute("SELECT count(*) FROM indices_score")
        count = cursor.fetchone()[0]
    print(json.dumps({"seconds": 0, "peak_mb": 0, "scores": count}))


def step_rebuild_full() -> None:
    django_setup()
    from indices.analytics.runs import analysis_rebuild
    from indices.models import IndexEdition

    ids = list(IndexEdition.objects.filter(index__code="BENCH").values_list("pk", flat=True))

    def go() -> dict[str, int]:
        run = analysis_rebuild(edition_ids=ids, trigger="admin")
        return {"rows": run.rows_written}

    report(go)


def step_rank_floor() -> None:
    """The floor: one INSERT … SELECT … RANK() OVER (PARTITION BY …) over the same scores."""
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rank_floor")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_rank_floor (edition_id bigint, unit_id bigint, "
            "component_id bigint, value numeric, rank bigint)"
        )

        def go() -> None:
            cursor.execute(
                "INSERT INTO bench_rank_floor SELECT s.edition_id, s.unit_id, s.component_id, "
                "s.value, RANK() OVER (PARTITION BY s.edition_id, s.component_id ORDER BY s.value "
                "DESC) FROM indices_score s JOIN indices_indexedition e ON e.id = s.edition_id "
                "JOIN indices_index i ON i.id = e.index_id WHERE i.code = 'BENCH' "
                "AND s.state = 'value'"
            )

        report(go)
        cursor.execute("DROP TABLE bench_rank_floor")


def step_rebuild_incremental() -> None:
    """After importing one edition of 63 provinces, rebuild only that edition."""
    django_setup()
    from django.core.management import call_command

    from indices.analytics.runs import analysis_run_execute
    from indices.models import AnalysisRun, IndexEdition

    path = ROOT / "tests" / "fixtures" / "papi_2020_transposed.xlsx"
    call_command(
        "import_scores",
        str(path),
        "--index",
        "PAPI",
        "--year",
        "2020",
        stdout=io.StringIO(),
    )
    edition = IndexEdition.objects.get(index__code="PAPI", year=2020)
    run = AnalysisRun.objects.filter(scope=[edition.pk], status="queued").latest("created_at")

    def go() -> None:
        analysis_run_execute(run_id=run.pk)

    report(go)


STEPS = {
    "prepare_dashboard": step_prepare_dashboard,
    "prepare": step_prepare,
    "write_import_file": step_write_import_file,
    "import_ours": step_import_ours,
    "import_export": step_import_export,
    "load_analytics_scores": step_load_analytics_scores,
    "rebuild_full": step_rebuild_full,
    "rank_floor": step_rank_floor,
    "rebuild_incremental": step_rebuild_incremental,
}


def main() -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    run_step("prepare")
    skip_imports = os.environ.get("BENCH_SKIP_IMPORTS") == "1"
    path = "" if skip_imports else run_step("write_import_file")["path"]
    if not skip_imports:
        run_imports(str(path))
    run_analytics()


def run_imports(path: str) -> None:
    # As in production, the import queues its rebuild on the broker and returns; a scratch Redis
    # database holds the message, which is dropped afterwards (the rebuild is measured below).
    ours = run_step("import_ours", path, extra_env={"REDIS_URL": "redis://127.0.0.1:6379/14"})
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=False, capture_output=True)
    bench("import_200k_s", ours["seconds"], "s")
    bench("import_200k_peak_mb", ours["peak_mb"], "MB")
    theirs = run_step("import_export", path, str(IMPORT_EXPORT_SAMPLE))
    per_row = theirs["seconds"] / theirs["rows"]
    extrapolated = per_row * IMPORT_UNITS * IMPORT_COMPONENTS
    bench("import_export_sample_rows", theirs["rows"], "rows")
    bench("import_export_sample_s", theirs["seconds"], "s")
    bench("import_export_200k_extrapolated_s", extrapolated, "s")
    bench("import_export_ratio", extrapolated / ours["seconds"], "x")


def run_analytics() -> None:
    loaded = run_step("load_analytics_scores")
    bench("analytics_scores", loaded["scores"], "rows")
    full = run_step("rebuild_full")
    floor = run_step("rank_floor")
    bench("rebuild_full_s", full["seconds"], "s")
    bench("rebuild_full_peak_mb", full["peak_mb"], "MB")
    bench("rank_sql_floor_s", floor["seconds"], "s")
    bench("rebuild_floor_ratio", full["seconds"] / floor["seconds"], "x")
    incremental = run_step(
        "rebuild_incremental", extra_env={"REDIS_URL": "redis://127.0.0.1:6379/14"}
    )
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=False, capture_output=True)
    bench("rebuild_incremental_s", incremental["seconds"], "s")

    session = run_step("prepare_dashboard")["session"]
    figures = dashboard_bench(str(session))
    bench("dashboard_rps", figures["rps"], "req/s")
    scripts = figures["scripts"]
    for name, sizes in scripts.items():
        bench(f"dashboard_{name}_js_kb", sizes["kb"], "KB")
        if sizes["status"] != 200:
            print(f"# {name}: HTTP {int(sizes['status'])} when reading its scripts", flush=True)
    heaviest = max(scripts.values(), key=lambda sizes: sizes["kb"])
    bench("dashboard_js_kb", heaviest["kb"], "KB")
    bench("dashboard_js_gzip_kb", heaviest["gzip_kb"], "KB")
    for name, page in figures["pages"].items():
        bench(f"dashboard_{name}_median_ms", page["median"], "ms")
        bench(f"dashboard_{name}_p95_ms", page["p95"], "ms")
    bench("dashboard_p95_ms", figures["warm_p95"], "ms")
    bench("dashboard_cold_p95_ms", figures["cold_p95"], "ms")
    bench("dashboard_errors", figures["errors"], "errors")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "step":
        STEPS[sys.argv[2]](*sys.argv[3:])
    else:
        main()
