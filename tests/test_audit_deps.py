"""scripts/audit_deps.py: a vulnerability fails, a service that cannot be reached does not."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit_deps.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _npm_says(monkeypatch, audit, report: dict, returncode: int = 1) -> None:
    def run(command, **kwargs):
        assert command[:2] == ["npm", "audit"]
        return subprocess.CompletedProcess(command, returncode, stdout=json.dumps(report), stderr="")

    monkeypatch.setattr(audit.subprocess, "run", run)


def test_npm_vulnerabilities_fail(monkeypatch, audit, capsys):
    counts = {"info": 0, "low": 0, "moderate": 1, "high": 0, "critical": 0, "total": 1}
    report = {
        "vulnerabilities": {"sass": {"severity": "moderate", "range": "<1.2"}},
        "metadata": {"vulnerabilities": counts},
    }
    _npm_says(monkeypatch, audit, report)
    assert audit.npm_audit() is False
    assert "FAILED" in capsys.readouterr().out


def test_npm_clean_passes(monkeypatch, audit, capsys):
    counts = {"info": 0, "low": 0, "moderate": 0, "high": 0, "critical": 0, "total": 0}
    _npm_says(monkeypatch, audit, {"vulnerabilities": {}, "metadata": {"vulnerabilities": counts}}, 0)
    assert audit.npm_audit() is True
    assert "OK:" in capsys.readouterr().out


def test_an_unreachable_npm_audit_service_is_reported_and_does_not_fail(monkeypatch, audit, capsys):
    _npm_says(monkeypatch, audit, {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/x"})
    assert audit.npm_audit() is True
    assert "NOT CHECKED" in capsys.readouterr().out


def test_pip_audit_findings_fail_where_pypi_answers(monkeypatch, audit, capsys):
    monkeypatch.setattr(audit, "_pypi_answers", lambda: None)
    ran = []

    def run(command, **kwargs):
        ran.append(command)
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(audit.subprocess, "run", run)
    assert audit.pip_audit() is False
    assert "--strict" in ran[0]
    assert "FAILED" in capsys.readouterr().out


def test_pip_audit_is_not_run_where_pypi_does_not_answer(monkeypatch, audit, capsys):
    monkeypatch.setattr(audit, "_pypi_answers", lambda: "https://pypi.org/... answered HTTP 404")
    monkeypatch.setattr(audit.subprocess, "run", lambda *a, **k: pytest.fail("pip-audit ran"))
    assert audit.pip_audit() is True
    assert "NOT CHECKED" in capsys.readouterr().out
