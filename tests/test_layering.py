"""The apps layer as units ← indices ← reports ← dashboards, with `tabular` (not an app) below all
of them: no module imports a package above its own, whether at module level or inside a function
(a function-level import hides a cycle, it does not remove it). Migrations are left out."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each package and the packages of ours it may import. Anything else (Django, the standard
# library, `reform_portal`'s permission helper) is not ours to layer.
ALLOWED: dict[str, set[str]] = {
    "tabular": set(),
    "units": {"tabular"},
    "audit": {"tabular", "units"},
    "indices": {"tabular", "units", "audit"},
    "reports": {"tabular", "units", "indices", "audit"},
    "dashboards": {"tabular", "units", "indices", "reports", "audit"},
    # The read API, the top layer: nothing imports it.
    "api": {"tabular", "units", "indices", "reports", "dashboards", "audit"},
    # Generated reports, beside the API at the top: nothing imports them.
    "briefings": {"tabular", "units", "indices", "reports", "dashboards", "audit"},
}


def imported_modules(source: str, module: str, *, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in `source`, anywhere in the module, relative imports
    resolved against `module` (dotted; `is_package` for an `__init__.py`)."""
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name


def _modules(package: str) -> Iterator[tuple[Path, str]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        dotted = ".".join(relative.with_suffix("").parts)
        yield path, dotted.removesuffix(".__init__")


def _back_edges(package: str) -> list[str]:
    ours = set(ALLOWED)
    edges = []
    for path, module in _modules(package):
        source = path.read_text(encoding="utf-8")
        imports = imported_modules(source, module, is_package=path.name == "__init__.py")
        for line, name in imports:
            top = name.split(".")[0]
            if top in ours and top != package and top not in ALLOWED[package]:
                edges.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return edges


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_package_imports_one_above_it(package):
    assert (ROOT / package).is_dir()
    assert _back_edges(package) == []


def test_every_app_is_layered():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(ALLOWED), f"layer these apps in ALLOWED: {apps - set(ALLOWED)}"


def test_imports_inside_functions_and_relative_imports_are_read():
    source = (
        "from . import views\n"
        "from ..models import Unit\n"
        "def page():\n"
        "    from dashboards.selectors import home_page\n"
        "    import reports.selectors\n"
    )
    found = [name for _line, name in imported_modules(source, "units.sub.mod", is_package=False)]
    assert found == [
        "units.sub",
        "units.models",
        "dashboards.selectors",
        "reports.selectors",
    ]


def test_the_project_package_imports_no_app():
    """`reform_portal` sits under every app (they use its permission helper and middleware), so
    it imports none of them; only its URL configuration, which routes to them, and its settings
    name them."""
    edges = []
    for path, module in _modules("reform_portal"):
        if module == "reform_portal.urls" or module.startswith("reform_portal.settings"):
            continue
        source = path.read_text(encoding="utf-8")
        for line, name in imported_modules(source, module, is_package=path.name == "__init__.py"):
            if name.split(".")[0] in ALLOWED:
                edges.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert edges == []
