"""Refused access is recorded: 403s and 404s that signed-in people get from the portal's pages,
with the organisation the URL names (so its leads see who tried), and a citation form that
posts another organisation's evidence id. Noise (anonymous people, mistyped addresses, /healthz)
is not, and a failure to record never breaks the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit import middleware
from audit.models import AuditEvent
from evidence.models import Citation
from tests.assessments.helpers import evidence_file, start

pytestmark = pytest.mark.django_db


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.refused").order_by("id"))


def test_another_organisations_assessment_is_recorded_against_that_organisation(client, cast):
    assessment = start(cast)
    url = reverse("assessment_overview", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug})
    client.force_login(cast.lead_b)
    page = client.get(url)
    assert page.status_code == 404
    # Told plainly: they cannot see it, and refusals are recorded where its leads can see them.
    assert "The portal keeps a record when someone is refused a page" in page.content.decode()
    (event,) = refusals()
    assert (event.actor_id, event.actor_username, event.organisation_id) == (
        cast.lead_b.pk,
        "lead_b",
        cast.org_a.pk,
    )
    assert event.path == url
    assert event.detail["status"] == 404 and event.detail["method"] == "GET"
    assert event.detail["url_name"] == "assessment_overview"
    assert event.summary == f"Refused {url}: not found (404)"


def test_a_role_refusal_is_recorded_as_a_403(client, cast):
    client.force_login(cast.viewer_a)
    url = reverse("evidence_upload", kwargs={"code": cast.org_a.code})
    page = client.get(url)
    assert page.status_code == 403
    assert "The portal keeps a record when someone is refused a page." in page.content.decode()
    assert client.post(url, {"title": "x"}).status_code == 403
    read, posted = refusals()
    assert (read.actor_username, read.organisation_id, read.detail["status"]) == (
        "viewer_a",
        cast.org_a.pk,
        403,
    )
    assert read.summary == f"Refused {url}: not allowed (403)"
    assert posted.summary == f"Refused POST to {url}: not allowed (403)"


def test_a_refusal_on_a_page_of_no_organisation_has_none(client, cast):
    client.force_login(cast.lead_a)
    assert client.get(reverse("review_queue")).status_code == 403
    (event,) = refusals()
    assert event.organisation_id is None and event.path == "/review/"


def test_a_code_that_is_no_organisation_is_recorded_without_one(client, cast):
    client.force_login(cast.lead_a)
    assert client.get(reverse("evidence_library", kwargs={"code": "NOPE"})).status_code == 404
    (event,) = refusals()
    assert event.organisation_id is None


def test_pages_that_answer_are_not_recorded(client, cast):
    client.force_login(cast.lead_a)
    assert client.get(reverse("evidence_library", kwargs={"code": cast.org_a.code})).status_code == 200
    assert not refusals()


def test_anonymous_people_mistyped_addresses_and_healthz_are_not_recorded(client, cast, monkeypatch):
    assert client.get("/organisations/QA1/nothing-here/").status_code in {302, 404}
    client.force_login(cast.lead_a)
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404
    client.logout()
    assert client.get(reverse("evidence_library", kwargs={"code": cast.org_b.code})).status_code == 302
    assert client.get("/healthz").status_code == 200
    assert not refusals()


def test_a_failure_to_record_never_breaks_the_response(client, cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is missing")

    monkeypatch.setattr(middleware, "record", broken)
    client.force_login(cast.lead_b)
    response = client.get(reverse("evidence_library", kwargs={"code": cast.org_a.code}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert not refusals()


def test_a_citation_form_posting_another_organisations_evidence_is_refused_recorded_and_explained(
    client, cast
):
    theirs = evidence_file(cast.org_b, cast.lead_b, title="B's minutes")
    assessment = start(cast)
    client.force_login(cast.lead_a)
    url = reverse(
        "citation_add", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug, "criterion": "1.1"}
    )
    page = client.post(url, {"file": theirs.pk, "location": "Page 1", "note": "Shows it."})
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "There is a problem" in text
    assert (
        f"The evidence sent with the form is not in {cast.org_a.name}&#x27;s library, so nothing was cited"
        in text
    )
    assert "this has been recorded" in text
    assert "B&#x27;s minutes" not in text and "B's minutes" not in text
    assert not Citation.objects.exists()
    (event,) = refusals()
    # Recorded against the organisation whose evidence it is: B's leads see that A's lead tried.
    assert (event.actor_username, event.organisation_id) == ("lead_a", cast.org_b.pk)
    assert (
        event.detail["posted_id"] == str(theirs.pk) and event.detail["citing_organisation"] == cast.org_a.code
    )
    assert event.path == url


def test_a_citation_form_posting_an_id_that_does_not_exist_is_recorded_for_the_citing_organisation(
    client, cast
):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    url = reverse(
        "citation_add", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug, "criterion": "1.1"}
    )
    page = client.post(url, {"file": "987654", "location": "Page 1", "note": "Shows it."})
    # The same words as for another organisation's file: nothing confirms which it was.
    assert "so nothing was cited, and this has been recorded" in page.content.decode()
    (event,) = refusals()
    assert (event.actor_username, event.organisation_id) == ("contributor_a", cast.org_a.pk)


def test_a_file_of_ones_own_deleted_since_is_refused_without_a_record(client, cast):
    from django.utils import timezone

    own = evidence_file(cast.org_a, cast.lead_a)
    own.item.deleted_at = timezone.now()
    own.item.save()
    assessment = start(cast)
    client.force_login(cast.lead_a)
    url = reverse(
        "citation_add", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug, "criterion": "1.1"}
    )
    page = client.post(url, {"file": own.pk, "location": "Page 1", "note": "Shows it."})
    assert "Choose evidence from your organisation" in page.content.decode()
    assert "has been recorded" not in page.content.decode()
    assert not refusals()
