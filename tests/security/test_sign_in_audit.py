"""Signing in and out in the audit trail (accounts/sign_in_audit.py), and a session cookie
that outlives its sign-out."""

from __future__ import annotations

import pytest

from accounts import two_factor
from audit.models import AuditEvent
from tests.clients import PortalClient
from tests.factories import next_code

pytestmark = pytest.mark.django_db

IP = "192.0.2.10"


def _sign_in(client, username: str, password: str):
    return client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=IP)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_successful_sign_in_is_recorded_with_who_and_where(client, cast):
    _sign_in(client, "lead_a", cast.password)
    [event] = _events("auth.sign_in")
    assert (event.actor_id, event.actor_username, event.actor_is_staff) == (cast.lead_a.pk, "lead_a", False)
    assert event.summary == "Signed in"
    assert event.ip == IP
    assert event.path == "/sign-in/"
    assert event.detail == {"second_factor": "none"}


def test_staff_sign_in_records_the_password_then_the_code(client, cast):
    _sign_in(client, "assessor", cast.password)
    [event] = _events("auth.sign_in")
    assert event.summary == "Password accepted; the second factor comes next"
    assert event.detail == {"second_factor": "code", "actor_role": "assessor"}
    assert event.actor_is_staff
    client.post("/sign-in/code/", {"code": next_code(two_factor.authenticator(cast.assessor))})
    [accepted] = _events("auth.second_factor")
    assert accepted.actor_username == "assessor"
    assert accepted.summary == "Signed in: code from authenticator app accepted"


@pytest.mark.parametrize("username", ["lead_a", "no_such_person"])
def test_a_failed_sign_in_records_the_username_tried_and_the_address_with_no_actor(client, cast, username):
    _sign_in(client, username, "wrong-password-123")
    [event] = _events("auth.sign_in_failed")
    assert event.actor_id is None
    assert event.actor_username == ""
    assert event.detail == {"username": username}
    assert event.summary == f"Failed sign-in for “{username}”"
    assert event.ip == IP
    assert not _events("auth.sign_in")


def test_signing_out_is_recorded(client, cast):
    client.force_login(cast.viewer_a)
    client.post("/sign-out/", REMOTE_ADDR=IP)
    [event] = _events("auth.sign_out")
    assert event.actor_username == "viewer_a"
    assert event.ip == IP


def test_ten_wrong_passwords_are_each_refused_and_recorded_and_the_lock_is_recorded_and_explained(
    client, cast
):
    responses = [_sign_in(client, "assessor", f"wrong-password-{n:03d}") for n in range(10)]
    assert [r.status_code for r in responses] == [200] * 9 + [429]
    for response in responses[:9]:
        assert "Enter a correct username and password" in response.content.decode()
    assert "Your account is locked for 30 minutes because of too many wrong passwords" in (
        responses[-1].content.decode()
    )
    failures = _events("auth.sign_in_failed")
    assert len(failures) == 10
    assert all(e.detail == {"username": "assessor"} and e.ip == IP for e in failures)
    [locked] = _events("auth.locked_out")
    assert locked.summary == "Sign-in for “assessor” locked for 30 minutes after 10 wrong passwords"
    assert locked.detail == {"username": "assessor", "ip": IP}
    assert locked.ip == IP
    # The right password is refused too while the lock lasts, and that is recorded as well.
    response = _sign_in(client, "assessor", cast.password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(_events("auth.sign_in_failed")) == 11
    assert not _events("auth.sign_in")


@pytest.mark.parametrize("person", ["lead_a", "assessor"])
def test_a_session_cookie_captured_before_sign_out_no_longer_works(client, cast, person):
    _sign_in(client, person, cast.password)
    if person == "assessor":
        client.post("/sign-in/code/", {"code": next_code(two_factor.authenticator(cast.assessor))})
    assert client.get("/account/").status_code == 200
    stolen = client.cookies["sessionid"].value

    client.post("/sign-out/")

    thief = PortalClient()
    thief.cookies["sessionid"] = stolen
    response = thief.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/account/"
    page = thief.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    # Nor can a form be posted with it.
    assert thief.post("/account/two-factor/recovery-codes/")["Location"].startswith("/sign-in/")


def test_using_a_session_after_sign_out_is_recorded_and_the_person_told(client, cast):
    _sign_in(client, "lead_a", cast.password)
    stolen = client.cookies["sessionid"].value
    client.post("/sign-out/")
    assert not _events("auth.ended_session_used")

    thief = PortalClient()
    thief.cookies["sessionid"] = stolen
    response = thief.get("/organisations/", REMOTE_ADDR="203.0.113.7")
    assert response["Location"].startswith("/sign-in/")
    [event] = _events("auth.ended_session_used")
    assert (event.actor_id, event.ip, event.path) == (None, "203.0.113.7", "/organisations/")
    page = thief.get(response["Location"]).content.decode()
    assert "Your session has ended, so you have been signed out." in page
    # The response told the browser to drop the cookie; someone replaying it again is recorded again.
    assert thief.cookies["sessionid"].value == ""
    replay = PortalClient()
    replay.cookies["sessionid"] = stolen
    replay.get("/organisations/")
    assert len(_events("auth.ended_session_used")) == 2


def test_a_first_visit_without_a_cookie_records_nothing(client, cast):
    client.get("/sign-in/")
    client.get("/organisations/")
    assert not _events("auth.ended_session_used")
