"""`make faults`: the fault scenarios (pytest, marker `faults`) on a PostgreSQL cluster of their
own, so that a scenario may crash the database without touching the machine's shared one.

Starts a private cluster on FAULTS_PG_PORT (55433) in a temporary folder, runs
`pytest -m faults tests/integration` with DATABASE_URL pointing at it (the test database is
created there) and the cache and broker on the shared Redis, DB 9 (REDIS_URL; scenarios that stop
Redis start their own), then stops and removes the cluster. Exit status: pytest's."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults_stack import ROOT, PrivatePostgres


def main() -> int:
    port = int(os.environ.get("FAULTS_PG_PORT", "55433"))
    work = Path(tempfile.mkdtemp(prefix="reform-portal-faults-"))
    os.chmod(work, 0o755)  # noqa: S103 (the postgres user reaches its data folder inside)
    cluster = PrivatePostgres(port=port, datadir=work / "pgdata")
    cluster.init()
    cluster.start()
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url("reform_portal_faults"),
        "REDIS_URL": os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "FAULTS_PGDATA": str(cluster.datadir),
        "FAULTS_PG_PORT": str(port),
        "FAULTS_WORK": str(work),
    }
    env.pop("CELERY_BROKER_URL", None)
    print(f"faults: private PostgreSQL {cluster.bindir.parent.name} on 127.0.0.1:{port} ({work})")
    try:
        return subprocess.call(
            [
                str(Path(sys.executable).parent / "pytest"),
                "-p",
                "no:cacheprovider",
                "-s",
                "-rA",
                "-m",
                "faults",
                "tests/integration",
                *sys.argv[1:],
            ],
            cwd=ROOT,
            env=env,
        )
    finally:
        cluster.stop(mode="fast")
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    raise SystemExit(main())
