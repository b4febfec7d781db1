"""The data `make loadtest` runs on, in its scratch database `reform_portal_loadtest`: the
benchmark's national-scale dataset (the synthetic BENCH index: 4,600 communes x 91 components x
5 years, about 2.1 million scores, beside the demo dataset and its analysis), the demo accounts
and progress demo, and the load test's own people, plan, reporting windows and import files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "reform_portal_loadtest"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
WORK = Path(os.environ.get("LOADTEST_WORK", "/tmp/reform-portal-loadtest"))
MEDIA_ROOT = WORK / "media"
CACHE_URL = "redis://127.0.0.1:6379/10"
BROKER_URL = "redis://127.0.0.1:6379/11"
PREFIX = "lt-"
OFFICIALS, HEADS = 50, 20  # accounts created; the run uses as many as it needs
# The edition the admin re-imports: a district league officials browse (internal page).
IMPORT_INDEX, IMPORT_YEAR, IMPORT_LEVEL = "PAR_DISTRICT", 2024, "district"
# Reporting windows far in the future: open (deadline ahead), never the "current" quarter.
WINDOW_YEARS = range(2040, 2090)


def django_env(**extra: str) -> dict[str, str]:
    """The environment of every process on the scratch database (settings.test: MD5 hashing,
    demo accounts allowed, DEBUG off)."""
    values = dict(os.environ)
    values.update(
        {
            "DATABASE_URL": DB_URL,
            "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test",
            "PYTHONPATH": str(ROOT),
            "MEDIA_ROOT": str(MEDIA_ROOT),
            "BENCH_DB": DB_NAME,
        }
    )
    values.pop("REDIS_URL", None)
    values.pop("CELERY_BROKER_URL", None)
    values.update(extra)
    return values


def _psql(sql: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB_NAME, "-tAc", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def prepared() -> bool:
    # A constant of ours, not input: the admin account exists once the preparation finished.
    return _psql("SELECT 1 FROM auth_user WHERE username = 'lt-admin'") == "1"


def _child(script: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=django_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"loadtest preparation {script} {' '.join(args)} failed")


def prepare(*, reuse: bool) -> None:
    """Build the scratch database (a few minutes), or keep it when `reuse` and it is built."""
    if reuse and prepared():
        print("loadtest: reusing the prepared database", DB_NAME, flush=True)
        # Migrations added since it was prepared.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=django_env(),
            check=True,
        )
        return
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    # The benchmark's own steps, pointed at our database through BENCH_DB.
    for step in ("prepare", "load_analytics_scores", "prepare_dashboard"):
        print(f"loadtest: preparing ({step})", flush=True)
        _child("bench.py", "step", step)
    print("loadtest: preparing (accounts, plan, windows, import files)", flush=True)
    _child("loadtest.py", "step", "prepare_people")


# The child step ----------------------------------------------------------------------------------


def step_prepare_people() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from reports.models import Indicator, Plan, ReportingWindow, Task
    from reports.services import quarter_bounds
    from units.models import Membership, Unit
    from units.selectors import home_unit

    call_command("create_demo_accounts", stdout=io.StringIO())
    call_command("load_progress_demo", stdout=io.StringIO())
    user_model = get_user_model()
    password = settings.DEMO_PASSWORD
    province = home_unit()
    if province is None:
        raise SystemExit("PORTAL_HOME_UNIT names no unit")
    departments = list(
        Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, parent=province)
        .exclude(tasks__isnull=False)
        .order_by("code")[:HEADS]
    )

    def account(username: str, role: str, unit: Unit | None = None) -> None:
        user = user_model(username=username, first_name=username, is_staff=role == "admin")
        user.is_superuser = role == "admin"
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, role=role, unit=unit)

    with transaction.atomic():
        account(f"{PREFIX}admin", "admin")
        for n in range(1, OFFICIALS + 1):
            account(f"{PREFIX}official-{n:02d}", "official")
        plan = Plan.objects.create(
            name="Kế hoạch thử tải", province=province, year_start=2026, year_end=2099
        )
        for n, unit in enumerate(departments, start=1):
            account(f"{PREFIX}head-{n:02d}", "department_head", unit)
            task = Task.objects.create(
                plan=plan,
                code=f"LT{n:02d}",
                title=f"Nhiệm vụ thử tải của {unit.name}",
                responsible=unit,
                start_date=dt.date(2026, 1, 1),
                due_date=dt.date(2099, 12, 31),
            )
            Indicator.objects.create(task=task, name="Số hồ sơ trực tuyến", unit_of_measure="hồ sơ")
        for year in WINDOW_YEARS:
            for quarter in range(1, 5):
                _start, end = quarter_bounds(year, quarter)
                ReportingWindow.objects.create(
                    year=year,
                    quarter=quarter,
                    opens_on=end - dt.timedelta(days=20),
                    deadline=end + dt.timedelta(days=15),
                )
    _import_files()
    print(json.dumps({"heads": len(departments)}))


def import_file_paths() -> tuple[Path, Path]:
    return WORK / "import_a.csv", WORK / "import_b.csv"


def _import_files() -> None:
    """Two versions of the edition's file, as an admin downloads and corrects it: version B
    swaps the values of the two leading units, so each import changes the league's order (and
    a page whose table and chart come from different generations disagrees on it)."""
    from indices.models import Score

    scores = list(
        Score.objects.filter(
            edition__index__code=IMPORT_INDEX,
            edition__year=IMPORT_YEAR,
            component__isnull=False,
            state=Score.State.VALUE,
        )
        .select_related("unit", "component")
        .order_by("unit__code", "component__order")
    )
    if not scores:
        raise SystemExit(f"no {IMPORT_INDEX} {IMPORT_YEAR} scores to build the import files from")
    by_unit: dict[str, dict[str, str]] = {}
    for score in scores:
        by_unit.setdefault(score.unit.name, {})[score.component.name] = f"{score.value:f}"
    totals = {name: sum(float(v) for v in values.values()) for name, values in by_unit.items()}
    first, second = sorted(totals, key=totals.__getitem__, reverse=True)[:2]
    swapped = dict(by_unit)
    swapped[first], swapped[second] = by_unit[second], by_unit[first]
    WORK.mkdir(parents=True, exist_ok=True)
    for path, table in zip(import_file_paths(), (by_unit, swapped), strict=True):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Đơn vị", "Chỉ số thành phần", "Giá trị"])
            for unit_name, values in table.items():
                for component, value in values.items():
                    writer.writerow([unit_name, component, value.replace(".", ",")])
