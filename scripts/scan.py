"""Scan the portal with wapiti, as it runs in production: `make scan`.

What it does, all in a throwaway folder (removed afterwards; the reports are copied to
var/scan/):

1. builds a SQLite database with the demo data (`seed_demo`, which needs DJANGO_DEBUG=1 for
   that one command), collects the static files, and serves the portal with gunicorn on
   127.0.0.1 under production settings: DJANGO_DEBUG off, a random secret key,
   DJANGO_ALLOWED_HOSTS=127.0.0.1;
2. runs wapiti (Debian's package, `apt-get install wapiti`) twice: without signing in, then
   signed in as the demo engagement lead `lead.northmoor` (its session cookie handed to wapiti;
   the sign-out address excluded so the scan stays signed in);
3. prints the findings of both reports, known false positives apart with the reason each is one
   (`false_positive`), and exits 1 when any other finding is above low severity (wapiti's
   levels: 1 low, 2 medium, 3 high, 4 critical) or the server answered any request with a 500.

`scan.py --report-only` prints the last reports (var/scan/) again without scanning.

The scan is kept short: a handful of attack modules (no time-based blind SQL injection, no SSRF,
which needs an outside endpoint), a limited crawl, and time limits per module and per scan, so
both scans finish in about ten minutes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
REPORTS = ROOT / "var" / "scan"
LEAD = ("lead.northmoor", "demo-password-2026")
MODULES = "http_headers,cookieflags,csp,csrf,methods,xss,permanentxss,sql,exec,file,redirect,crlf"
LEVELS = {"0": "info", "1": "low", "2": "medium", "3": "high", "4": "critical"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLAMD_"))}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SQLITE_PATH=str(folder / "scan.sqlite3"),
        EVIDENCE_ROOT=str(folder / "evidence"),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed


def _wait_for(url: str, server: subprocess.Popen) -> None:
    for _ in range(60):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}); see its log")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our loopback server
            return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    sys.exit(f"the portal did not answer {url}")


def _sign_in(base: str, folder: Path) -> Path:
    """Sign in as the demo lead and write the session as a wapiti cookie file."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": LEAD[0], "password": LEAD[1], "csrfmiddlewaretoken": token})
    home = opener.open(f"{base}/sign-in/", data=data.encode(), timeout=10)
    if "/sign-in/" in home.geturl() or not any(c.name == "sessionid" for c in jar):
        sys.exit(f"could not sign in as {LEAD[0]}")
    cookies: dict = {}
    for cookie in jar:
        cookies.setdefault(cookie.domain, {}).setdefault(cookie.path, {})[cookie.name] = {
            "value": cookie.value,
            "expires": cookie.expires,
            "secure": cookie.secure,
            "port": None,
            "version": 0,
        }
    path = folder / "cookies.json"
    path.write_text(json.dumps(cookies))
    return path


def _wapiti(base: str, folder: Path, name: str, *extra: str) -> Path:
    report = folder / f"{name}.json"
    command = [
        "/usr/bin/python3", str(ROOT / "scripts" / "wapiti_compat.py"),
        "-u", f"{base}/", "--scope", "folder", "-m", MODULES,
        "-d", "4", "--max-links-per-page", "40", "--max-files-per-dir", "30",
        "--max-attack-time", "40", "--max-scan-time", "330", "-t", "15",
        "-x", f"{base}/sign-out/", "-x", f"{base}/admin/*",
        "--flush-session", "--store-session", str(folder / f"{name}-session"),
        "--store-config", str(folder / f"{name}-config"),
        "-f", "json", "-o", str(report), "-v", "1", "--no-bugreport", *extra,
    ]  # fmt: skip
    print(f"\n== wapiti: {name}", flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=folder, check=False, timeout=600)  # noqa: S603 - Debian's wapiti, fixed arguments
    print(f"== wapiti: {name} took {time.monotonic() - started:.0f} s", flush=True)
    if not report.exists():
        sys.exit(f"wapiti wrote no report for the {name} scan")
    return report


