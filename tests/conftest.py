"""The fixed cast every test can use.

Organisation A and organisation B each have a lead, a contributor and a viewer; CQC has an
assessor and a rubric admin (members of the groups the migrations create); a site admin runs
the site; an outsider has an account but no organisation.

Two-factor authentication (accounts/two_factor.py). The three CQC people must use a second
factor, so the cast gives each of them an authenticator app (a confirmed django-otp TOTPDevice
made from `factories.TOTP_TEST_KEY`; `factories.next_code(device)` is the code the app would
show). The `client` fixture is a `PortalClient`, whose `force_login` signs a person in *verified*:
as if they had also entered the code (it records their authenticator app in the session, as
`django_otp.login` does). So `client.force_login(cast.assessor)` reaches the assessor's pages, as
before. Being a shortcut past the sign-in pages, it leaves no "Signed in" event in the audit
trail. To test the second factor itself, use `client.force_login_unverified(person)` (past the
password only) or the real sign-in pages (tests/assessments/test_two_factor.py). A CQC person
made outside the cast needs `factories.authenticator_for(person)` before `force_login`, or they
are sent to set up two-factor authentication, as they would be in real life.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from organisations.models import Membership, Organisation
from organisations.roles import CQC_ASSESSORS, RUBRIC_ADMINS
from tests.clients import PortalClient
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory, authenticator_for

# Hypothesis draws new examples on every run on a developer's machine, which is how the form
# fuzzer (tests/fuzz/) finds new bugs; in CI (CI=true) it draws the same examples every time, so a
# change lands or fails on its own merits, never on a lucky draw.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def client() -> PortalClient:
    return PortalClient()


@pytest.fixture(autouse=True)
def _same_fake_names():
    """The factories' Faker names are the same on every run: a test cannot pass or fail by which
    random name a person got (CI once failed when a lead's first name was "too similar" to a
    password under test)."""
    import factory.random

    factory.random.reseed_random("engagement-portal")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with empty caches: Django's, and the published rubric wording, snapshot
    digests and open surveys' questions kept in the process, keyed by row ids a rolled-back
    database hands out again."""
    from principles.cache import clear as forget_wording
    from reviews.workspace import forget_digests
    from voices.answering import forget as forget_survey_pages

    for forget in (cache.clear, forget_wording, forget_digests, forget_survey_pages):
        forget()
    yield
    for forget in (cache.clear, forget_wording, forget_digests, forget_survey_pages):
        forget()


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
    for person in (assessor, rubric_admin, site_admin):
        authenticator_for(person)
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


# ---------------------------------------------------------------------------------------------
# Transactional tests (the end-to-end tests' live server, backup and restore): Django empties the
# database after each, so these put back what the migrations made and let the flush through.


@pytest.fixture(scope="session")
def _lifted_triggers(django_db_setup, django_db_blocker):
    """SQLite triggers taken off for a flush (name -> CREATE statement), put back at the end."""
    lifted: dict[str, str] = {}
    yield lifted
    with django_db_blocker.unblock():
        _restore_triggers(lifted)


def _restore_triggers(lifted: dict[str, str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in lifted.values():
            cursor.execute(sql)
    lifted.clear()


@pytest.fixture
def _flushable_database(transactional_db, _lifted_triggers) -> None:
    """Let Django empty the database after the test, on SQLite as on PostgreSQL.

    After a transactional test Django empties every table: TRUNCATE on PostgreSQL, which fires
    no row triggers, but DELETE on SQLite, which the rubric's freeze triggers refuse for a
    published version. So on SQLite the triggers are lifted just for that flush (this teardown
    runs before it) and put back before the next test, so every test runs against the real
    schema.
    """
    from django.db import connection

    _restore_triggers(_lifted_triggers)
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
        for name, sql in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')
            _lifted_triggers[name] = sql


@pytest.fixture
def _staff_groups(_flushable_database) -> None:
    """The CQC staff groups, as the data migration creates them.

    The live server needs a transactional database, which Django empties after each test, so
    the groups a migration made are gone by the second test. (Serialized rollback would restore
    them by re-saving every row, which the database refuses for published rubric versions.)
    """
    from django.contrib.auth.models import Group, Permission

    from organisations.roles import STAFF_GROUP_PERMISSIONS

    for name, permissions in STAFF_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture
def _published_rubric(_flushable_database) -> None:
    """The published 2026 rubric, loaded by the data migration's own loader if it is gone.

    The first e2e test still has the migrated rubric; after that the flush has emptied the
    tables. The loader creates the version as a draft, then publishes it with a queryset update,
    which the freeze allows because the row is still a draft at that moment.
    """
    from django.apps import apps

    from principles.models import RubricVersion

    if not RubricVersion.objects.filter(label="2026").exists():
        _load_first_rubric(apps)


def _load_first_rubric(apps) -> None:
    """What the migrations do: principles/0003 loads the rubric as a draft and publishes it, and
    voices/0002 adds its survey question sets in between (a published version takes no more)."""
    from types import SimpleNamespace

    from django.utils import timezone

    from principles.interchange import content_hash, create_version, parse_yaml
    from principles.models import Criterion, RubricVersion
    from voices import starter
    from voices.models import Question, QuestionSet

    migration = importlib.import_module("principles.migrations.0003_first_published_rubric")
    data = parse_yaml(migration.RUBRIC_FILE.read_bytes())
    names = (
        "RubricVersion",
        "EvidenceCategory",
        "Principle",
        "Criterion",
        "LevelDescriptor",
        "SuggestedEvidence",
    )
    version = create_version(
        data, models=SimpleNamespace(**{n: apps.get_model("principles", n) for n in names})
    )
    starter.load(version, QuestionSet=QuestionSet, Question=Question, Criterion=Criterion)
    RubricVersion.objects.filter(pk=version.pk).update(
        status="published", published_at=timezone.now(), content_hash=content_hash(data)
    )
