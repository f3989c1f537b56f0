"""Nothing a later request needs is kept inside one process, so any app server can answer it.

test_two_servers.py shows it with real processes; these pin down the settings behind it, quickly,
so a change that would quietly break a multi-server deployment fails here with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
OUR_CODE = (
    "engagement_portal",
    "organisations",
    "accounts",
    "assessments",
    "evidence",
    "principles",
    "reviews",
    "audit",
    "records",
    "home",
)


@pytest.mark.django_db
def test_sessions_and_failed_sign_ins_are_rows_in_the_shared_database(client, cast):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"

    client.post("/sign-in/", {"username": "lead_a", "password": "not the password"})
    assert AccessAttempt.objects.filter(username="lead_a", failures_since_start=1).exists()

    client.post("/sign-in/", {"username": "lead_a", "password": cast.password})
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_the_portal_keeps_nothing_in_the_per_process_cache():
    """The cache is each process's own memory (settings.CACHES), so anything stored there is
    invisible to the other servers. Code that starts using it needs a shared cache first: see
    README, "Running at scale"."""
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    uses = re.compile(r"django\.core\.cache|cache_page|cache_control|cached_db|\bcaches\[")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in OUR_CODE
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if uses.search(line) and path != ROOT / "engagement_portal" / "settings.py"
    ]
    assert found == [], "The per-process cache is used:\n" + "\n".join(found)


@pytest.mark.django_db
def test_a_session_signed_with_an_earlier_secret_key_survives_while_that_key_is_a_fallback(cast, settings):
    """Changing the key one server at a time signs nobody out, as long as every server lists
    the other key in DJANGO_SECRET_KEY_FALLBACKS; without it, the change signs everyone out."""
    old_key = settings.SECRET_KEY
    kept, lost = Client(), Client()
    for browser in (kept, lost):
        browser.force_login(cast.lead_a)
        assert browser.get("/account/").status_code == 200

    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789-abcdefghij"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert kept.get("/account/").status_code == 200

    # Once used, the session is re-signed with the new key and outlives the fallback.
    settings.SECRET_KEY_FALLBACKS = []
    assert kept.get("/account/").status_code == 200
    assert lost.get("/account/").status_code == 302
