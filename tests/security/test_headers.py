"""Security headers: the Content Security Policy on every page, beside HSTS, nosniff and friends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/sign-in/", "/accessibility/", "/healthz"])
def test_every_response_carries_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_one_inline_script_carries_this_responses_nonce(client, cast):
    client.force_login(cast.lead_a)
    first, second = client.get("/"), client.get("/")
    nonces = []
    for response in (first, second):
        scripts = re.findall(r"<script([^>]*)>", response.content.decode())
        inline = [attrs for attrs in scripts if "src=" not in attrs]
        assert len(inline) == 1
        nonce = re.search(r'nonce="([^"]+)"', inline[0]).group(1)
        assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
        nonces.append(nonce)
    # A fresh nonce each time: a nonce an attacker could predict would be worth nothing.
    assert nonces[0] != nonces[1]


def test_served_templates_have_no_inline_styles_or_scripts_without_a_nonce():
    """PDF templates are left out: WeasyPrint renders them and they are never served as HTML."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.relative_to(ROOT / "templates").parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle=|<style", text):
            offenders.append(f"{path}: inline style")
        for attrs in re.findall(r"<script([^>]*)>", text):
            if "src=" not in attrs and "nonce=" not in attrs:
                offenders.append(f"{path}: inline script without a nonce")
    assert offenders == []


def test_other_security_headers_are_set(client):
    response = client.get("/sign-in/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
