"""A browser session on the portal that checks accessibility on every page it loads.

Tests never drive a Playwright page directly to move between pages. They use ``Portal``:
``goto(path)``, ``follow(locator)`` (a link or button that loads a new page) and ``submit(label)``
each wait for the new page and then run axe-core on it at 1280 and 320 pixels wide.

Every page load in the browser is also counted (``page.on("load")``), whoever caused it. After
the test, ``verify()`` fails it if any page had a WCAG 2.2 A/AA violation, or if any page loaded
without being checked (for example because a test clicked a link with plain Playwright). So a
new test cannot forget the accessibility check: it either goes through ``Portal`` or fails.

The browser enforces the portal's Content Security Policy (no ``bypass_csp``), and every
violation Chromium reports on the console ("Refused to ...") fails the test the same way.
axe-core reaches the page through Playwright's init script and ``evaluate``, which the page's
policy does not govern, so it never needs an exception in the policy.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Response

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the standard the accessibility statement promises.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Desktop, then the narrowest screen WCAG 1.4.10 (reflow) asks a page to work on.
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}
"""

# WCAG 1.4.10 (reflow), which axe cannot judge: at 320px nothing may make the page scroll
# sideways. Reported in axe's own shape, naming the widest elements that stick out.
_REFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5);
  const scrollWidth = document.documentElement.scrollWidth;
  return {
    id: "reflow",
    impact: "serious",
    help: `The page scrolls sideways: it is ${scrollWidth}px wide in a ${width}px window`,
    helpUrl: "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html",
    nodes: wide.map((el) => ({
      target: el.tagName.toLowerCase() + (el.className ? "." + [...el.classList].join(".") : ""),
      summary: `Right edge at ${Math.round(el.getBoundingClientRect().right)}px`,
    })),
  };
}
"""

_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy: refused ${event.effectiveDirective} (${event.blockedURI || "inline"}) ` +
      `at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""

# Enter in a form's field presses its first submit button (the browser's implicit submission).
# In a form where people type or choose, with more than one button, that must never be a
# destructive one: reported in axe's shape, like reflow.
_DESTRUCTIVE_DEFAULT = r"""
() => {
  const destructive = /^(remove|delete|withdraw|retire|discard|turn off)\b/i
  const nodes = []
  for (const form of document.forms) {
    const controls = [...form.elements]
    const buttons = controls.filter((el) => el.type === "submit" || el.type === "image")
    const fields = controls.filter(
      (el) => ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) &&
        !["hidden", "submit", "image", "button", "reset"].includes(el.type)
    )
    if (buttons.length < 2 || fields.length === 0) continue
    const first = buttons[0]
    const label = (first.textContent || first.value || "").trim().replace(/\s+/g, " ")
    if (destructive.test(label) || first.classList.contains("govuk-button--warning")) {
      nodes.push({
        target: "form" + (form.id ? "#" + form.id : "") + " button",
        summary: `Enter in this form's fields would press "${label}"`,
      })
    }
  }
  if (!nodes.length) return null
  return {
    id: "destructive-default",
    impact: "serious",
    help: "A destructive button is the first submit button of a form with fields, so Enter presses it. " +
      "Give it a form of its own, or put a hidden copy of the primary button first",
    helpUrl: "https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#implicit-submission",
    nodes,
  }
}
"""

# Where focus is, and whether it is in view, as a person arriving on the page finds it.
_FOCUS = """
() => {
  const el = document.activeElement
  const rect = el.getBoundingClientRect()
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    classes: [...el.classList],
    role: el.getAttribute("role"),
    text: (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 300),
    in_view: rect.bottom > 0 && rect.top < window.innerHeight && rect.height > 0,
    hash: location.hash,
  }
}
"""

# Two animation frames: long enough for a viewport change to reach layout and for GOV.UK
# Frontend's media-query listeners (the service navigation's Menu button) to run.
_SETTLE = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `npm ci` in {ROOT} first.")
    return AXE_PATH.read_text(encoding="utf-8")


@dataclass
class Finding:
    url: str
    width: int
    violation: dict

    def describe(self) -> str:
        v = self.violation
        lines = [
            f"{self.url} at {self.width}px: [{v['impact']}] {v['id']}: {v['help']}",
            f"    {v['helpUrl']}",
        ]
        for node in v["nodes"]:
            lines.append(f"    - {node['target']}")
            lines.extend(f"        {line}" for line in (node["summary"] or "").splitlines())
        return "\n".join(lines)


@dataclass
class Portal:
    page: Page
    base_url: str
    password: str
    axe: str
    artifact_name: str
    width: dict = field(default_factory=lambda: dict(WIDE))
    findings: list[Finding] = field(default_factory=list)
    checked_urls: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    verified: bool = False
    # Where focus was when the last page checked had just loaded (see _FOCUS).
    arrival: dict = field(default_factory=dict)
    _checked_through: int = 0
    _shots: int = 0

    def __post_init__(self) -> None:
        self.page.on("load", lambda page: self.loads.append(page.url))
        # Chromium reports a violation on its own log, which Playwright does not pass on, so the
        # page's securitypolicyviolation event (which the policy cannot block) logs it to the
        # console, where it is recorded.
        self.page.add_init_script(script=_REPORT_CSP_VIOLATIONS)
        self.page.on("console", self._record_csp_violation)
        # Registered once, evaluated in every new document before the page's own scripts: much
        # cheaper than sending the 550 KB script over the wire after each page load.
        self.page.add_init_script(script=self.axe)
        self.page.set_viewport_size(self.width)

    # Moving between pages: each of these checks the page it arrives at.

    def goto(self, path: str) -> Response | None:
        response = self.page.goto(self.base_url + path, wait_until="load")
        self.check_accessibility()
        return response

    def follow(self, target: Locator) -> None:
        """Click a link or button that loads a new page, then check that page."""
        with self.page.expect_navigation(wait_until="load"):
            target.click()
        self.check_accessibility()

    def submit(self, button: str) -> None:
        """Press the form button with this label and check the page that comes back."""
        self.follow(self.page.get_by_role("button", name=button, exact=True))

    def press(self, key: str) -> None:
        """Press a key that loads a new page (Enter on a link or in a form), then check that page."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.keyboard.press(key)
        self.check_accessibility()

    def download(self, button: str, folder: Path) -> tuple[str, bytes]:
        """Press the button that downloads a file; the file's suggested name and its bytes (saved
        in `folder`). A download loads no page, so there is nothing to check for accessibility."""
        with self.page.expect_download() as info:
            self.page.get_by_role("button", name=button).click()
        target = folder / info.value.suggested_filename
        info.value.save_as(target)
        return info.value.suggested_filename, target.read_bytes()

    def focused(self) -> dict:
        """Where focus is now (see _FOCUS)."""
        return self.page.evaluate(_FOCUS)

    def sign_in(self, username: str, password: str | None = None, *, second_factor: bool = True) -> None:
        """Sign in through the real sign-in form, as a person would.

        A person with an authenticator app (the cast's CQC staff) is then asked for its code:
        unless `second_factor` is False, the code page is filled in too, with the code their app
        would show (computed from their device's key, as django-otp does).
        """
        self.goto("/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(self.password if password is None else password)
        self.submit("Sign in")
        if second_factor and "/sign-in/code/" in self.page.url:
            self.enter_code(username)

    def enter_code(self, username: str) -> None:
        """On the code page: the 6-digit code from this person's authenticator app."""
        from django.contrib.auth import get_user_model

        from accounts.two_factor import authenticator
        from tests.factories import next_code

        device = authenticator(get_user_model().objects.get(username=username))
        self.page.get_by_label("Code", exact=True).fill(next_code(device))
        self.submit("Continue")

    def use_width(self, size: dict) -> None:
        """Carry on the test at this viewport size (checks still run at both widths)."""
        self.width = dict(size)
        self.page.set_viewport_size(self.width)
        self.page.evaluate(_SETTLE)

    # The accessibility check.

    def check_accessibility(self) -> None:
        """Run axe-core on the current page at 1280px and at 320px wide.

        Call it directly only after something changes the page without loading a new one
        (opening the menu, say); the navigation methods above already call it.
        """
        self.page.wait_for_load_state("load")
        # Focus as the person finds it: after the browser has gone to the address's fragment,
        # and before the checks below resize the window.
        self.page.evaluate(_SETTLE)
        self.arrival = self.page.evaluate(_FOCUS)
        new_loads = self.loads[self._checked_through :]
        # More than one load since the last check: the pages before the last went unchecked.
        self.unchecked.extend(new_loads[:-1])
        self._checked_through = len(self.loads)
        url = self.page.url
        self.checked_urls.append(url)
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated by the debugging protocol, so the page's CSP does not block it (a
            # <script> tag added to the page would be refused).
            self.page.evaluate(self.axe + "\n;undefined")
        if (default := self.page.evaluate(_DESTRUCTIVE_DEFAULT)) is not None:
            self.findings.append(Finding(url, self.width["width"], default))
        for size in (WIDE, NARROW):
            self.page.set_viewport_size(size)
            self.page.evaluate(_SETTLE)
            for violation in self.page.evaluate(_RUN_AXE, AXE_TAGS):
                self.findings.append(Finding(url, size["width"], violation))
            if (overflow := self.page.evaluate(_REFLOW)) is not None:
                self.findings.append(Finding(url, size["width"], overflow))
            self._screenshot(url, size["width"])
        self.page.set_viewport_size(self.width)
        self.page.evaluate(_SETTLE)

    def verify(self) -> None:
        """Fail the test if any page had violations or loaded without being checked."""
        if self.verified:
            return
        self.verified = True
        self.unchecked.extend(self.loads[self._checked_through :])
        self._checked_through = len(self.loads)
        problems = []
        if self.csp_violations:
            problems.append(
                f"{len(self.csp_violations)} Content Security Policy violation(s). Move inline scripts "
                "and styles into static files; do not loosen the policy:\n"
                + "\n".join(f"    - {message}" for message in self.csp_violations)
            )
        if self.findings:
            problems.append(
                f"{len(self.findings)} accessibility failure(s): axe-core's WCAG 2.2 A/AA rules, "
                "reflow at 320px, and Enter pressing a destructive button. Fix the templates or "
                "static/scss; do not weaken the rules:\n"
                + "\n".join(finding.describe() for finding in self.findings)
            )
        if self.unchecked:
            problems.append(
                "These pages loaded but axe never checked them. Move between pages with "
                "portal.goto(), portal.follow() or portal.submit(), which check every page:\n"
                + "\n".join(f"    - {url}" for url in self.unchecked)
            )
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)

    def _record_csp_violation(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.csp_violations.append(f"{self.page.url}: {text}")

    def _screenshot(self, url: str, width: int) -> None:
        if os.environ.get("E2E_SCREENSHOTS") != "1":
            return
        self._shots += 1
        path = url.removeprefix(self.base_url).split("?")[0].strip("/") or "home"
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
        directory = ARTIFACTS / self.artifact_name
        directory.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=directory / f"{self._shots:02d}-{slug}-{width}px.png", full_page=True)