def false_positive(category: str, finding: dict) -> str | None:
    """Why a finding is known not to be a problem, or None."""
    info = str(finding.get("info", ""))
    request = finding.get("http_request", "")
    if info.startswith("Lack of anti CSRF token") and re.search(r'csrfmiddlewaretoken(=|")', request):
        return (
            "the form carries Django's token, csrfmiddlewaretoken, a name wapiti 3.0.4 does not know; every "
            "form endpoint refuses a post without it with a 403 (tests/security/test_csrf.py)"
        )
    if info.startswith(("Secure flag is not set in the cookie", "Strict-Transport-Security is not set")):
        return (
            "served over plain HTTP for the scan; with DJANGO_HTTPS=1, as in production, both cookies "
            "are Secure and HSTS is sent (CI's check --deploy fails otherwise)"
        )
    if info.startswith("X-XSS-Protection is not set"):
        return (
            "a retired header: browsers have removed the filter it switched on, and OWASP advises "
            "against sending it; the Content Security Policy is what stops injected scripts"
        )
    return None


def summarise(report: Path) -> tuple[list[str], list[str], int]:
    """The report's findings, its known false positives, and how many findings are above low."""
    data = json.loads(report.read_text())
    lines, dismissed, serious = [], [], 0
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, findings in sorted(data.get(section, {}).items()):
            for finding in findings:
                level = str(finding.get("level", ""))
                where = f"{finding.get('method', '')} {finding.get('path', '')}".strip()
                parameter = finding.get("parameter") or ""
                info = " ".join(str(finding.get("info", "")).split())[:160]
                line = (
                    f"  [{LEVELS.get(level, level or '?')}] {category}: {where}"
                    + (f" (parameter {parameter})" if parameter else "")
                    + f": {info}"
                )
                reason = false_positive(category, finding)
                if reason:
                    dismissed.append(f"{line}\n      false positive: {reason}")
                    continue
                serious += section != "additionals" and level in {"2", "3", "4"}
                lines.append(line)
    return lines, dismissed, serious


def print_findings(reports: dict[str, Path]) -> int:
    """Print each report's findings; return how many are above low and not false positives."""
    total_serious = 0
    print("\n==== Findings ====")
    for title, report in reports.items():
        lines, dismissed, serious = summarise(report)
        total_serious += serious
        print(
            f"\n{title}: {len(lines)} finding(s), {serious} above low severity, "
            f"{len(dismissed)} known false positive(s) (var/scan/{report.name})"
        )
        print("\n".join(lines) if lines else "  no findings")
        if dismissed:
            print("  Known false positives:")
            print("\n".join(dismissed))
    return total_serious


def main() -> int:
    if sys.argv[1:] == ["--report-only"]:
        # The last scan's reports again, without scanning.
        reports = {"signed out": REPORTS / "anonymous.json", "signed in as the lead": REPORTS / "lead.json"}
        return 1 if print_findings(reports) else 0
    if shutil.which("wapiti") is None:
        sys.exit("wapiti is not installed: apt-get install wapiti")
    folder = Path(tempfile.mkdtemp(prefix="portal-scan-"))
    env = _environment(folder)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage({**env, "DJANGO_DEBUG": "1"}, "seed_demo")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        log = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(GUNICORN), "engagement_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--access-logfile", "-", "--error-logfile", "-"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        _wait_for(f"{base}/healthz", server)
        reports = {"signed out": _wapiti(base, folder, "anonymous")}
        cookies = _sign_in(base, folder)
        reports["signed in as the lead"] = _wapiti(base, folder, "lead", "-c", str(cookies))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    REPORTS.mkdir(parents=True, exist_ok=True)
    errors = [line for line in (folder / "gunicorn.log").read_text().splitlines() if '" 500 ' in line]
    shutil.copy(folder / "gunicorn.log", REPORTS / "gunicorn.log")
    for report in reports.values():
        shutil.copy(report, REPORTS / report.name)
    total_serious = print_findings(reports)
    print(f"\nServer errors (500) while scanning: {len(errors)}")
    for line in errors[:20]:
        print(f"  {line}")
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if total_serious or errors else 0


if __name__ == "__main__":
    sys.exit(main())
