"""The newcomer's make targets (issue 13, item 18): `make setup` says which apt packages PDF
reports need, and `make reset-demo` starts the demo data again from nothing."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def check_system():
    spec = importlib.util.spec_from_file_location("check_system", ROOT / "scripts" / "check_system.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_system_check_names_the_missing_apt_packages(check_system, monkeypatch, capsys):
    monkeypatch.setattr(
        check_system, "has_library", lambda name: name not in {"pango-1.0", "harfbuzz-subset"}
    )
    monkeypatch.setattr(check_system, "has_font", lambda family, file_name: False)
    assert check_system.main() == 1
    said = capsys.readouterr().err
    assert "the pango-1.0 library (Debian/Ubuntu package libpango-1.0-0)" in said
    assert "the Liberation Sans font (Debian/Ubuntu package fonts-liberation)" in said
    assert "sudo apt-get install fonts-liberation libharfbuzz-subset0 libpango-1.0-0" in said


def test_the_system_check_passes_when_everything_is_there(check_system, monkeypatch, capsys):
    monkeypatch.setattr(check_system, "has_library", lambda name: True)
    monkeypatch.setattr(check_system, "has_font", lambda family, file_name: True)
    assert check_system.main() == 0
    assert "installed" in capsys.readouterr().out


def test_the_system_check_finds_real_libraries_and_not_made_up_ones(check_system):
    assert check_system.has_library("c")
    assert not check_system.has_library("no-such-library-for-the-portal")
    assert not check_system.has_font("No Such Font For The Portal", "NoSuchFontForThePortal.ttf")


def _make(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    # -o: the virtualenv and front-end build count as up to date (never reinstalled by a test).
    return subprocess.run(  # noqa: S603 - a fixed command
        [
            shutil.which("make"),
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            "-o",
            "static/dist/.built",
            *args,
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_reset_demo_starts_the_demo_data_again_from_nothing(tmp_path):
    database = tmp_path / "demo.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE left_over (x)")
    evidence = tmp_path / "evidence"

    done = _make("reset-demo", SQLITE_PATH=str(database), EVIDENCE_ROOT=str(evidence))
    assert done.returncode == 0, done.stderr
    assert "left_over" not in _tables(database)
    with sqlite3.connect(database) as db:
        people = {row[0] for row in db.execute("SELECT username FROM auth_user")}
    assert {"lead.northmoor", "assessor"} <= people
    assert "Demo data is ready" in done.stdout


def test_reset_demo_refuses_a_postgresql_database(tmp_path):
    database = tmp_path / "demo.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE kept (x)")
    refused = _make(
        "reset-demo", SQLITE_PATH=str(database), DATABASE_URL="postgres://postgres@127.0.0.1:5432/nothing"
    )
    assert refused.returncode != 0
    assert "drop and create that database" in refused.stderr
    assert "kept" in _tables(database)
