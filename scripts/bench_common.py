"""What every `make bench` step shares: the scratch database, the environment of a step's child
process, running a step and reporting its figures."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_SCRIPT = Path(__file__).resolve().parent / "bench.py"
DB_NAME = os.environ.get("BENCH_DB", "reform_portal_bench")
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
WORK = ROOT / "bench-artifacts"
IMPORT_UNITS, IMPORT_COMPONENTS = 2000, 100
IMPORT_EXPORT_SAMPLE = int(os.environ.get("BENCH_IMPORT_EXPORT_SAMPLE", "20000"))
ANALYTICS_UNITS, ANALYTICS_COMPONENTS, ANALYTICS_YEARS = 4600, 90, 5


def env() -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        {
            "DATABASE_URL": DB_URL,
            "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test",
            "PYTHONPATH": str(ROOT),
        }
    )
    values.pop("REDIS_URL", None)
    values.pop("CELERY_BROKER_URL", None)
    return values


def django_setup() -> None:
    os.environ.update(env())
    import django

    django.setup()


def run_step(name: str, *args: str, extra_env: dict[str, str] | None = None) -> dict[str, float]:
    """Run one step in a child process; it reports its own time and peak memory."""
    result = subprocess.run(
        [sys.executable, str(BENCH_SCRIPT), "step", name, *args],
        cwd=ROOT,
        env=env() | (extra_env or {}),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench step {name} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(step) -> None:
    started = time.perf_counter()
    extra = step() or {}
    seconds = time.perf_counter() - started
    # The larger of the step's own peak and its children's (an upload is parsed in a child).
    peak_mb = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **extra}))


def bench(name: str, value: float, unit: str) -> None:
    print(
        f"BENCH {name} {value:.3f} {unit}"
        if isinstance(value, float)
        else f"BENCH {name} {value} {unit}",
        flush=True,
    )
