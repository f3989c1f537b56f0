"""Cycles in a browser: a CQC cycle manager creates a cycle for local authorities, sees it and
its national progress; a local authority's lead then sees it open, with its closing date; an
ICS's lead does not. axe runs on every page at 1280 and 320 pixels (portal)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from engagement_portal.dates import govuk_date
from tests.factories import UserFactory, authenticator_for

pytestmark = pytest.mark.e2e


def _cycle_manager():
    migration = importlib.import_module("assessments.migrations.0011_cycle_managers_group")
    for name, permissions in migration.GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    person = UserFactory(username="cycle_manager", first_name="Cyril", last_name="Manning")
    person.groups.add(Group.objects.get(name="Cycle managers"))
    authenticator_for(person)
    return person


def test_a_cycle_manager_creates_a_cycle_that_organisations_in_scope_see(portal, cast):
    _cycle_manager()
    page = portal.page
    today = timezone.localdate()
    closes = today + datetime.timedelta(days=60)

    portal.sign_in("cycle_manager")
    portal.goto(reverse("cycle_list"))
    portal.follow(page.get_by_role("button", name="Create a cycle"))
    # A closing date before the opening date: a GOV.UK error, and nothing entered is lost.
    page.get_by_label("Name").fill("2027/28")
    for prefix, day in (("opens_on", today), ("closes_on", today - datetime.timedelta(days=1))):
        page.locator(f"#id_{prefix}_0").fill(str(day.day))
        page.locator(f"#id_{prefix}_1").fill(str(day.month))
        page.locator(f"#id_{prefix}_2").fill(str(day.year))
    page.get_by_label("Organisations of some types").check()
    page.get_by_label("Local authority").check()
    portal.submit("Create the cycle")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The closing date must be the same as or after the opening date"
    )
    expect(page.get_by_label("Name")).to_have_value("2027/28")
    page.locator("#id_closes_on_0").fill(str(closes.day))
    page.locator("#id_closes_on_1").fill(str(closes.month))
    page.locator("#id_closes_on_2").fill(str(closes.year))
    portal.submit("Create the cycle")
    expect(page.locator("#cycle-closes")).to_have_text(govuk_date(closes))
    expect(page.locator("#cycle-state")).to_have_text("Open")
    portal.follow(page.get_by_role("link", name="See national progress"))
    expect(page.locator("#progress-table")).to_contain_text(cast.org_b.name)
    expect(page.locator("#progress-table")).not_to_contain_text(cast.org_a.name)
    expect(page.locator("#progress-counts")).to_contain_text("Not started: 1")

    # The local authority's lead sees the cycle open, with its closing date; the ICS's does not.
    portal.submit("Sign out")
    portal.sign_in("lead_b")
    portal.goto(reverse("assessment_list", kwargs={"code": cast.org_b.code}))
    expect(page.get_by_role("heading", name="The 2027/28 cycle is open")).to_be_visible()
    expect(page.get_by_text(f"It closes on {govuk_date(closes)}: 60 days left.")).to_be_visible()
    portal.submit("Sign out")
    portal.sign_in("lead_a")
    portal.goto(reverse("assessment_list", kwargs={"code": cast.org_a.code}))
    expect(page.get_by_text("The 2027/28 cycle is open")).to_have_count(0)
