"""Moving organisations and memberships out of `assessments/` keeps every row and permission.

A database made and seeded by the code as it was before the move (commit BEFORE_THE_MOVE,
read from git: its own migrations and its own `seed_demo`) is migrated forward by today's code.
Every row of the moved tables must survive unchanged, every foreign key to them must still
resolve, and every permission the CQC staff groups and people held must still be held (the same
rows, now under the `organisations` content type) and still work through `organisations.roles`.

On SQLite always; on PostgreSQL as well when the suite runs on it (DATABASE_URL), in a database
of its own made for the test and dropped after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
# main before organisations/ and accounts/ existed: Organisation and Membership in assessments/,
# their permissions under the assessments.organisation content type.
BEFORE_THE_MOVE = "134baa3"

SNAPSHOT = r"""
import json
from django.db import connection

def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [[str(v) if v is not None else None for v in row] for row in cursor.fetchall()]

out = {
    "organisations": rows("SELECT * FROM assessments_organisation ORDER BY id"),
    "memberships": rows("SELECT id, user_id, organisation_id, role FROM assessments_membership ORDER BY id"),
    "assessment_organisations": rows("SELECT id, organisation_id FROM assessments_assessment ORDER BY id"),
    "evidence_organisations": rows("SELECT id, organisation_id FROM evidence_evidenceitem ORDER BY id"),
    "group_permissions": rows(
        "SELECT g.name, p.id, p.codename, ct.app_label, ct.model FROM auth_group g"
        " JOIN auth_group_permissions gp ON gp.group_id = g.id"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY g.name, p.codename"
    ),
    "user_permissions": rows(
        "SELECT up.user_id, p.id, p.codename, ct.app_label FROM auth_user_user_permissions up"
        " JOIN auth_permission p ON p.id = up.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY up.user_id, p.codename"
    ),
    "group_members": rows(
        "SELECT g.name, ug.user_id FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id"
        " ORDER BY g.name, ug.user_id"
    ),
}
try:
    from organisations.roles import is_assessor, is_rubric_admin
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("username")
    out["assessors"] = [p.username for p in people if is_assessor(p)]
    out["rubric_admins"] = [p.username for p in people if is_rubric_admin(p)]
except ImportError:  # the code before the move
    pass
print("SNAPSHOT " + json.dumps(out))
"""


# Runs manage.py with only the code of the folder it is in: the virtualenv's editable install of
# the project would otherwise supply, from today's checkout, any module the old code lacks (such
# as a template tag library added since), mixing the two.
ONLY_THIS_CHECKOUT = (
    "import runpy, sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path if 'Editable' not in getattr(f, '__name__', '')]; "
    "sys.argv = ['manage.py', *sys.argv[1:]]; "
    "runpy.run_path('manage.py', run_name='__main__')"
)


def _run(cwd: Path, env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "-c", ONLY_THIS_CHECKOUT, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _snapshot(cwd: Path, env: dict) -> dict:
    out = _run(cwd, env, "shell", "-c", SNAPSHOT)
    [line] = [line for line in out.splitlines() if line.startswith("SNAPSHOT ")]
    return json.loads(line.removeprefix("SNAPSHOT "))


def _old_code(tmp_path: Path) -> Path:
    """The code before the move, as git holds it (no working tree of ours is touched)."""
    archive = tmp_path / "before.tar"
    with archive.open("wb") as out:
        subprocess.run(  # noqa: S603
            ["git", "archive", "--format=tar", BEFORE_THE_MOVE],  # noqa: S607
            cwd=REPO,
            stdout=out,
            check=True,
        )
    folder = tmp_path / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _environment(tmp_path: Path, database: dict) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "EVIDENCE_ROOT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="engagement_portal.settings",
        DJANGO_DEBUG="1",
        EVIDENCE_ROOT=str(tmp_path / "evidence"),
        PYTHONPATH="",
        **database,
    )
    return env


def _databases():
    yield pytest.param("sqlite", id="sqlite")
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        yield pytest.param("postgresql", id="postgresql")


@pytest.fixture
def database(request, tmp_path):
    """The environment naming an empty database of the kind asked for, dropped afterwards."""
    if request.param == "sqlite":
        yield {"SQLITE_PATH": str(tmp_path / "moved.sqlite3")}
        return
    import psycopg2

    name = f"migration_{uuid.uuid4().hex[:12]}"
    url = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(urlunsplit(url._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(url._replace(path=f"/{name}"))}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.parametrize("database", list(_databases()), indirect=True)
def test_a_seeded_database_keeps_every_row_and_permission_through_the_move(tmp_path, database):
    env = _environment(tmp_path, database)
    before_code = _old_code(tmp_path)
    _run(before_code, env, "migrate", "--noinput")
    _run(before_code, env, "seed_demo")
    before = _snapshot(before_code, env)

    _run(REPO, env, "migrate", "--noinput")
    after = _snapshot(REPO, env)

    # The seed made something worth keeping.
    assert len(before["organisations"]) >= 5 and len(before["memberships"]) >= 10
    assert before["assessment_organisations"] and before["evidence_organisations"]
    # Every row of the moved tables, every column, unchanged; every foreign key to them too.
    for table in ("organisations", "memberships", "assessment_organisations", "evidence_organisations"):
        assert after[table] == before[table], table
    assert after["group_members"] == before["group_members"]
    # The same permission rows, held by the same groups and people, now organisations'.
    assert {row[3] for row in before["group_permissions"]} == {"assessments"}
    # Held by the same groups: the same rows, or (when a migration that runs first made the
    # organisations content type's permissions already, as assessments/0011 does) new rows that
    # organisations/0002 moved every holder to.
    # (Groups that later migrations add, such as "Cycle managers", are not compared.)
    groups_before = {row[0] for row in before["group_permissions"]}
    assert [[row[0], row[2]] for row in after["group_permissions"] if row[0] in groups_before] == [
        [row[0], row[2]] for row in before["group_permissions"]
    ]
    assert {
        row[3] for row in after["group_permissions"] if row[2] in {"review_assessments", "edit_rubrics"}
    } == {"organisations"}

    assert {(row[0], row[2]) for row in before["group_permissions"]} >= {
        ("CQC assessors", "review_assessments"),
        ("Rubric admins", "edit_rubrics"),
    }
    assert [[row[0], row[2]] for row in after["user_permissions"]] == [
        [row[0], row[2]] for row in before["user_permissions"]
    ]
    # And the roles read them: the demo CQC people are still who they were.
    assert {"assessor", "assessor2"} <= set(after["assessors"])
    assert after["rubric_admins"] == ["rubric.admin"]
    assert "lead.northmoor" not in after["assessors"] + after["rubric_admins"]
