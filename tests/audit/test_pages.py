"""The activity page (an organisation's leads) and the audit search (site admins): who sees
what, filters, pages, the CSV export, and a fixed number of queries whatever the trail's size."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from tests.evidence.library import cite_and_submit, stored_file

pytestmark = pytest.mark.django_db


def activity_url(organisation) -> str:
    return reverse("organisation_activity", kwargs={"code": organisation.code})


def text_of(response) -> str:
    page = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def rows_of(response) -> list[str]:
    """The text of each row of the events table."""
    table = re.search(
        r'<table class="govuk-table app-history" id="audit-events">.*?</table>',
        response.content.decode(),
        re.S,
    )
    if table is None:
        return []
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.group(0), re.S)[1:]
    ]


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def old_event(
    action: str, summary: str, when: datetime.datetime, *, actor=None, organisation=None
) -> AuditEvent:
    row = AuditEvent(action=action, summary=summary, at=when)
    if actor is not None:
        row.actor_id, row.actor_username = actor.pk, actor.username
    if organisation is not None:
        row.organisation_id = organisation.pk
    row.save()
    return row


# ---------------------------------------------------------------------------------------------
# The activity page


def test_the_lead_sees_the_organisations_events_and_never_another_organisations(client, cast):
    record("evidence.upload", "Uploaded A's minutes", actor=cast.contributor_a, organisation=cast.org_a)
    record("evidence.upload", "Uploaded B's minutes", actor=cast.contributor_b, organisation=cast.org_b)
    record(
        "access.refused",
        "Refused /organisations/QA1/: not found (404)",
        actor=cast.lead_b,
        organisation=cast.org_a,
    )
    record("auth.sign_in", "Signed in", actor=cast.viewer_a)
    record("auth.sign_in", "Signed in", actor=cast.viewer_b)
    record("auth.sign_in_failed", "Failed sign-in for “viewer_a”")
    record("auth.sign_in", "Signed in", actor=cast.assessor)
    record("rubric.changed", "Rubric 2027: Version created", actor=cast.rubric_admin)
    client.force_login(cast.lead_a)
    response = client.get(activity_url(cast.org_a))
    assert response.status_code == 200
    rows = rows_of(response)
    assert len(rows) == 3
    text = " ".join(rows)
    assert "Uploaded A's minutes" in text and "contributor_a" in text
    # Someone outside tried: A's lead sees who, marked as not a member.
    assert "Refused /organisations/QA1/: not found (404)" in text and "(lead_b) Not a member" in text
    assert "viewer_a" in text and "Signed in" in text
    for elsewhere in ("B's minutes", "viewer_b", "Failed sign-in", "assessor", "Rubric"):
        assert elsewhere not in text, elsewhere


def test_cqc_assessors_downloads_show_with_their_names(client, cast):
    cast.assessor.first_name, cast.assessor.last_name = "Asha", "Assessor"
    cast.assessor.save()
    file = stored_file(cast.org_a, cast.lead_a, title="Panel report", name="panel.pdf")
    cite_and_submit(file, cast.lead_a)
    client.force_login(cast.assessor)
    download = reverse(
        "evidence_download",
        kwargs={"code": cast.org_a.code, "item_id": file.item_id, "revision": file.revision},
    )
    assert client.get(download).status_code == 200
    client.force_login(cast.lead_a)
    rows = rows_of(client.get(activity_url(cast.org_a)))
    (row,) = [r for r in rows if "Evidence downloaded" in r]
    assert "Asha Assessor (assessor) CQC assessor" in row
    assert "Downloaded “Panel report”, revision 1 (panel.pdf)" in row


def test_cqc_scoring_and_legal_holds_are_not_shown_to_the_organisation(client, cast):
    record("review.score", "Scored criterion 1.1: 2", actor=cast.assessor, organisation=cast.org_a)
    record("review.override", "Overrode principle 1", actor=cast.assessor, organisation=cast.org_a)
    record("review.moderation", "Moderated principle 1", actor=cast.assessor, organisation=cast.org_a)
    record(
        "organisation.legal_hold_set",
        "Legal hold set: case 12",
        actor=cast.site_admin,
        organisation=cast.org_a,
    )
    record(
        "organisation.legal_hold_lifted", "Legal hold lifted", actor=cast.site_admin, organisation=cast.org_a
    )
    client.force_login(cast.lead_a)
    response = client.get(activity_url(cast.org_a))
    assert rows_of(response) == []
    assert "Nothing has happened yet" in text_of(response)
    page = response.content.decode()
    for hidden in ("review.score", "organisation.legal_hold_set", "rubric.changed", "records.backup"):
        assert f'value="{hidden}"' not in page, hidden
    assert 'value="evidence.download"' in page and 'value="retention.deleted"' in page


def test_filters_by_kind_person_and_dates(client, cast):
    today = timezone.localdate()
    old_event(
        "evidence.upload",
        "Old upload",
        at(today - datetime.timedelta(days=40)),
        actor=cast.lead_a,
        organisation=cast.org_a,
    )
    old_event(
        "evidence.upload",
        "Recent upload",
        at(today - datetime.timedelta(days=2)),
        actor=cast.contributor_a,
        organisation=cast.org_a,
    )
    old_event(
        "evidence.download",
        "Recent download",
        at(today - datetime.timedelta(days=1)),
        actor=cast.contributor_a,
        organisation=cast.org_a,
    )
    client.force_login(cast.lead_a)
    url = activity_url(cast.org_a)

    def summaries(**params) -> list[str]:
        return [re.search(r"(Old|Recent) \w+", row).group(0) for row in rows_of(client.get(url, params))]

    assert summaries() == ["Recent download", "Recent upload", "Old upload"]
    assert summaries(kind="evidence.upload") == ["Recent upload", "Old upload"]
    assert summaries(person=str(cast.contributor_a.pk)) == ["Recent download", "Recent upload"]
    start = today - datetime.timedelta(days=3)
    assert summaries(date_from_0=start.day, date_from_1=start.month, date_from_2=start.year) == [
        "Recent download",
        "Recent upload",
    ]
    end = today - datetime.timedelta(days=2)
    assert summaries(
        date_from_0=start.day,
        date_from_1=start.month,
        date_from_2=start.year,
        date_to_0=end.day,
        date_to_1=end.month,
        date_to_2=end.year,
    ) == ["Recent upload"]


def test_a_day_is_a_day_in_london(client, cast):
    """An event at 23:30 UTC on 30 June is on 1 July in London (BST)."""
    when = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    old_event("evidence.upload", "Late upload", when, actor=cast.lead_a, organisation=cast.org_a)
    client.force_login(cast.lead_a)
    july = {
        "date_from_0": "1",
        "date_from_1": "7",
        "date_from_2": "2026",
        "date_to_0": "1",
        "date_to_1": "7",
        "date_to_2": "2026",
    }
    response = client.get(activity_url(cast.org_a), july)
    (row,) = rows_of(response)
    assert "1 July 2026 at 12:30am" in row
    june = {**july, "date_from_0": "30", "date_from_1": "6", "date_to_0": "30", "date_to_1": "6"}
    assert rows_of(client.get(activity_url(cast.org_a), june)) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"},
            "Enter a real date, for example 12 3 2026",
        ),
        ({"date_from_0": "1", "date_from_1": "", "date_from_2": "2026"}, "The date must include a month"),
        ({"date_from_0": "x", "date_from_1": "1", "date_from_2": "2026"}, "Enter the date as numbers"),
        (
            {
                "date_from_0": "2",
                "date_from_1": "1",
                "date_from_2": "2026",
                "date_to_0": "1",
                "date_to_1": "1",
                "date_to_2": "2026",
            },
            "The ‘to’ date must be the same as or after the ‘from’ date",
        ),
    ],
)
def test_a_bad_date_gets_an_error_summary_and_the_other_filters_still_apply(client, cast, params, message):
    record("evidence.upload", "An upload", actor=cast.lead_a, organisation=cast.org_a)
    record("evidence.download", "A download", actor=cast.lead_a, organisation=cast.org_a)
    client.force_login(cast.lead_a)
    response = client.get(activity_url(cast.org_a), {**params, "kind": "evidence.upload"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert message in html.unescape(page)
    assert [row for row in rows_of(response) if "An upload" in row] and len(rows_of(response)) == 1


def test_pages_of_fifty_newest_first_with_gov_uk_pagination(client, cast):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="evidence.upload",
            summary=f"Upload {n:03}",
            organisation_id=cast.org_a.pk,
            actor_id=cast.lead_a.pk,
            actor_username="lead_a",
            at=at(datetime.date(2026, 1, 1)) + datetime.timedelta(minutes=n),
        )
        for n in range(120)
    )
    client.force_login(cast.lead_a)
    first = client.get(activity_url(cast.org_a))
    rows = rows_of(first)
    assert len(rows) == 50 and "Upload 119" in rows[0] and "Upload 070" in rows[-1]
    assert "120 events" in text_of(first)
    assert 'class="govuk-pagination"' in first.content.decode()
    last = client.get(activity_url(cast.org_a), {"page": 3, "kind": "evidence.upload"})
    rows = rows_of(last)
    assert len(rows) == 20 and "Upload 000" in rows[-1]
    assert "?kind=evidence.upload&amp;page=2" in last.content.decode()


def test_the_activity_page_takes_the_same_number_of_queries_however_much_there_is(client, cast):
    def fill(n: int) -> None:
        people = [cast.lead_a, cast.contributor_a, cast.viewer_a, cast.assessor, cast.lead_b]
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="evidence.download",
                summary=f"Download {i}",
                organisation_id=cast.org_a.pk,
                actor_id=people[i % len(people)].pk,
                actor_username=people[i % len(people)].username,
                actor_is_staff=people[i % len(people)] is cast.assessor,
                detail={
                    "object": f"File {i}",
                    **({"actor_role": "assessor"} if people[i % len(people)] is cast.assessor else {}),
                },
            )
            for i in range(n)
        )

    client.force_login(cast.lead_a)
    client.get(activity_url(cast.org_a))  # the first request after signing in also saves the session
    fill(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(activity_url(cast.org_a)).status_code == 200
    fill(300)
    with CaptureQueriesContext(connection) as large:
        response = client.get(activity_url(cast.org_a), {"page": 2})
        assert response.status_code == 200
    assert len(rows_of(response)) == 50
    assert len(small) == len(large), [q["sql"] for q in large]


def test_the_lead_has_a_link_to_the_activity_page(client, cast):
    client.force_login(cast.lead_a)
    home = client.get(reverse("organisation_detail", kwargs={"code": cast.org_a.code})).content.decode()
    assert home.count(f'href="{activity_url(cast.org_a)}"') == 2  # the navigation and the page
    client.force_login(cast.viewer_a)
    page = client.get(reverse("organisation_detail", kwargs={"code": cast.org_a.code})).content.decode()
    assert activity_url(cast.org_a) not in page


# ---------------------------------------------------------------------------------------------
# The site admins' search


def test_the_search_finds_by_person_organisation_kind_dates_and_words(client, cast):
    today = timezone.localdate()
    old_event("auth.sign_in_failed", "Failed sign-in for “mallory”", at(today - datetime.timedelta(days=10)))
    old_event(
        "evidence.download",
        "Downloaded “Panel report”",
        at(today),
        actor=cast.assessor,
        organisation=cast.org_a,
    )
    old_event("evidence.upload", "Uploaded “Budget”", at(today), actor=cast.lead_b, organisation=cast.org_b)
    client.force_login(cast.site_admin)
    url = reverse("audit_search")

    def found(**params) -> list[str]:
        return [
            re.search(r"(Failed sign-in|Downloaded|Uploaded)", row).group(0)
            for row in rows_of(client.get(url, params))
        ]

    assert found() == ["Uploaded", "Downloaded", "Failed sign-in"]
    assert found(person="assess") == ["Downloaded"]
    assert found(organisation=cast.org_b.code) == ["Uploaded"]
    assert found(organisation="none") == ["Failed sign-in"]
    assert found(action="auth.sign_in_failed") == ["Failed sign-in"]
    assert found(q="panel REPORT") == ["Downloaded"]
    week = today - datetime.timedelta(days=7)
    assert found(date_to_0=week.day, date_to_1=week.month, date_to_2=week.year) == ["Failed sign-in"]
    page = client.get(url).content.decode()
    assert cast.org_a.name in page and "Nobody signed in" in page


def test_the_search_takes_the_same_number_of_queries_however_much_there_is(client, cast):
    def fill(n: int) -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="evidence.upload",
                summary=f"Upload {i}",
                organisation_id=(cast.org_a if i % 2 else cast.org_b).pk,
                actor_id=(cast.lead_a if i % 2 else cast.lead_b).pk,
                actor_username="x",
            )
            for i in range(n)
        )

    client.force_login(cast.site_admin)
    client.get(reverse("audit_search"))  # the first request after signing in also saves the session
    fill(4)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("audit_search")).status_code == 200
    fill(300)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("audit_search"), {"page": 3}).status_code == 200
    assert len(small) == len(large)


def test_the_csv_export_has_every_match_and_neutralises_formulas(client, cast):
    record(
        "evidence.upload",
        '=HYPERLINK("http://evil")',
        actor=cast.lead_a,
        organisation=cast.org_a,
        detail={"object": "+cmd"},
    )
    record("evidence.upload", "Plain upload", actor=cast.lead_b, organisation=cast.org_b)
    client.force_login(cast.site_admin)
    response = client.get(reverse("audit_export"), {"organisation": cast.org_a.code})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["When (UK time)", "Kind of event", "Action"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Summary"] == '\'=HYPERLINK("http://evil")'
    assert row["Object"] == "'+cmd"
    assert (row["Person"], row["Organisation code"], row["Action"]) == (
        "lead_a",
        cast.org_a.code,
        "evidence.upload",
    )


def test_an_export_with_a_bad_date_goes_back_to_the_search_to_say_why(client, cast):
    client.force_login(cast.site_admin)
    response = client.get(
        reverse("audit_export"), {"date_from_0": "40", "date_from_1": "1", "date_from_2": "2026"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit_search") + "?")
    assert "Enter a real date" in client.get(response["Location"]).content.decode()


def test_only_site_admins_search(client, cast):
    for person in ("lead_a", "assessor", "rubric_admin"):
        client.force_login(cast.person(person))
        assert client.get(reverse("audit_search")).status_code == 403
        assert client.get(reverse("audit_export")).status_code == 403
    client.force_login(cast.site_admin)
    assert f'href="{reverse("audit_search")}"' in client.get(reverse("home")).content.decode()


def test_site_administration_shows_events_read_only(client, cast):
    event = record("auth.sign_in", "Signed in", actor=cast.lead_a)
    client.force_login(cast.site_admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.summary == "Signed in"
