"""The dashboard figures of `make bench`: pages served by gunicorn on the benchmark database,
warm and cold, as an official reads them."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_common import ROOT, django_setup, env


def step_prepare_dashboard() -> None:
    """The demo dataset and its analysis, beside the national-scale synthetic data."""
    django_setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from units.models import Membership

    call_command("load_demo_data", stdout=io.StringIO())
    call_command("rebuild_analytics", stdout=io.StringIO())
    user, _created = get_user_model().objects.get_or_create(username="bench-official")
    Membership.objects.update_or_create(user=user, defaults={"role": "official"})
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    print(json.dumps({"seconds": 0, "peak_mb": 0, "session": session.session_key}))


DASHBOARD_PAGES = {
    "home": "/",
    "index": "/chi-so/PCI/?nam=2021",
    "profile": "/don-vi/49/",
    "league": "/chi-so/noi-bo/?chi_so=PAR_DISTRICT&nam=2022",
}


def _get(port: int, path: str, session: str) -> tuple[int, float]:
    import http.client

    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def _fetch(port: int, path: str, session: str, *, gzip: bool = False) -> bytes:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    connection.request("GET", path, headers=headers)
    body = connection.getresponse().read()
    connection.close()
    return body


def _fetch_status(port: int, path: str, session: str) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def page_scripts(port: int, session: str) -> dict[str, dict[str, float]]:
    """The JavaScript each dashboard page downloads, in KiB: as files and as sent compressed."""
    import re

    sizes: dict[str, dict[str, float]] = {}
    for name, path in DASHBOARD_PAGES.items():
        status, page = _fetch_status(port, path, session)
        html = page.decode()
        sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
        bodies = [_fetch(port, src, session) for src in sources]
        # Compressed as WhiteNoise serves them from collected static files (gzip, level 9).
        sizes[name] = {
            "kb": sum(len(body) for body in bodies) / 1024,
            "gzip_kb": sum(len(gzip.compress(body, 9)) for body in bodies) / 1024,
            "status": float(status),
        }
    return sizes


def dashboard_bench(session: str) -> dict[str, object]:
    """gunicorn with 2 workers on PostgreSQL + Redis cache; 20 concurrent officials for 60 s."""
    import statistics
    import threading

    port = 8765
    server_env = env() | {"REDIS_URL": "redis://127.0.0.1:6379/13", "DEBUG": "false"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "reform_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--error-logfile",
            str(Path("/tmp") / "bench-gunicorn.log"),
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        for _ in range(100):
            try:
                _get(port, "/healthz", session)
                break
            except OSError:
                time.sleep(0.2)
        scripts = page_scripts(port, session)
        cold: dict[str, list[float]] = {name: [] for name in DASHBOARD_PAGES}
        errors = 0
        for _ in range(10):
            subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
            for name, path in DASHBOARD_PAGES.items():
                status, ms = _get(port, path, session)
                errors += status != 200
                cold[name].append(ms)
        warm: dict[str, list[float]] = {name: [] for name in DASHBOARD_PAGES}
        lock = threading.Lock()
        deadline = time.monotonic() + 60
        names = list(DASHBOARD_PAGES)

        def official(number: int) -> None:
            nonlocal errors
            position = number
            while time.monotonic() < deadline:
                name = names[position % len(names)]
                position += 1
                try:
                    status, ms = _get(port, DASHBOARD_PAGES[name], session)
                except OSError:
                    status, ms = 0, 0.0
                with lock:
                    warm[name].append(ms)
                    errors += status != 200

        threads = [threading.Thread(target=official, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else values[0]

    total = sum(len(v) for v in warm.values())
    return {
        "rps": total / 60,
        "pages": {
            name: {"median": statistics.median(v), "p95": p95(v), "count": len(v)}
            for name, v in warm.items()
        },
        "warm_p95": max(p95(v) for v in warm.values()),
        "cold_p95": max(p95(v) for v in cold.values()),
        "errors": errors,
        "scripts": scripts,
    }
