"""Known vulnerabilities in our dependencies: pip-audit for Python, npm audit for npm.

    .venv/bin/python scripts/audit_deps.py      (or: make audit-deps)

Each check runs only where its vulnerability service answers. pip-audit asks PyPI's JSON API
about each installed package's exact version (https://pypi.org/pypi/NAME/VERSION/json); npm
audit posts package-lock.json's packages to the registry's bulk advisory endpoint. Some
machines reach the package registries through a mirror or proxy that serves packages but not
these endpoints: there the check prints that it could NOT run, and why, and does not fail.
Where a service answers and reports a vulnerability, the script exits 1 (CI fails).

pip-audit audits the project's virtualenv (every pinned dependency and what they bring), with
--strict, so a package it could not look up is a failure rather than a silent pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 45  # seconds per check: both together stay well inside a minute of CI


def _pinned_django() -> str:
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return next(pin.split("==", 1)[1] for pin in pins if pin.lower().startswith("django=="))


def _pypi_answers() -> str | None:
    """None when PyPI's per-version JSON API answers as pip-audit needs; else why not."""
    url = f"https://pypi.org/pypi/Django/{_pinned_django()}/json"
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}"
    except (OSError, ValueError) as error:
        return f"{url} could not be read ({error})"
    if "vulnerabilities" not in body:
        return f"{url} answered without the 'vulnerabilities' list pip-audit reads"
    return None


def pip_audit() -> bool:
    """True unless pip-audit ran and found something."""
    print("== pip-audit (Python dependencies, PyPI's vulnerability data)")
    why_not = _pypi_answers()
    if why_not:
        print(f"NOT CHECKED: PyPI's vulnerability API is not reachable from this machine: {why_not}.")
        print("The Python dependencies were not audited. Run `make audit-deps` where pypi.org answers.")
        return True
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--local",
        "--strict",
        "--skip-editable",
        "--progress-spinner",
        "off",
    ]
    try:
        result = subprocess.run(command, cwd=ROOT, timeout=TIMEOUT, check=False)  # noqa: S603 - fixed command
    except subprocess.TimeoutExpired:
        print(f"NOT CHECKED: pip-audit took more than {TIMEOUT} seconds and was stopped.")
        return True
    if result.returncode != 0:
        print("FAILED: pip-audit reported the vulnerabilities (or unauditable packages) above.")
        return False
    print("OK: no known vulnerabilities in the Python dependencies.")
    return True


def npm_audit() -> bool:
    """True unless npm audit ran and found something."""
    print("== npm audit (package-lock.json, the npm registry's advisories)")
    command = ["npm", "audit", "--json", "--audit-level=low"]
    try:
        result = subprocess.run(  # noqa: S603 - fixed command
            command, cwd=ROOT, timeout=TIMEOUT, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        print("NOT CHECKED: npm is not installed.")
        return True
    except subprocess.TimeoutExpired:
        print(f"NOT CHECKED: npm audit took more than {TIMEOUT} seconds and was stopped.")
        return True
    try:
        report = json.loads(result.stdout or "{}")
    except ValueError:
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities")
    if counts is None:
        reason = report.get("message") or (result.stderr.strip().splitlines() or ["no report"])[-1]
        print(f"NOT CHECKED: the npm registry's audit service is not reachable from this machine: {reason}.")
        print("The npm dependencies were not audited. Run `make audit-deps` where it answers.")
        return True
    found = {level: n for level, n in counts.items() if level != "total" and n}
    if found:
        for name, advisory in sorted(report.get("vulnerabilities", {}).items()):
            print(f"  {name}: {advisory.get('severity')} ({advisory.get('range', '')})")
        print(f"FAILED: npm audit found vulnerabilities: {found}. See `npm audit` for advice.")
        return False
    print("OK: no known vulnerabilities in the npm dependencies.")
    return True


def main() -> int:
    results = [pip_audit(), npm_audit()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
