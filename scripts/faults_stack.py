"""Private services for `make faults`: the scenarios stop and crash these, never the machine's
shared PostgreSQL (5432) and Redis (6379), which other work on the machine uses.

- PrivatePostgres: a throw-away cluster (`initdb` into a temporary folder, `pg_ctl` on its own
  port); run as the `postgres` OS user when we are root, since the server refuses root.
- PrivateRedis: a `redis-server` process on its own port, keeping nothing on disk.
- Portal: gunicorn serving the portal (sync workers, as deployed) with the environment given.

Used by scripts/faults.py (which puts the whole `make faults` session on a private cluster) and
by the scenarios in tests/integration/faults/."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_PORTS = {5432, 6379}


def _refuse_shared(port: int) -> None:
    if port in SHARED_PORTS:
        raise RuntimeError(f"port {port} is a shared service of this machine: never stopped here")


def postgres_bindir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    if not found:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return found[-1]


class PrivatePostgres:
    """A cluster of our own on `port`, data in `datadir` (created by `init`)."""

    def __init__(self, *, port: int, datadir: Path, bindir: Path | None = None) -> None:
        _refuse_shared(port)
        self.port = port
        self.datadir = Path(datadir)
        self.bindir = bindir or postgres_bindir()
        self.log = self.datadir.parent / f"postgres-{port}.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.datadir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        # --no-sync: a scratch cluster; the scenarios crash the server, never the machine.
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-w", "-o", options, "start"
        )

    def stop(self, *, mode: str = "immediate") -> None:
        """`immediate` is a crash: every backend dies at once, no checkpoint (WAL replay on the
        next start), as when the database host goes away."""
        self._run("pg_ctl", "-D", str(self.datadir), "-w", "-m", mode, "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.datadir), "status", check=False).returncode == 0

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class PrivateRedis:
    """`redis-server` on `port`: started, killed and started again on the same port."""

    def __init__(self, *, port: int, workdir: Path) -> None:
        _refuse_shared(port)
        self.port = port
        self.workdir = Path(workdir)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError(f"private redis on {self.port} did not start")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def keys(self, db: int) -> int:
        import redis

        return int(redis.Redis(port=self.port, db=db).dbsize())

    def kill(self) -> None:
        """SIGKILL: the broker or cache host is gone, connections drop, nothing is kept."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Portal:
    """gunicorn serving the portal on `port` with `env` (DATABASE_URL, REDIS_URL, …)."""

    def __init__(self, *, port: int, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port = port
        self.log_path = log
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "reform_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
