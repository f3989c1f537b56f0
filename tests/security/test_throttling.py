"""Sign-in throttling (django-axes): ten wrong passwords lock a username at an address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

LOCKED = "Your account is locked for 30 minutes because of too many wrong passwords"


def _sign_in(client, username: str, password: str, ip: str = "192.0.2.10"):
    return client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username: str, times: int, ip: str = "192.0.2.10"):
    return [_sign_in(client, username, "wrong-password-123", ip) for _ in range(times)]


def test_nine_wrong_passwords_still_let_the_right_one_in(client, cast):
    responses = _fail(client, "lead_a", 9)
    assert all(r.status_code == 200 for r in responses)
    assert _sign_in(client, "lead_a", cast.password).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.lead_a.pk)


def test_ten_wrong_passwords_lock_and_then_the_right_one_is_refused(client, cast):
    *_, tenth = _fail(client, "lead_a", 10)
    assert tenth.status_code == 429
    assert LOCKED in tenth.content.decode()
    response = _sign_in(client, "lead_a", cast.password)
    page = response.content.decode()
    assert response.status_code == 429
    assert "<title>Your account is locked" in page
    assert LOCKED in page
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_forgets_earlier_typos(client, cast):
    _fail(client, "lead_a", 9)
    assert _sign_in(client, "lead_a", cast.password).status_code == 302
    client.post("/sign-out/")
    assert all(r.status_code == 200 for r in _fail(client, "lead_a", 9))


def test_a_lock_is_for_that_username_at_that_address_only(client, cast):
    _fail(client, "lead_a", 10)
    # Another person at the same address signs in as usual.
    assert _sign_in(client, "contributor_a", cast.password).status_code == 302
    client.post("/sign-out/")
    # The same person from another address is not locked out by someone guessing elsewhere.
    assert _sign_in(client, "lead_a", cast.password, ip="198.51.100.7").status_code == 302


def test_an_unknown_username_is_locked_the_same_way(client, cast):
    """Nothing in the answer tells an attacker whether the username exists."""
    *_, tenth = _fail(client, "no_such_person", 10)
    assert tenth.status_code == 429
    assert LOCKED in tenth.content.decode()


def test_resetting_the_username_unlocks_it(client, cast):
    _fail(client, "lead_a", 10)
    assert AccessAttempt.objects.filter(username="lead_a").exists()
    call_command("axes_reset_username", "lead_a")
    assert _sign_in(client, "lead_a", cast.password).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=5))
def test_the_limit_and_the_lock_time_are_settings(client, cast):
    *_, third = _fail(client, "lead_a", 3)
    assert third.status_code == 429
    assert "locked for 5 minutes" in third.content.decode()


def test_a_site_admin_sees_and_can_unlock_attempts_in_site_administration(client, cast):
    _fail(client, "lead_a", 10)
    client.force_login(cast.site_admin)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "lead_a" in response.content.decode()
    attempt = AccessAttempt.objects.get(username="lead_a")
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, "lead_a", cast.password).status_code == 302


def test_behind_the_proxy_the_address_is_the_last_forwarded_one(rf, settings):
    from engagement_portal.lib.client_ip import client_ip

    settings.HTTPS = True
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.44", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "192.0.2.44"
    settings.HTTPS = False
    assert client_ip(request) == "10.0.0.2"
