"""Runs the permission matrix, and checks that it covers every named URL and method."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions.matrix import COVERED_ELSEWHERE, PEOPLE, RULES, SIGNED_IN, Rule

pytestmark = pytest.mark.django_db

OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _request(client, cast, rule: Rule, method: str | None = None):
    url = reverse(rule.url_name, kwargs=rule.kwargs(cast))
    method = (method or rule.method).lower()
    return getattr(client, method)(url, rule.data(cast) if method == "post" else None)


def _sign_in(client, cast, person: str) -> None:
    if person != "anonymous":
        client.force_login(cast.person(person))


@pytest.mark.parametrize(
    ("rule", "person"),
    [pytest.param(rule, person, id=f"{rule}-{person}") for rule in RULES for person in PEOPLE],
)
def test_permission_matrix(client, cast, rule: Rule, person: str):
    _sign_in(client, cast, person)
    response = _request(client, cast, rule)
    expected = rule.expected[person]
    assert response.status_code == expected, (
        f"{rule} as {person}: expected {expected}, got {response.status_code}"
    )
    if (
        expected == 302
        and person == "anonymous"
        and rule.url_name not in {"logout", "password_reset", "invitation_accept"}
    ):
        assert response["Location"].startswith(("/sign-in/", "/admin/login/"))


def _named_urls(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_named_url_is_in_the_matrix():
    in_matrix = {rule.url_name for rule in RULES}
    missing = {
        name
        for name in _named_urls()
        if name not in in_matrix and name.split(":", 1)[0] not in COVERED_ELSEWHERE
    }
    assert not missing, f"add these URL names to tests/permissions/matrix.py: {sorted(missing)}"
    assert not in_matrix - _named_urls(), "the matrix names URLs that no longer exist"


def test_every_person_has_an_expected_status_in_every_rule():
    for rule in RULES:
        assert set(rule.expected) == set(PEOPLE), rule


@pytest.mark.parametrize(
    "url_name",
    sorted({rule.url_name for rule in RULES if rule.url_name.split(":")[0] not in COVERED_ELSEWHERE}),
)
def test_methods_missing_from_the_matrix_are_refused(client, cast, url_name):
    """A view that starts accepting a new method must get a row for it: until then, the
    method answers 405 for someone the view serves (Django's form views, for one, quietly
    treat PUT as POST unless told otherwise)."""
    rules = [rule for rule in RULES if rule.url_name == url_name]
    listed = {rule.method for rule in rules}
    served = [p for rule in rules for p in PEOPLE if rule.expected[p] == 200]
    allowed = served[0] if served else next(p for p in SIGNED_IN if rules[0].expected[p] < 400)
    for method in OTHER_METHODS:
        if method in listed:
            continue
        client.logout()
        _sign_in(client, cast, allowed)
        response = _request(client, cast, rules[0], method)
        assert response.status_code == 405, f"{method} {url_name} as {allowed}: {response.status_code}"


def test_another_organisations_membership_through_our_url_is_404(client, cast):
    """Tampering with the id in a URL: organisation A's lead asks for B's membership under A."""
    from organisations.models import Membership

    client.force_login(cast.lead_a)
    theirs = Membership.objects.get(user=cast.viewer_b)
    url = reverse("membership_role", kwargs={"code": cast.org_a.code, "membership_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "lead"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "viewer"


def test_admin_urls(client, cast):
    """Every admin page that needs no arguments sends a signed-in non-staff person to the
    admin sign-in, and opens for the site admin."""
    admin_names = sorted(name for name in _named_urls() if name.startswith("admin:"))
    checked = 0
    for name in admin_names:
        try:
            url = reverse(name)
        except Exception:  # noqa: S112 - needs arguments (object ids); the index covers access
            continue
        if name in {"admin:login", "admin:logout", "admin:autocomplete"}:
            continue
        # django-axes' records of sign-in attempts are written by sign-ins only: no add page.
        if name.startswith("admin:axes_") and name.endswith("_add"):
            continue
        client.force_login(cast.lead_a)
        assert client.get(url).status_code == 302, name
        client.force_login(cast.site_admin)
        assert client.get(url).status_code == 200, name
        checked += 1
    assert checked >= 5
