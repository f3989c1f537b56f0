"""Sessions end: 30 idle minutes, 12 hours in all, or when a person is deactivated."""

from __future__ import annotations

import time

import pytest

from accounts.security import SessionTimeoutMiddleware
from engagement_portal.lib.sessions import end_sessions
from organisations.models import Membership
from tests.clients import PortalClient
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IDLE = "You were signed out because you were inactive for 30 minutes."


@pytest.fixture
def clock(monkeypatch):
    """Moves the middleware's clock on without waiting."""
    now = [time.time()]
    monkeypatch.setattr("accounts.security.time.time", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds

    return advance


def _sign_in(client, cast, username="lead_a"):
    response = client.post("/sign-in/", {"username": username, "password": cast.password})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_a_person_active_within_30_minutes_stays_signed_in(client, cast, clock):
    _sign_in(client, cast)
    for _ in range(5):
        clock(29 * 60)
        assert client.get("/account/").status_code == 200


def test_30_idle_minutes_sign_a_person_out_with_a_message_on_the_sign_in_page(client, cast, clock):
    _sign_in(client, cast)
    clock(30 * 60 + 1)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/account/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert IDLE in page
    assert "Sign in again to carry on." in page
    # And it stays signed out.
    assert client.get("/account/").status_code == 302


def test_the_idle_limit_is_a_setting(client, cast, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _sign_in(client, cast)
    clock(5 * 60 + 1)
    response = client.get("/account/", follow=True)
    assert "You were signed out because you were inactive for 5 minutes." in response.content.decode()


def test_a_session_ends_12_hours_after_sign_in_however_active(client, cast, clock):
    _sign_in(client, cast)
    for _ in range(12 * 4):
        clock(15 * 60)
        response = client.get("/account/")
    # 12 hours exactly is still allowed; a minute later is not.
    assert response.status_code == 200
    clock(60)
    response = client.get("/account/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "You were signed out because you had been signed in for 12 hours." in response.content.decode()


def test_the_last_use_is_written_at_most_once_a_minute(client, cast, clock):
    _sign_in(client, cast)
    seen = client.session[SessionTimeoutMiddleware.LAST_SEEN]
    clock(30)
    client.get("/account/")
    assert client.session[SessionTimeoutMiddleware.LAST_SEEN] == seen
    clock(31)
    client.get("/account/")
    assert client.session[SessionTimeoutMiddleware.LAST_SEEN] > seen


def test_a_post_after_the_idle_limit_is_not_carried_out(client, cast, clock):
    _sign_in(client, cast)
    clock(31 * 60)
    response = client.post("/account/password/", {"old_password": cast.password})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"


def test_deactivating_a_person_signs_them_out_at_their_next_request(client, cast):
    _sign_in(client, cast)
    cast.lead_a.is_active = False
    cast.lead_a.save(update_fields=["is_active"])
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    # Their session is over, not just ignored.
    assert "_auth_user_id" not in client.session
    # And they cannot sign in again.
    response = client.post("/sign-in/", {"username": "lead_a", "password": cast.password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def _signed_in_client(cast, username):
    client = PortalClient()
    _sign_in(client, cast, username)
    return client


def _is_signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_removing_a_persons_last_membership_in_site_administration_signs_them_out_everywhere(cast):
    laptop, phone = _signed_in_client(cast, "lead_a"), _signed_in_client(cast, "lead_a")
    colleague = _signed_in_client(cast, "contributor_a")
    admin = PortalClient()
    admin.force_login(cast.site_admin)
    membership = Membership.objects.get(user=cast.lead_a)
    response = admin.post(f"/admin/organisations/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not _is_signed_in(laptop)
    assert not _is_signed_in(phone)
    assert _is_signed_in(colleague)
    assert _is_signed_in(admin)


def test_removing_memberships_in_bulk_signs_out_only_people_left_with_none(cast):
    MembershipFactory(user=cast.contributor_a, organisation=cast.org_b, role=Membership.Role.VIEWER)
    lead, contributor = _signed_in_client(cast, "lead_a"), _signed_in_client(cast, "contributor_a")
    admin = PortalClient()
    admin.force_login(cast.site_admin)
    removed = Membership.objects.filter(organisation=cast.org_a, user__in=[cast.lead_a, cast.contributor_a])
    response = admin.post(
        "/admin/organisations/membership/",
        {"action": "delete_selected", "_selected_action": [m.pk for m in removed], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=cast.lead_a).exists()
    assert not _is_signed_in(lead)
    # Still a viewer in organisation B: signed in, and the pages check what they may see.
    assert _is_signed_in(contributor)


def test_removing_a_membership_from_the_organisation_page_signs_the_person_out(cast):
    viewer = _signed_in_client(cast, "viewer_a")
    admin = PortalClient()
    admin.force_login(cast.site_admin)
    url = f"/admin/organisations/organisation/{cast.org_a.pk}/change/"
    form = admin.get(url).context["adminform"].form
    inline = admin.get(url).context["inline_admin_formsets"][0].formset
    data = {field: form[field].value() for field in form.fields if form[field].value() is not None}
    management = inline.management_form
    prefix = inline.prefix
    data.update({f"{prefix}-{name}": management[name].value() for name in management.fields})
    for i, subform in enumerate(inline.forms):
        for name in subform.fields:
            value = subform[name].value()
            if value is not None:
                data[f"{prefix}-{i}-{name}"] = value
        if subform.instance.pk and subform.instance.user_id == cast.viewer_a.pk:
            data[f"{prefix}-{i}-DELETE"] = "on"
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Membership.objects.filter(user=cast.viewer_a).exists()
    assert not _is_signed_in(viewer)


def test_end_sessions_leaves_other_peoples_sessions_alone(cast):
    lead, lead_b = _signed_in_client(cast, "lead_a"), _signed_in_client(cast, "lead_b")
    assert end_sessions(user_ids=[cast.lead_a.pk]) == 1
    assert not _is_signed_in(lead)
    assert _is_signed_in(lead_b)
