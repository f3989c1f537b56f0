"""A form sent without its CSRF token: a plain-English GOV.UK page, an audit event, nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Membership
from tests.clients import PortalClient
from tests.fuzz import snapshot
from tests.fuzz.registry import targets
from tests.permissions import matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client() -> PortalClient:
    return PortalClient(enforce_csrf_checks=True)


def test_a_form_without_its_token_is_refused_in_plain_english_and_writes_nothing(csrf_client, cast):
    kwargs = matrix._viewer_a_membership(cast)
    url = reverse("membership_role", kwargs=kwargs)
    csrf_client.force_login(cast.lead_a)
    before = snapshot.take()

    response = csrf_client.post(url, {"role": "contributor"}, HTTP_REFERER=f"http://testserver{url}")

    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Your form could not be sent – Engagement self-assessment</title>" in page
    assert "Nothing was saved." in page
    assert "Refresh the page." in page
    assert f'href="http://testserver{url}"' in page
    assert "govuk-heading-l" in page
    assert "CSRF" not in page, "the page speaks to people, not developers"
    assert not snapshot.diff(before, snapshot.take())
    assert Membership.objects.get(pk=kwargs["membership_id"]).role == Membership.Role.VIEWER

    event = AuditEvent.objects.get(action="security.csrf_refused")
    assert (event.actor_id, event.path) == (cast.lead_a.pk, url)
    assert not AuditEvent.objects.filter(action="access.refused").exists(), "recorded once, not twice"
    assert event.detail["method"] == "POST"
    assert "CSRF" in event.detail["reason"]


def test_the_same_form_with_its_token_is_saved(csrf_client, cast):
    """The refusal above is the token's doing: with it, the same post goes through."""
    kwargs = matrix._viewer_a_membership(cast)
    url = reverse("membership_role", kwargs=kwargs)
    csrf_client.force_login(cast.lead_a)
    page = csrf_client.get(url)
    token = page.context["csrf_token"]
    response = csrf_client.post(url, {"role": "contributor", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Membership.objects.get(pk=kwargs["membership_id"]).role == Membership.Role.CONTRIBUTOR
    assert not AuditEvent.objects.filter(action="security.csrf_refused").exists()


def test_signing_in_without_a_token_is_refused_and_audited_without_a_person(csrf_client, cast):
    response = csrf_client.post(
        reverse("login"),
        {"username": cast.lead_a.username, "password": cast.password},
        HTTP_REFERER="https://elsewhere.example/phish",
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "elsewhere.example" not in page, "never a link back to another site"
    assert "_auth_user_id" not in csrf_client.session
    event = AuditEvent.objects.get(action="security.csrf_refused")
    assert event.actor_id is None
    assert event.path == reverse("login")


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.id)
def test_every_form_endpoint_refuses_a_post_without_its_token(cast, target):
    """Each form endpoint the fuzzer knows (every POST in the permission matrix but sign-out),
    sent its valid data by someone allowed to use it, but without the token: the 403 page, and
    nothing written. The upload views, which check the token themselves so they can stream the
    body, included."""
    from tests.fuzz.test_forms import _materialise, _valid_data

    csrf_client = PortalClient(enforce_csrf_checks=True)
    url = reverse(target.rule.url_name, kwargs=target.rule.kwargs(cast))
    if target.person != "anonymous":
        csrf_client.force_login(cast.person(target.person))
    data = _materialise(_valid_data(cast, target))  # may make what the data points at
    before = snapshot.take()
    response = csrf_client.post(url, data)
    assert response.status_code == 403, f"{target.id}: {response.status_code}"
    assert "Your form could not be sent" in response.content.decode()
    assert not snapshot.diff(before, snapshot.take())
    assert AuditEvent.objects.filter(action="security.csrf_refused", path=url).count() == 1
