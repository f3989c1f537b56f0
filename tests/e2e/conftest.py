"""End-to-end tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) for each test. Tests use
the ``portal`` fixture (see portal.py), which runs axe-core on every page at 1280 and 320 pixels
wide; a violation, or a page that loaded without a check, fails the test.

Set E2E_SCREENSHOTS=1 to save a full-page screenshot of every page at both widths into
test-artifacts/.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest

from tests.e2e.portal import ROOT, WIDE, Portal, axe_source

# Playwright's sync API runs an event loop in this thread, and Django refuses database access
# from a thread with a running loop unless told the code is really synchronous (it is).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this directory is an e2e test, so `-m "not e2e"` always leaves it out."""
    for item in items:
        if E2E_DIR in Path(item.path).parents and item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"The end-to-end tests need Debian's chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install chromium` (do not run `playwright install`).",
            pytrace=False,
        )
    if not (ROOT / "static" / "dist" / "portal.css").exists():
        pytest.fail("static/dist/portal.css is missing: run `npm run build` first.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _axe_source() -> str:
    return axe_source()


@pytest.fixture(scope="session")
def _lifted_triggers(django_db_setup, django_db_blocker):
    """SQLite triggers taken off for a flush (name -> CREATE statement), put back at the end."""
    lifted: dict[str, str] = {}
    yield lifted
    with django_db_blocker.unblock():
        _restore_triggers(lifted)


def _restore_triggers(lifted: dict[str, str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in lifted.values():
            cursor.execute(sql)
    lifted.clear()


@pytest.fixture
def _flushable_database(transactional_db, _lifted_triggers) -> None:
    """Let Django empty the database after the test, on SQLite as on PostgreSQL.

    After a transactional test Django empties every table: TRUNCATE on PostgreSQL, which fires
    no row triggers, but DELETE on SQLite, which the rubric's freeze triggers refuse for a
    published version. So on SQLite the triggers are lifted just for that flush (this teardown
    runs before it) and put back before the next test, so every test runs against the real
    schema.
    """
    from django.db import connection

    _restore_triggers(_lifted_triggers)
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
        for name, sql in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')
            _lifted_triggers[name] = sql


@pytest.fixture
def _staff_groups(_flushable_database) -> None:
    """The CQC staff groups, as the data migration creates them.

    The live server needs a transactional database, which Django empties after each test, so
    the groups a migration made are gone by the second test. (Serialized rollback would restore
    them by re-saving every row, which the database refuses for published rubric versions.)
    """
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("assessments.migrations.0002_staff_groups")
    for name, permissions in migration.GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture
def _published_rubric(_flushable_database) -> None:
    """The published 2026 rubric, loaded by the data migration's own loader if it is gone.

    The first e2e test still has the migrated rubric; after that the flush has emptied the
    tables. The loader creates the version as a draft, then publishes it with a queryset update,
    which the freeze allows because the row is still a draft at that moment.
    """
    from django.apps import apps

    from principles.models import RubricVersion

    if not RubricVersion.objects.filter(label="2026").exists():
        migration = importlib.import_module("principles.migrations.0003_first_published_rubric")
        migration.load_rubric(apps, None)


@pytest.fixture
def cast(_staff_groups, _published_rubric, cast):
    """The project's cast, once the staff groups it joins and the published rubric exist again."""
    return cast


@pytest.fixture
def portal(request, _browser, _axe_source, live_server, cast):
    """A fresh browser context on the live server, checking accessibility on every page."""
    context = _browser.new_context(base_url=live_server.url, locale="en-GB", viewport=WIDE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    portal = Portal(
        page=page,
        base_url=live_server.url,
        password=cast.password,
        axe=_axe_source,
        artifact_name=re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1]),
    )
    yield portal
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Once a test's own steps pass, fail it if any page it visited broke a WCAG rule, or was
    never checked. (A test that already failed keeps its own, more useful, error.)"""
    result = yield
    portal = item.funcargs.get("portal") if hasattr(item, "funcargs") else None
    if isinstance(portal, Portal):
        portal.verify()
    return result
