"""The second factor: the code after the password, recovery codes, setting up and turning off,
and that a session which still owes a code reaches no other page."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.two_factor_views import NEW_CODES, SETUP_KEY
from audit.models import AuditEvent
from organisations.roles import CQC_ASSESSORS
from tests.clients import PortalClient
from tests.factories import UserFactory, authenticator_for, next_code

pytestmark = pytest.mark.django_db

STAFF = ("assessor", "rubric_admin", "site_admin")
# Pages each kind of staff can normally reach, /admin/ included.
PAGES = {
    "assessor": ["/", "/account/", "/review/", "/organisations/"],
    "rubric_admin": ["/", "/account/", "/rubric/"],
    "site_admin": ["/", "/account/", "/admin/", "/admin/auth/user/"],
}


def _page(response) -> str:
    return response.content.decode()


def _sign_in_with_password(client, username: str, password: str, next_path: str = ""):
    url = "/sign-in/" + (f"?next={next_path}" if next_path else "")
    return client.post(url, {"username": username, "password": password})


def _events(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# A session past the password but not the code reaches nothing else.


@pytest.mark.parametrize("person", STAFF)
def test_staff_past_the_password_only_are_sent_to_the_code_page_from_every_page(client, cast, person):
    client.force_login_unverified(cast.person(person))
    for path in PAGES[person]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/sign-in/code/"), path
        if path != "/":
            assert response["Location"] == f"/sign-in/code/?next={path.replace('/', '%2F')}"
    # A POST is refused the same way, before any view sees it.
    response = client.post("/account/password/", {"old_password": cast.password})
    assert response["Location"] == "/sign-in/code/"
    # The code page itself, its recovery route and signing out are allowed.
    assert client.get("/sign-in/code/").status_code == 200
    assert client.get("/sign-in/recovery-code/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_someone_who_turned_two_factor_on_must_give_the_code_too(client, cast):
    authenticator_for(cast.lead_a)
    client.force_login_unverified(cast.lead_a)
    assert client.get("/account/")["Location"] == "/sign-in/code/?next=%2Faccount%2F"


def test_people_without_two_factor_whose_role_does_not_need_it_go_straight_in(client, cast):
    client.force_login_unverified(cast.lead_a)
    assert client.get("/account/").status_code == 200
    assert "Off: you sign in with your password only" in _page(client.get("/account/"))


@pytest.mark.parametrize("kind", ["assessor", "rubric_admin", "site_admin", "staff_only"])
def test_staff_without_an_authenticator_app_must_set_one_up_before_any_other_page(client, cast, kind):
    person = UserFactory(username=f"new_{kind}", is_staff=kind in ("site_admin", "staff_only"))
    if kind == "site_admin":
        person.is_superuser = True
        person.save()
    if kind == "assessor":
        person.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    if kind == "rubric_admin":
        person.groups.add(Group.objects.get(name="Rubric admins"))
    client.force_login(person)  # No device, so verified is impossible: this is past the password.
    for path in ["/", "/account/", "/admin/", "/review/", "/rubric/", "/account/two-factor/recovery-codes/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/two-factor/set-up/"), path
    assert client.get("/sign-in/code/")["Location"].startswith("/account/two-factor/set-up/")
    page = _page(client.get("/account/two-factor/set-up/"))
    assert "must use two-factor authentication" in page
    # No links to pages they cannot reach yet; signing out is offered.
    assert "govuk-service-navigation" not in page
    assert 'action="/sign-out/"' in page


def test_the_navigation_is_hidden_until_the_code_is_given(client, cast):
    client.force_login_unverified(cast.assessor)
    page = _page(client.get("/sign-in/code/"))
    assert "govuk-service-navigation" not in page
    assert "Use a recovery code instead" in page
    client.force_login(cast.assessor)
    assert "govuk-service-navigation" in _page(client.get("/"))


# The real flow, end to end.


def test_an_assessor_signs_in_with_password_then_code_and_reaches_the_page_asked_for(client, cast):
    response = _sign_in_with_password(client, "assessor", cast.password, next_path="/review/")
    assert response["Location"] == "/review/"
    response = client.get("/review/")
    assert response["Location"] == "/sign-in/code/?next=%2Freview%2F"
    page = _page(client.get(response["Location"]))
    assert '<h1 class="govuk-heading-l">Enter the 6-digit code from your authenticator app</h1>' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    device = two_factor.authenticator(cast.assessor)
    response = client.post("/sign-in/code/?next=/review/", {"code": next_code(device)})
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_valid_password_without_the_code_gets_nowhere(client, cast):
    _sign_in_with_password(client, "site_admin", cast.password)
    for path in ["/", "/admin/", "/admin/auth/user/", "/account/"]:
        assert client.get(path)["Location"].startswith("/sign-in/code/")
    assert client.get("/admin/auth/user/").status_code == 302


def test_wrong_code_is_refused_plainly_and_recorded(client, cast):
    _sign_in_with_password(client, "assessor", cast.password)
    device = two_factor.authenticator(cast.assessor)
    right = next_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/sign-in/code/", {"code": wrong})
    page = _page(response)
    assert response.status_code == 200
    assert "<title>Error: Enter the 6-digit code from your authenticator app" in page
    assert '<a href="#id_code">The code is not right.' in page
    assert client.get("/account/").status_code == 302
    [event] = _events("auth.second_factor_failed")
    assert event.actor_username == "assessor"
    assert event.ip == "127.0.0.1"
    assert event.detail == {"method": "authenticator app", "failures": 1, "actor_role": "assessor"}


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Enter the 6-digit code from your authenticator app"), ("12ab56", "Enter the code as 6 numbers")],
)
def test_empty_or_malformed_code_says_what_to_enter(client, cast, code, message):
    client.force_login_unverified(cast.assessor)
    page = _page(client.post("/sign-in/code/", {"code": code}))
    assert f'<a href="#id_code">{message}' in page


def test_wrong_codes_are_throttled_with_a_plain_message(client, cast):
    client.force_login_unverified(cast.assessor)
    device = two_factor.authenticator(cast.assessor)
    device.throttling_failure_count = 5
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    # Even the right code is not checked while the wait lasts.
    page = _page(client.post("/sign-in/code/", {"code": next_code(device)}))
    assert "You have entered too many wrong codes. Wait 16 seconds, then try again." in page
    assert client.get("/account/").status_code == 302
    assert _events("auth.second_factor_failed")[0].detail["throttled"] is True
    # After ten wrong codes in a row the wait is in minutes.
    device.throttling_failure_count = 10
    device.save()
    page = _page(client.post("/sign-in/code/", {"code": "123456"}))
    assert "Wait 9 minutes, then try again." in page
    # Once the wait is over, the right code works.
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
    device.save()
    assert client.post("/sign-in/code/", {"code": next_code(device)})["Location"] == "/"


def test_a_code_cannot_be_used_twice(client, cast):
    device = two_factor.authenticator(cast.assessor)
    code = next_code(device)
    client.force_login_unverified(cast.assessor)
    assert client.post("/sign-in/code/", {"code": code}).status_code == 302
    other = PortalClient()
    other.force_login_unverified(cast.assessor)
    assert "The code is not right" in _page(other.post("/sign-in/code/", {"code": code}))


def test_the_session_key_changes_when_the_code_is_accepted(client, cast):
    """A session cookie seen between the password and the code is worth nothing afterwards."""
    _sign_in_with_password(client, "assessor", cast.password)
    half_signed_in = client.cookies["sessionid"].value
    client.post("/sign-in/code/", {"code": next_code(two_factor.authenticator(cast.assessor))})
    assert client.cookies["sessionid"].value != half_signed_in
    thief = PortalClient()
    thief.cookies["sessionid"] = half_signed_in
    assert thief.get("/account/")["Location"] == "/sign-in/?next=/account/"


def test_the_next_address_after_the_code_stays_on_this_site(client, cast):
    client.force_login_unverified(cast.assessor)
    response = client.post(
        "/sign-in/code/?next=https://evil.example/",
        {"code": next_code(two_factor.authenticator(cast.assessor))},
    )
    assert response["Location"] == "/"


# Recovery codes.


def _set_up_recovery_codes(user) -> list[str]:
    return two_factor.new_recovery_codes(user)


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, cast):
    codes = _set_up_recovery_codes(cast.assessor)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    client.force_login_unverified(cast.assessor)
    page = _page(client.get("/sign-in/recovery-code/"))
    assert "Enter a recovery code" in page
    # Typed in capitals, with a space: still accepted.
    response = client.post("/sign-in/recovery-code/?next=/account/", {"recovery_code": codes[0].upper()})
    assert response["Location"] == "/account/"
    page = _page(client.get("/account/"))
    assert "You used a recovery code. You have 9 left" in page
    [event] = _events("auth.recovery_code_used")
    assert event.actor_username == "assessor"
    assert event.detail == {"left": 9, "actor_role": "assessor"}

    again = PortalClient()
    again.force_login_unverified(cast.assessor)
    page = _page(again.post("/sign-in/recovery-code/", {"recovery_code": codes[0]}))
    assert "That recovery code is not right, or it has been used already" in page
    assert again.get("/account/").status_code == 302
    assert _events("auth.second_factor_failed")[-1].detail == {
        "method": "recovery code",
        "actor_role": "assessor",
    }


def test_running_low_on_recovery_codes_says_to_get_new_ones(client, cast):
    codes = _set_up_recovery_codes(cast.assessor)
    StaticToken.objects.exclude(token=codes[0].replace("-", "")).exclude(
        token=codes[1].replace("-", "")
    ).delete()
    client.force_login_unverified(cast.assessor)
    client.post("/sign-in/recovery-code/", {"recovery_code": codes[0]})
    page = _page(client.get("/account/"))
    assert "You have 1 left" in page
    assert "Get new recovery codes from your account page." in page


def test_recovery_codes_can_be_replaced_and_the_old_ones_stop_working(client, cast):
    old = _set_up_recovery_codes(cast.lead_a)
    authenticator_for(cast.lead_a)
    client.force_login(cast.lead_a)
    page = _page(client.get("/account/two-factor/recovery-codes/"))
    assert "You have 10 recovery codes left" in page
    assert old[0] not in page
    response = client.post("/account/two-factor/recovery-codes/")
    assert response["Location"] == "/account/two-factor/recovery-codes/"
    page = _page(client.get("/account/two-factor/recovery-codes/"))
    new = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", page)
    assert len(new) == 10
    assert "Keep these codes safe. This is the only time you will see them." in page
    assert not set(new) & set(old)
    assert sorted(t.token for t in StaticToken.objects.filter(device__user=cast.lead_a)) == sorted(
        c.replace("-", "") for c in new
    )
    # Shown once only.
    assert new[0] not in _page(client.get("/account/two-factor/recovery-codes/"))
    assert len(_events("auth.recovery_codes_regenerated")) == 1


# Setting up.


def _setup_code(client) -> str:
    key = bytes.fromhex(client.session[SETUP_KEY])
    import time

    return f"{hotp(key, int(time.time()) // 30):06d}"


def test_staff_set_up_an_authenticator_app_after_the_password_and_see_recovery_codes_once(client, cast):
    person = UserFactory(username="new_assessor")
    person.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    response = _sign_in_with_password(client, "new_assessor", cast.password, next_path="/review/")
    response = client.get(response["Location"])
    assert response["Location"] == "/account/two-factor/set-up/?next=%2Freview%2F"
    response = client.get(response["Location"])
    page = _page(response)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]

    # The QR code: inline SVG, an image to assistive technology, with no style attribute.
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-label="QR code for your authenticator app"' in svg
    assert "style" not in svg
    # The key as text, in groups of 4, for people who cannot scan.
    key = client.session[SETUP_KEY]
    text = b32encode(bytes.fromhex(key)).decode()
    grouped = " ".join(text[i : i + 4] for i in range(0, len(text), 4))
    assert f'id="setup-key">{grouped}</p>' in page
    # Nothing is stored until a code confirms the app.
    assert not TOTPDevice.objects.filter(user=person).exists()

    page = _page(client.post("/account/two-factor/set-up/?next=/review/", {"code": "000000"}))
    assert "The code is not right" in page
    assert not TOTPDevice.objects.filter(user=person).exists()

    response = client.post("/account/two-factor/set-up/?next=/review/", {"code": _setup_code(client)})
    assert response["Location"] == "/account/two-factor/recovery-codes/?next=%2Freview%2F"
    device = TOTPDevice.objects.get(user=person)
    assert device.confirmed and device.key == key
    assert SETUP_KEY not in client.session

    page = _page(client.get(response["Location"]))
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", page)
    assert len(codes) == 10
    assert "Keep these codes safe" in page
    assert re.search(r'<a href="/review/"[^>]*>I have kept my recovery codes safe</a>', page)
    assert NEW_CODES not in client.session
    # The session is verified by the new app: the page asked for is open.
    assert client.get("/review/").status_code == 200
    [event] = _events("auth.two_factor_set_up")
    assert event.actor_username == "new_assessor"
    assert event.actor_is_staff
    assert event.detail == {"replaced_earlier_app": False, "actor_role": "assessor"}


def test_anyone_can_turn_two_factor_on_then_needs_the_code_and_can_turn_it_off(client, cast):
    client.force_login(cast.lead_a)
    page = _page(client.get("/account/"))
    assert re.search(r'<a href="/account/two-factor/set-up/"[^>]*>Set up two-factor authentication</a>', page)
    page = _page(client.get("/account/two-factor/set-up/"))
    assert "must use two-factor authentication" not in page
    client.post("/account/two-factor/set-up/", {"code": _setup_code(client)})
    page = _page(client.get("/account/"))
    assert "On: you sign in with your password and a code" in page
    assert "10 left" in page
    assert 'href="/account/two-factor/turn-off/"' in page

    # Next time, the code is needed.
    client.post("/sign-out/")
    _sign_in_with_password(client, "lead_a", cast.password)
    assert client.get("/account/")["Location"].startswith("/sign-in/code/")
    client.post("/sign-in/code/", {"code": next_code(two_factor.authenticator(cast.lead_a))})

    assert "Turn off two-factor authentication" in _page(client.get("/account/two-factor/turn-off/"))
    response = client.post("/account/two-factor/turn-off/")
    assert response["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=cast.lead_a).exists()
    assert not StaticDevice.objects.filter(user=cast.lead_a).exists()
    assert len(_events("auth.two_factor_turned_off")) == 1
    client.post("/sign-out/")
    _sign_in_with_password(client, "lead_a", cast.password)
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize("person", STAFF)
def test_people_whose_role_needs_two_factor_cannot_turn_it_off(client, cast, person):
    client.force_login(cast.person(person))
    page = _page(client.get("/account/"))
    assert "Your CQC role needs two-factor authentication, so you cannot turn it off." in page
    assert "/account/two-factor/turn-off/" not in page
    for method in ("get", "post"):
        response = getattr(client, method)("/account/two-factor/turn-off/")
        assert response.status_code == 403
        assert "You cannot turn off two-factor authentication" in _page(response)
    assert two_factor.has_two_factor(cast.person(person))
    assert not _events("auth.two_factor_turned_off")


def test_staff_can_replace_their_authenticator_app(client, cast):
    client.force_login(cast.assessor)
    old = two_factor.authenticator(cast.assessor)
    assert "Set up a new authenticator app" in _page(client.get("/account/two-factor/set-up/"))
    client.post("/account/two-factor/set-up/", {"code": _setup_code(client)})
    new = two_factor.authenticator(cast.assessor)
    assert new.pk != old.pk
    assert TOTPDevice.objects.filter(user=cast.assessor).count() == 1
    assert _events("auth.two_factor_set_up")[0].detail == {
        "replaced_earlier_app": True,
        "actor_role": "assessor",
    }
    assert client.get("/review/").status_code == 200


def test_wrong_recovery_codes_are_throttled_too(client, cast):
    codes = _set_up_recovery_codes(cast.assessor)
    client.force_login_unverified(cast.assessor)
    client.post("/sign-in/recovery-code/", {"recovery_code": "aaaa-aaaa"})
    device = two_factor.recovery_device(cast.assessor)
    assert device.throttling_failure_count == 1
    device.throttling_failure_count = 4
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    page = _page(client.post("/sign-in/recovery-code/", {"recovery_code": codes[0]}))
    assert "You have entered too many wrong codes. Wait 8 seconds, then try again." in page
    assert two_factor.recovery_codes_left(cast.assessor) == 10
    assert client.get("/account/").status_code == 302


def test_turning_two_factor_on_signs_the_persons_other_sessions_out(client, cast):
    laptop = PortalClient()
    laptop.force_login(cast.lead_a)
    assert laptop.get("/account/").status_code == 200
    client.force_login(cast.lead_a)
    client.get("/account/two-factor/set-up/")
    client.post("/account/two-factor/set-up/", {"code": _setup_code(client)})
    assert client.get("/account/").status_code == 200
    assert laptop.get("/account/")["Location"] == "/sign-in/?next=/account/"
    # Signing in there again needs the code.
    _sign_in_with_password(laptop, "lead_a", cast.password)
    assert laptop.get("/account/")["Location"] == "/sign-in/code/?next=%2Faccount%2F"


def test_turning_two_factor_off_signs_the_persons_other_sessions_out(client, cast):
    authenticator_for(cast.lead_a)
    phone = PortalClient()
    phone.force_login(cast.lead_a)
    assert phone.get("/account/").status_code == 200
    client.force_login(cast.lead_a)
    client.post("/account/two-factor/turn-off/")
    assert client.get("/account/").status_code == 200
    assert phone.get("/account/")["Location"] == "/sign-in/?next=/account/"


def test_whether_a_person_has_an_app_is_asked_once_a_session_not_on_every_request(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login_unverified(cast.lead_a)
    client.get("/organisations/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/organisations/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    # A fresh session asks again, and finds an app set up meanwhile.
    authenticator_for(cast.lead_a)
    fresh = PortalClient()
    fresh.force_login_unverified(cast.lead_a)
    assert fresh.get("/account/")["Location"] == "/sign-in/code/?next=%2Faccount%2F"


def test_an_app_removed_elsewhere_does_not_trap_the_session_at_the_code_page(client, cast):
    authenticator_for(cast.lead_a)
    client.force_login_unverified(cast.lead_a)
    assert client.get("/account/")["Location"] == "/sign-in/code/?next=%2Faccount%2F"
    # A site admin removes the app in site administration: this session remembered it.
    TOTPDevice.objects.filter(user=cast.lead_a).delete()
    response = client.get("/sign-in/code/?next=/account/")
    assert response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
