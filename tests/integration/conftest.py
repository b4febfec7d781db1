"""Real Celery worker processes on Redis and PostgreSQL, started and stopped by the tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def _require_real_services():
    database = settings.DATABASES["default"]["ENGINE"]
    assert "postgresql" in database, "integration tests need DATABASE_URL pointing at PostgreSQL"
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests need REDIS_URL"
    assert not settings.CELERY_TASK_ALWAYS_EAGER


# Short enough for a test to see a killed worker's task come back.
FAST_RECOVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "ANALYTICS_STALE_SECONDS": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


class WorkerProcess:
    """A real worker process on the test database and Redis; `overrides` are its settings
    (FAST_RECOVERY unless given), `beat_schedule` embeds a beat writing its schedule there."""

    def __init__(
        self,
        name: str,
        *,
        overrides: dict[str, str] | None = None,
        beat_schedule: Path | None = None,
        log_name: str = "",
    ) -> None:
        db = settings.DATABASES["default"]
        self.name = name
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test",
                "DATABASE_URL": (
                    f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db['NAME']}"
                ),
                "REDIS_URL": settings.REDIS_URL,
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                **(FAST_RECOVERY if overrides is None else overrides),
            }
        )
        self.log_path = ROOT / "test-artifacts" / f"{log_name or 'worker-' + name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("w")
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reform_portal",
            "worker",
            "-l",
            "info",
            "-P",
            "prefork",
            "-c",
            "1",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if beat_schedule is not None:
            command += ["-B", "--schedule", str(beat_schedule)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from reform_portal.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            replies = app.control.ping(timeout=1.0) or []
            if any(self.name in next(iter(reply)) for reply in replies):
                return
            time.sleep(0.5)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crashed machine would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker(transactional_db):
    from reform_portal.celery import app

    app.control.purge()
    workers: list[WorkerProcess] = []

    def start(name: str = "w1") -> WorkerProcess:
        worker = WorkerProcess(name)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.control.purge()
