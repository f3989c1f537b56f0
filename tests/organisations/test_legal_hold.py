"""A legal hold is set and lifted in site administration, with a reason, and both are recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def post(client, organisation, **fields):
    data = {
        "name": organisation.name,
        "type": organisation.type,
        "code": organisation.code,
        "region": organisation.region,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(reverse("admin:organisations_organisation_change", args=[organisation.pk]), data)


def test_a_site_admin_sets_and_lifts_a_legal_hold_and_both_are_recorded(client, cast):
    client.force_login(cast.site_admin)
    response = post(client, cast.org_a, legal_hold="on", legal_hold_reason="Inquiry reference 2026/17")
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.legal_hold and cast.org_a.legal_hold_reason == "Inquiry reference 2026/17"
    assert cast.org_a.legal_hold_set_by == cast.site_admin and cast.org_a.legal_hold_set_at is not None
    [set_event] = AuditEvent.objects.filter(action="organisation.legal_hold_set")
    assert set_event.organisation_id == cast.org_a.pk and set_event.actor_id == cast.site_admin.pk
    assert set_event.detail["reason"] == "Inquiry reference 2026/17"

    assert (
        post(client, cast.org_a, legal_hold="on", legal_hold_reason="Inquiry 2026/17, stage 2").status_code
        == 302
    )
    changed = AuditEvent.objects.filter(action="organisation.legal_hold_set").order_by("-pk").first()
    assert (
        changed.summary
        == "Legal hold reason changed on Alderley Integrated Care System: Inquiry 2026/17, stage 2"
    )

    assert post(client, cast.org_a).status_code == 302
    cast.org_a.refresh_from_db()
    assert not cast.org_a.legal_hold and cast.org_a.legal_hold_reason == ""
    [lifted] = AuditEvent.objects.filter(action="organisation.legal_hold_lifted")
    assert lifted.organisation_id == cast.org_a.pk and lifted.actor_id == cast.site_admin.pk
    assert lifted.detail["reason"] == "Inquiry 2026/17, stage 2"


def test_a_legal_hold_needs_a_reason(client, cast):
    client.force_login(cast.site_admin)
    response = post(client, cast.org_a, legal_hold="on", legal_hold_reason="  ")
    assert response.status_code == 200
    assert "Enter why the legal hold is on" in response.content.decode()
    cast.org_a.refresh_from_db()
    assert not cast.org_a.legal_hold
    assert not AuditEvent.objects.filter(action__startswith="organisation.legal_hold").exists()


def test_saving_an_organisation_without_touching_the_hold_records_nothing(client, cast):
    client.force_login(cast.site_admin)
    assert post(client, cast.org_a, name="Alderley ICS").status_code == 302
    assert not AuditEvent.objects.filter(action__startswith="organisation.legal_hold").exists()
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Alderley ICS" and not cast.org_a.legal_hold


def test_a_new_organisation_can_start_under_a_hold(client, cast):
    client.force_login(cast.site_admin)
    data = {
        "name": "Cobbleford Borough Council",
        "type": "la",
        "code": "E99900002",
        "region": "nw",
        "legal_hold": "on",
        "legal_hold_reason": "Transferred under hold",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("admin:organisations_organisation_add"), data).status_code == 302
    created = Organisation.objects.get(code="E99900002")
    assert created.legal_hold and created.legal_hold_set_by == cast.site_admin
    assert AuditEvent.objects.get(action="organisation.legal_hold_set").organisation_id == created.pk
