"""Settings come from the environment and fail loudly, naming the variable, on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from engagement_portal.lib.env import database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_reads_common_spellings():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", default=True, environ={}) is True


def test_env_bool_refuses_a_typo_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", environ={"DJANGO_DEBUG": "ture"})


def test_env_int_refuses_words():
    assert env_int("N", 5, environ={"N": "12"}) == 12
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE"):
        env_int("SESSION_COOKIE_AGE", 5, environ={"SESSION_COOKIE_AGE": "twelve hours"})


def test_env_list_drops_blanks():
    assert env_list("H", environ={"H": " a.example , ,b.example"}) == ["a.example", "b.example"]


def test_database_url_for_postgresql_is_parsed():
    config = database_from_url("postgres://portal:s3cret@db.internal:5433/portal")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "portal",
        "portal",
    )


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://root@localhost/portal",
        "postgres://host:notaport/portal",
        "postgres://host:5432/",
    ],
)
def test_malformed_database_url_is_refused_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_error_for_a_bad_database_url_hides_the_password():
    with pytest.raises(ImproperlyConfigured) as error:
        database_from_url("mysql://portal:hunter2@db/portal")
    assert "hunter2" not in str(error.value)


def _start_up(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `manage.py check` in a fresh process with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "engagement_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_up_without_a_secret_key_stops_naming_it():
    result = _start_up({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_start_up_with_a_malformed_database_url_stops_naming_it():
    result = _start_up({"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres//missing-colon"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_start_up_with_good_production_settings_passes_the_deploy_check():
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CLAMD_", "EVIDENCE_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "engagement_portal.settings",
            "DJANGO_SECRET_KEY": "k" + "9f3Jq7xL2pV8sR4tW6yZ1bN5mC0dH" * 3,
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
            "DJANGO_HTTPS": "1",
            # Production scans uploads with clamd; `check --deploy` does not connect to it.
            "CLAMD_SOCKET": "/run/clamav/clamd.ctl",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_debug_is_off_unless_asked_for(settings):
    from engagement_portal import settings as portal_settings

    assert portal_settings.DEBUG is False


def test_earlier_secret_keys_come_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", "from engagement_portal import settings as s; print(s.SECRET_KEY_FALLBACKS)"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SECRET_KEY": "new-" + "k" * 46,
            "DJANGO_SECRET_KEY_FALLBACKS": "old-" + "a" * 46 + ", older-" + "b" * 45,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == str(["old-" + "a" * 46, "older-" + "b" * 45])
