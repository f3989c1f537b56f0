"""seed_demo's CQC people and two-factor authentication: a newcomer can still sign in as them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

STAFF = ["assessor", "assessor2", "rubric.admin", "site.admin"]


def test_seed_demo_gives_its_cqc_people_an_authenticator_app_with_the_printed_demo_key(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert (
        "DEMO ONLY: their authenticator apps share the key DEMO DEMO DEMO DEMO DEMO DEMO DEMO DEMO" in output
    )
    assert "manage.py demo_code" in output
    devices = TOTPDevice.objects.select_related("user")
    assert sorted(d.user.username for d in devices) == sorted(STAFF)
    assert all(d.confirmed for d in devices)
    # The key authenticator apps take ("DEMO" eight times, base32), stored as django-otp stores it.
    assert {d.key for d in devices} == {"1918e" * 8}


def test_a_newcomer_signs_in_as_the_demo_assessor_with_the_code_demo_code_prints(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/sign-in/?next=/review/", {"username": "assessor", "password": "demo-password-2026"}
    )
    assert client.get(response["Location"])["Location"] == "/sign-in/code/?next=%2Freview%2F"
    capsys.readouterr()
    call_command("demo_code")
    code = capsys.readouterr().out.split()[0]
    assert len(code) == 6 and code.isdigit()
    response = client.post("/sign-in/code/?next=/review/", {"code": code})
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


def test_demo_code_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("demo_code")


def test_demo_people_without_a_cqc_role_have_no_second_factor(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    lead = get_user_model().objects.get(username="lead.northmoor")
    assert not TOTPDevice.objects.filter(user=lead).exists()
