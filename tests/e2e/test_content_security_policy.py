"""The browser really enforces the Content Security Policy in these tests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_policy_lets_the_nonced_script_run_and_refuses_an_injected_one(portal):
    portal.goto("/sign-in/")
    page = portal.page
    # base.html's nonced inline script ran, and GOV.UK Frontend's module started.
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    # A script injected into the page, as an XSS would, is refused and reported.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    assert any("refused script-src-elem (inline)" in v for v in portal.csp_violations)
    # This one was on purpose; any other fails the test.
    portal.csp_violations.clear()
