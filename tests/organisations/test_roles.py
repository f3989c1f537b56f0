"""The CQC staff permissions are organisations' since Organisation moved (organisations/0002):
code checks them through organisations/roles.py, and nothing spells out their old names, which
Django would silently answer "no" to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from organisations.roles import is_assessor, is_rubric_admin

ROOT = Path(settings.BASE_DIR)
OLD_NAMES = re.compile(
    r"assessments\.(review_assessments|edit_rubrics|(view|add|change|delete)_(organisation|membership))\b"
)
# Where the old names are history, not checks.
HISTORY = {
    "tests/organisations/test_migration.py",
    "tests/organisations/test_roles.py",
    "organisations/roles.py",
}


def test_nothing_checks_a_permission_by_its_old_name():
    found = []
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if (
            path.suffix not in {".py", ".html", ".txt"}
            or relative.startswith((".venv/", "node_modules/", "static/", "var/"))
            or "/migrations/" in relative
            or relative in HISTORY
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{relative}: {m.group(0)}" for m in OLD_NAMES.finditer(text)]
    assert found == []


@pytest.mark.django_db
def test_the_staff_groups_grant_the_roles(cast):
    assert is_assessor(cast.assessor) and not is_rubric_admin(cast.assessor)
    assert is_rubric_admin(cast.rubric_admin) and not is_assessor(cast.rubric_admin)
    assert not is_assessor(cast.lead_a) and not is_rubric_admin(cast.lead_a)
    assert cast.assessor.has_perm("organisations.review_assessments")
    assert cast.assessor.has_perm("organisations.view_organisation")
    assert cast.rubric_admin.has_perm("organisations.edit_rubrics")
