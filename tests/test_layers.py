"""The house's floors (README, Architecture): no app imports an app on a floor above its own.

Each app's Python files are parsed with `ast` and every import read, those inside functions
too (importing inside a function hides a dependency; it does not remove it). A module-level
cycle between two of our modules fails as well.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# The floors, bottom up. An app may import apps on its own floor and below.
FLOORS: dict[str, int] = {
    # ground: settings, URLs, middleware; engagement_portal/lib/ (helpers with no models)
    "engagement_portal": 0,
    # 1: people and organisations, signing in, the audit trail's recorder
    "organisations": 1,
    "accounts": 1,
    "audit": 1,
    # 2
    "principles": 2,
    "notifications": 2,
    # 3
    "evidence": 3,
    # 4
    "assessments": 4,
    # 5
    "reviews": 5,
    "voices": 5,
    "activities": 5,
    "improvement": 5,
    # running the national cycles: their dates, deadlines and progress (reads assessments)
    "cycles": 5,
    # top
    "records": 6,
    "home": 6,
}

# Upward imports still to be fixed, each with the step that removes it. Remove an entry when
# its import goes; the test fails on an entry that is no longer needed, so the list only shrinks.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = {
    # Citation lives in evidence/ though it is part of a self-assessment's answer: it belongs
    # in assessments/ (architecture.md).
    ("evidence/models.py", "assessments"),
    # The report reads CQC's final outcome; to go when the outcome's frozen JSON is handed in.
    ("assessments/report.py", "reviews"),
    # seed_demo seeds every app's demo data: it belongs at the top of the house (home/).
    ("assessments/management/commands/seed_demo.py", "reviews"),
    ("assessments/management/commands/seed_demo.py", "activities"),
    ("assessments/management/commands/seed_demo.py", "voices"),
    ("assessments/management/commands/seed_demo.py", "improvement"),
}

# The only module cycles allowed (none).
KNOWN_CYCLES: list[set[str]] = []


def _app_files():
    for app in FLOORS:
        folder = ROOT / app
        if folder.is_dir():
            yield from sorted(folder.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top_level = {id(node) for node in tree.body}
    found = []
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # "from x import y" may import the module x.y: count both.
            found.append((module, id(node) in top_level))
            found += [(f"{module}.{alias.name}", id(node) in top_level) for alias in node.names]
    return found


def test_no_app_imports_an_app_on_a_floor_above_it():
    upward = set()
    for path in _app_files():
        app = path.relative_to(ROOT).parts[0]
        for module, _ in _imports(path):
            target = module.split(".")[0]
            if target in FLOORS and FLOORS[target] > FLOORS[app]:
                upward.add((str(path.relative_to(ROOT)), target))
    unexpected = sorted(upward - KNOWN_EXCEPTIONS)
    assert not unexpected, f"imports of an app on a higher floor: {unexpected}"
    fixed = sorted(KNOWN_EXCEPTIONS - upward)
    assert not fixed, f"no longer needed, remove from KNOWN_EXCEPTIONS: {fixed}"


def test_the_app_holding_organisations_imports_no_assessments():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "organisations").rglob("*.py"))
        if any(module.split(".")[0] == "assessments" for module, _ in _imports(path))
    ]
    assert offenders == []


def test_no_two_of_our_modules_import_each_other():
    modules = {_module_name(path): path for path in _app_files()}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for module, _ in _imports(path):
            if module in modules and module != name:
                graph[name].add(module)
    cycles = _cycles(graph)
    unexpected = [cycle for cycle in cycles if cycle not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles: {unexpected}"


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in sorted(graph.get(node, ())):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_floors_name_every_app_of_ours():
    """A new app of ours gets a floor here (and a row in the README's architecture table)."""
    ours = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0]).is_dir() and name.split(".")[0] not in {"tests", "bench"}
    }
    assert ours <= set(FLOORS)
