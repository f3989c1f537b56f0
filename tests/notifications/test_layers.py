"""notifications/ sits on floor 2 (docs: architecture): it knows people and organisations, never
assessments, reviews or anything above. Callers hand it plain context. This reads its imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Apps above floor 2, which notifications must never import.
ABOVE = {
    "evidence",
    "assessments",
    "reviews",
    "voices",
    "activities",
    "improvement",
    "records",
    "home",
    "cycles",
}


def _imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((str(path.relative_to(ROOT)), node.module))
            elif isinstance(node, ast.Import):
                found.extend((str(path.relative_to(ROOT)), alias.name) for alias in node.names)
    return found


def test_notifications_imports_nothing_above_its_floor():
    wrong = [(where, module) for where, module in _imports("notifications") if module.split(".")[0] in ABOVE]
    assert wrong == []


def test_the_check_sees_imports():
    """The walk finds what is there (so an empty answer above means something)."""
    modules = {module for _, module in _imports("notifications")}
    assert "notifications.models" in modules and "django.db" in modules
