"""Typed readers for settings that come from the environment.

Each reader fails loudly, naming the variable, when a value is present but malformed: a typo in
a deployment should stop start-up, not quietly fall back to a default (healthchecks' `envbool`
and `envint` are the model).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no or on/off, not {environ[name]!r}."
    )


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    if name not in environ or environ[name].strip() == "":
        return default
    try:
        return int(environ[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {environ[name]!r}.") from None


FOREVER = "forever"


def env_days(name: str, default: int | None, *, environ: Mapping[str, str] | None = None) -> int | None:
    """A retention period: a whole number of days (1 or more), or "forever" (None: keep for ever)."""
    environ = os.environ if environ is None else environ
    if name not in environ or environ[name].strip() == "":
        return default
    value = environ[name].strip().lower()
    if value == FOREVER:
        return None
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of days (1 or more) or {FOREVER!r}, not {environ[name]!r}."
        )
    return days


def env_list(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return list(default or [])
    return [item.strip() for item in environ[name].split(",") if item.strip()]


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Django DATABASES entry for a PostgreSQL URL, or an error naming the variable.

    Only PostgreSQL is accepted: the portal relies on it in production (full-text search,
    database-level immutability), and SQLite is what you get by leaving the variable unset.
    """
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL such as postgres://user:password@host:5432/name, "
            f"not {_redact(url)!r}. Leave it unset to use the embedded SQLite database."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        port = config.get("PORT")
        if port not in ("", None):
            int(port)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, as in postgres://host/name.")
    return config


def _redact(url: str) -> str:
    """Hide a password before a URL goes into an error message or a log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
