"""The fixed cast every test can use.

Organisation A and organisation B each have a lead, a contributor and a viewer; CQC has an
assessor and a rubric admin (members of the groups the migrations create); a site admin runs
the site; an outsider has an account but no organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from assessments.models import Membership, Organisation
from assessments.roles import CQC_ASSESSORS, RUBRIC_ADMINS
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Cast:
    org_a: Organisation
    org_b: Organisation
    lead_a: object
    contributor_a: object
    viewer_a: object
    lead_b: object
    contributor_b: object
    viewer_b: object
    assessor: object
    rubric_admin: object
    site_admin: object
    outsider: object
    password: str = PASSWORD

    def person(self, name: str):
        return getattr(self, name)


def _member(username: str, organisation: Organisation, role: str):
    return MembershipFactory(user=UserFactory(username=username), organisation=organisation, role=role).user


@pytest.fixture
def cast(db) -> Cast:
    org_a = OrganisationFactory(name="Alderley Integrated Care System", code="QA1")
    org_b = OrganisationFactory(
        name="Brackenfield County Council", code="E99900001", type=Organisation.Type.LOCAL_AUTHORITY
    )
    assessor = UserFactory(username="assessor")
    assessor.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    rubric_admin = UserFactory(username="rubric_admin")
    rubric_admin.groups.add(Group.objects.get(name=RUBRIC_ADMINS))
    site_admin = UserFactory(username="site_admin", is_staff=True, is_superuser=True)
    return Cast(
        org_a=org_a,
        org_b=org_b,
        lead_a=_member("lead_a", org_a, Membership.Role.LEAD),
        contributor_a=_member("contributor_a", org_a, Membership.Role.CONTRIBUTOR),
        viewer_a=_member("viewer_a", org_a, Membership.Role.VIEWER),
        lead_b=_member("lead_b", org_b, Membership.Role.LEAD),
        contributor_b=_member("contributor_b", org_b, Membership.Role.CONTRIBUTOR),
        viewer_b=_member("viewer_b", org_b, Membership.Role.VIEWER),
        assessor=assessor,
        rubric_admin=rubric_admin,
        site_admin=site_admin,
        outsider=UserFactory(username="outsider"),
    )
