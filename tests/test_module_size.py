"""No module of ours, migrations aside, is over 500 lines: past that, a module holds more than
one job and a newcomer no longer finds a computation in one hop."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
SKIPPED = {".venv", "node_modules", "migrations", ".git", "static", "test-artifacts"}


def test_no_module_is_over_500_lines():
    long = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[str(relative)] = lines
    assert long == {}
