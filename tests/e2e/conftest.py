"""End-to-end tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) for each test. Tests use
the ``portal`` fixture (see portal.py), which runs axe-core on every page at 1280 and 320 pixels
wide; a violation, or a page that loaded without a check, fails the test.

Set E2E_SCREENSHOTS=1 to save a full-page screenshot of every page at both widths into
test-artifacts/.
"""

from __future__ import annotations

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
