"""accounts.backends: a person's permissions in one query, the same answers as Django's, and a
change to their groups or permissions seen on their very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import two_factor
from organisations.roles import CQC_ASSESSORS, REVIEW_ASSESSMENTS, is_assessor, is_rubric_admin

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """As a request sees the person: a new object, nothing cached on it."""
    return User.objects.get(pk=user.pk)


def test_a_leads_permissions_are_one_query(cast):
    lead = fresh(cast.lead_a)
    with CaptureQueriesContext(connection) as queries:
        assert not is_assessor(lead)
        assert not is_rubric_admin(lead)
        assert not lead.has_perm("assessments.manage_cycles")
        assert lead.get_all_permissions() == set()
    assert len(queries.captured_queries) == 1


def test_group_and_own_permissions_are_read_together(cast):
    assessor = fresh(cast.assessor)
    assessor.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assessor = fresh(assessor)
    with CaptureQueriesContext(connection) as queries:
        assert is_assessor(assessor)
        assert assessor.has_perm("audit.view_auditevent")
        assert not is_rubric_admin(assessor)
    assert len(queries.captured_queries) == 1
    # Django's own answers, from its own queries, are the same.
    reference = fresh(assessor)
    expected_own = {"audit.view_auditevent"}
    assert reference.get_user_permissions() == expected_own
    assert assessor.get_user_permissions() == expected_own
    assert assessor.get_group_permissions() == reference.get_group_permissions()
    assert "{}.{}".format(*REVIEW_ASSESSMENTS) in assessor.get_group_permissions()
    assert (
        assessor.get_all_permissions() == reference.get_user_permissions() | reference.get_group_permissions()
    )


def test_superusers_and_inactive_people_are_answered_as_django_answers(cast):
    admin = fresh(cast.site_admin)
    assert admin.has_perm("organisations.review_assessments")
    assert admin.get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    assessor = fresh(cast.assessor)
    assessor.is_active = False
    assert not is_assessor(assessor)
    assert assessor.get_all_permissions() == set()


def test_removed_from_cqcs_assessors_the_next_request_is_refused(client, cast):
    client.force_login(cast.assessor)
    assert client.get(reverse("review_queue")).status_code == 200
    cast.assessor.groups.remove(Group.objects.get(name=CQC_ASSESSORS))
    assert client.get(reverse("review_queue")).status_code == 403
    assert b">Reviews<" not in client.get(reverse("home")).content


def test_made_an_assessor_the_next_request_has_the_page_and_the_link(client, cast):
    client.force_login(cast.outsider)
    assert client.get(reverse("review_queue")).status_code == 403
    cast.outsider.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    # An assessor must use a second factor: the next page is setting one up, at once.
    response = client.get(reverse("review_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert two_factor.needs_two_factor(fresh(cast.outsider))


def test_a_permission_given_to_a_group_counts_on_the_next_request(client, cast):
    client.force_login(cast.lead_a)
    assert b">Cycles<" not in client.get(reverse("home")).content
    group = Group.objects.create(name="Cycle helpers")
    group.permissions.add(Permission.objects.get(codename="manage_cycles"))
    cast.lead_a.groups.add(group)
    # Cycle managers must use a second factor too: the next request asks for it.
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
