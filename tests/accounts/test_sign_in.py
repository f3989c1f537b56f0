"""Signing in, signing out and resetting a password, as a person would."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpRequest

pytestmark = pytest.mark.django_db


def test_every_page_needs_sign_in_unless_it_opts_out(client, cast):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/account/"


def test_sign_in_takes_a_lead_to_their_home_page(client, cast):
    response = client.post("/sign-in/", {"username": "lead_a", "password": cast.password}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Alderley Integrated Care System" in page
    assert "Lead" in page


def test_sign_in_returns_to_the_page_asked_for(client, cast):
    response = client.post("/sign-in/?next=/account/", {"username": "lead_a", "password": cast.password})
    assert response["Location"] == "/account/"


def test_sign_in_refuses_a_next_address_on_another_site(client, cast):
    response = client.post(
        "/sign-in/?next=https://evil.example/", {"username": "lead_a", "password": cast.password}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("username", ["lead_a", "no_such_person"])
def test_wrong_password_or_unknown_user_gets_the_same_clear_message_and_keeps_the_username(
    client, cast, username
):
    response = client.post("/sign-in/", {"username": username, "password": "wrong-password-123"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page
    # The error summary links to the first field, and the username is still there.
    assert 'href="#id_username"' in page
    assert f'value="{username}"' in page
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_form_says_what_to_enter_for_each_field(client, cast):
    page = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert 'id="id_username-error"' in page or "govuk-error-message" in page


def test_deactivated_person_cannot_sign_in(client, cast):
    cast.lead_a.is_active = False
    cast.lead_a.save()
    response = client.post("/sign-in/", {"username": "lead_a", "password": cast.password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.lead_a)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response["Location"] == "/sign-in/"
    assert client.get("/account/").status_code == 302


def _reset_link(client, email: str) -> str:
    client.post("/password-reset/", {"email": email})
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)


def test_password_reset_by_email_sets_a_new_password(client, cast):
    link = _reset_link(client, "lead_a@example.org")
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-long-password", "new_password2": "a-brand-new-long-password"},
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    # django-axes needs the request that signs in; the test client's login has none of its own.
    assert client.login(request=HttpRequest(), username="lead_a", password="a-brand-new-long-password")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, cast):
    response = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_with_a_malformed_address_explains_and_keeps_it(client, cast):
    page = client.post("/password-reset/", {"email": "not-an-email"}).content.decode()
    assert "<title>Error: Reset your password" in page
    assert "Enter an email address in the correct format" in page
    assert 'value="not-an-email"' in page


def test_used_or_expired_reset_link_says_so_and_offers_a_new_one(client, cast):
    link = _reset_link(client, "lead_a@example.org")
    user = get_user_model().objects.get(username="lead_a")
    user.set_password("changed-elsewhere-meanwhile")  # invalidates the token, as expiry does
    user.save()
    page = client.get(link, follow=True).content.decode()
    assert "This link has expired" in page
    assert 'href="/password-reset/"' in page


def test_expired_reset_link_after_the_timeout(client, cast, settings):
    link = _reset_link(client, "lead_a@example.org")
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(link, follow=True).content.decode()
    assert "This link has expired" in page


def test_new_password_must_match_and_be_long_enough(client, cast):
    link = _reset_link(client, "lead_a@example.org")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.post(form_url, {"new_password1": "short", "new_password2": "short"}).content.decode()
    assert "<title>Error: Set a new password" in page
    assert "at least 12 characters" in page


def test_account_page_lists_organisations_and_roles(client, cast):
    client.force_login(cast.viewer_a)
    page = client.get("/account/").content.decode()
    assert "Your account" in page
    assert "Alderley Integrated Care System" in page
    assert "Viewer" in page
    assert "Brackenfield" not in page


def test_account_page_shows_cqc_roles(client, cast):
    client.force_login(cast.assessor)
    page = client.get("/account/").content.decode()
    assert "CQC assessor" in page


def test_change_password(client, cast):
    client.force_login(cast.lead_a)
    response = client.post(
        "/account/password/",
        {
            "old_password": cast.password,
            "new_password1": "another-long-password-1",
            "new_password2": "another-long-password-1",
        },
        follow=True,
    )
    assert "Password changed" in response.content.decode()
