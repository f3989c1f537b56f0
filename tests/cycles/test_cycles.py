"""Cycles managed by CQC on the portal: create, change dates, close; refusals in GOV.UK words;
national progress with filters, counts and CSV/XLSX exports."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import AssessmentCycle, CycleChange
from audit.models import AuditEvent
from cycles import services
from cycles.access import CYCLE_MANAGERS
from notifications.models import Kind, Notification
from principles.models import RubricVersion
from reviews import services as review_services
from tests.assessments.helpers import answer_all, cite_everywhere, start, submit
from tests.factories import OrganisationFactory, UserFactory, authenticator_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def manager():
    person = UserFactory(username="cycle_manager", first_name="Cy", last_name="Manager")
    person.groups.add(Group.objects.get(name=CYCLE_MANAGERS))
    authenticator_for(person)
    return person


def _date(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _form(**overrides) -> dict:
    opens, closes = TODAY() + datetime.timedelta(days=1), TODAY() + datetime.timedelta(days=90)
    data = {
        "label": "2027/28",
        **_date("opens_on", opens),
        **_date("closes_on", closes),
        "rubric_version": RubricVersion.objects.get(label="2026").pk,
        "scope": "all",
        "reply_by_working_days": "10",
        "factual_accuracy_days": "14",
    }
    data.update(overrides)
    return data


def test_a_cycle_manager_creates_a_cycle_recorded_and_audited(client, cast):
    person = manager()
    client.force_login(person)
    assert client.get(reverse("cycle_create")).status_code == 200
    response = client.post(reverse("cycle_create"), _form(scope="type", scope_types=["la"]))
    assert response.status_code == 302, response.content.decode()[:3000]
    cycle = AssessmentCycle.objects.get(label="2027/28")
    assert (cycle.slug, cycle.scope, cycle.scope_types, cycle.created_by) == (
        "2027-28",
        "type",
        ["la"],
        person,
    )
    assert cycle.rubric_version.label == "2026"
    assert list(cycle.organisations_in_scope()) == [cast.org_b]
    assert CycleChange.objects.get(cycle=cycle).kind == "created"
    assert AuditEvent.objects.filter(action="cycle.created").count() == 1
    page = client.get(reverse("cycle_detail", kwargs={"cycle": "2027-28"})).content.decode()
    assert "Organisations of these types: Local authority (1 in all)" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_on": -1}, "closes_on", "The closing date must be the same as or after the opening date"),
        ({"rubric": "draft"}, "rubric_version", "is draft: choose a published version"),
        ({"rubric": "retired"}, "rubric_version", "is retired: choose a published version"),
        ({"overlap": True}, "opens_on", "These dates overlap the 2026/27 cycle"),
        ({"scope": "type"}, "scope_types", "Choose at least one type of organisation"),
        ({"label": ""}, "label", "Enter a name such as"),
        ({"opens_on_0": "31", "opens_on_1": "2"}, "opens_on", "Enter a real opening date"),
    ],
)
def test_bad_cycles_are_refused_keeping_what_was_entered(client, cast, overrides, field, message):
    client.force_login(manager())
    data = _form()
    if overrides.pop("closes_on", None):
        data.update(_date("closes_on", TODAY()))
        data.update(_date("opens_on", TODAY() + datetime.timedelta(days=5)))
    rubric = overrides.pop("rubric", None)
    if rubric == "draft":
        version = RubricVersion.objects.create(label="x-draft", title="Another version", status="draft")
        data["rubric_version"] = version.pk
    elif rubric == "retired":
        from principles.services import rubric_retire

        rubric_retire(version=RubricVersion.objects.get(label="2026"), by=cast.rubric_admin)
    if overrides.pop("overlap", None):
        AssessmentCycle.objects.create(
            label="2026/27", slug="2026-27", opens_on=TODAY(), closes_on=TODAY() + datetime.timedelta(days=30)
        )
    data.update(overrides)
    response = client.post(reverse("cycle_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "<title>Error: " in page
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert f'href="#id_{field}' in page
    assert 'value="10"' in page  # what was entered is kept
    assert not AssessmentCycle.objects.filter(label="2027/28").exists()


def test_overlap_only_counts_the_same_organisations(cast):
    person = manager()
    AssessmentCycle.objects.create(
        label="ICS 2026",
        slug="ics-2026",
        opens_on=TODAY(),
        closes_on=TODAY() + datetime.timedelta(days=30),
        scope="type",
        scope_types=["ics"],
    )
    cycle = services.cycle_create(
        by=person,
        label="LA 2026",
        opens_on=TODAY(),
        closes_on=TODAY() + datetime.timedelta(days=30),
        rubric_version=RubricVersion.objects.get(label="2026"),
        scope=services.Scope(kind="type", types=["la"]),
        reply_by_working_days=10,
        factual_accuracy_days=14,
    )
    assert list(cycle.organisations_in_scope()) == [cast.org_b]
    with pytest.raises(services.CycleRefused) as refused:
        services.cycle_create(
            by=person,
            label="Picked",
            opens_on=TODAY() + datetime.timedelta(days=29),
            closes_on=TODAY() + datetime.timedelta(days=60),
            rubric_version=RubricVersion.objects.get(label="2026"),
            scope=services.Scope(kind="picked", organisation_ids=[cast.org_a.pk]),
            reply_by_working_days=10,
            factual_accuracy_days=14,
        )
    assert (
        "ICS 2026" in refused.value.errors["opens_on"] and cast.org_a.name in refused.value.errors["opens_on"]
    )


def test_changing_dates_is_recorded_and_everyone_in_scope_told_once(
    client, cast, django_capture_on_commit_callbacks
):
    person = manager()
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=TODAY() - datetime.timedelta(days=10),
        closes_on=TODAY() + datetime.timedelta(days=30),
        scope="type",
        scope_types=["ics"],
    )
    client.force_login(person)
    url = reverse("cycle_dates", kwargs={"cycle": cycle.slug})
    new_close = TODAY() + datetime.timedelta(days=45)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**_date("opens_on", cycle.opens_on), **_date("closes_on", new_close)})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.closes_on == new_close
    change = CycleChange.objects.get(cycle=cycle, kind="dates")
    assert (change.from_closes_on, change.to_closes_on, change.by) == (
        TODAY() + datetime.timedelta(days=30),
        new_close,
        person,
    )
    told = sorted(Notification.objects.filter(kind=Kind.CYCLE_DATES_CHANGED).values_list("email", flat=True))
    assert told == sorted([cast.lead_a.email, cast.contributor_a.email])  # A is the ICS in scope
    assert AuditEvent.objects.filter(action="cycle.dates_changed").count() == 1
    # Saving the same dates again is refused, and tells nobody again.
    response = client.post(url, {**_date("opens_on", cycle.opens_on), **_date("closes_on", new_close)})
    assert response.status_code == 400
    assert Notification.objects.filter(kind=Kind.CYCLE_DATES_CHANGED).count() == 2


def test_a_date_in_the_past_is_refused(client, cast):
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=TODAY() - datetime.timedelta(days=10),
        closes_on=TODAY() + datetime.timedelta(days=30),
    )
    client.force_login(manager())
    response = client.post(
        reverse("cycle_dates", kwargs={"cycle": cycle.slug}),
        {**_date("opens_on", cycle.opens_on), **_date("closes_on", TODAY() - datetime.timedelta(days=1))},
    )
    assert response.status_code == 400
    assert "The new closing date must be today or in the future" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.closes_on == TODAY() + datetime.timedelta(days=30)


def test_closing_stops_starting_and_submitting(client, cast):
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=TODAY() - datetime.timedelta(days=10),
        closes_on=TODAY() + datetime.timedelta(days=30),
    )
    assessment = start(cast, cycle)
    client.force_login(manager())
    url = reverse("cycle_close", kwargs={"cycle": cycle.slug})
    assert client.post(url, {}).status_code == 400  # not confirmed
    assert client.post(url, {"confirm": "on"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.is_closed and not cycle.is_open_on(TODAY())
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    from assessments.services import SubmissionRefused

    with pytest.raises(SubmissionRefused, match="closed"):
        submit(assessment, cast.lead_a)


def test_only_published_version_is_pinned_by_the_cycle(cast):
    version = RubricVersion.objects.get(label="2026")
    cycle = services.cycle_create(
        by=manager(),
        label="2027/28",
        opens_on=TODAY(),
        closes_on=TODAY() + datetime.timedelta(days=30),
        rubric_version=version,
        scope=services.Scope(),
        reply_by_working_days=10,
        factual_accuracy_days=14,
    )
    assessment = start(cast, cycle)
    assert assessment.rubric_version == version


def test_an_organisation_out_of_scope_cannot_start(client, cast):
    cycle = services.cycle_create(
        by=manager(),
        label="LA only",
        opens_on=TODAY(),
        closes_on=TODAY() + datetime.timedelta(days=30),
        rubric_version=RubricVersion.objects.get(label="2026"),
        scope=services.Scope(kind="type", types=["la"]),
        reply_by_working_days=10,
        factual_accuracy_days=14,
    )
    client.force_login(cast.lead_a)
    page = client.get(reverse("assessment_list", kwargs={"code": cast.org_a.code})).content.decode()
    assert "LA only" not in page
    client.force_login(cast.lead_b)
    page = client.get(reverse("assessment_list", kwargs={"code": cast.org_b.code})).content.decode()
    assert "LA only" in page
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="does not ask"):
        start(cast, cycle)


def _progress_cycle(cast):
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=TODAY() - datetime.timedelta(days=10),
        closes_on=TODAY() + datetime.timedelta(days=30),
    )
    OrganisationFactory(name='=HYPERLINK("http://evil")', code="EVIL1", region="sw")
    assessment = start(cast, cycle)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    submit(assessment, cast.lead_a)
    review_services.review_assign(assessment=assessment, by=cast.assessor, assignee=cast.assessor)
    start(cast, cycle, organisation=cast.org_b, lead=cast.lead_b)
    return cycle


def test_national_progress_counts_filters_and_exports(client, cast):
    cycle = _progress_cycle(cast)
    client.force_login(cast.assessor)
    url = reverse("cycle_progress", kwargs={"cycle": cycle.slug})
    page = client.get(url).content.decode()
    assert "Not started: <strong>1</strong>" in page
    assert "In progress: <strong>1</strong>" in page
    assert "Submitted: <strong>1</strong>" in page
    assert "Assessed: <strong>0</strong>" in page
    assert page.count('data-label="Organisation"') == 3
    only_submitted = client.get(url, {"status": "submitted"}).content.decode()
    assert only_submitted.count('data-label="Organisation"') == 1 and cast.org_a.name in only_submitted
    south_west = client.get(url, {"region": "sw"}).content.decode()
    assert south_west.count('data-label="Organisation"') == 1
    la = client.get(url, {"type": "la"}).content.decode()
    assert la.count('data-label="Organisation"') == 1 and cast.org_b.name in la
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("cycle_progress_csv", kwargs={"cycle": cycle.slug})).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][:5] == ["Organisation code", "Organisation", "Type", "Region", "Status"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[cast.org_a.code][4:] == ["Submitted", "0", cast.assessor.get_full_name()]
    assert by_code["EVIL1"][1].startswith("'=")  # formula injection neutralised
    response = client.get(reverse("cycle_progress_xlsx", kwargs={"cycle": cycle.slug}), {"status": "draft"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Organisation code"
    assert [v[0] for v in values[1:]] == [cast.org_b.code]


def test_progress_table_follows_what_its_rows_show(client, cast):
    """The table is kept under a hash of what its rows show (issue 19): an organisation renamed,
    or its review given to nobody, shows at once."""
    from organisations.models import Organisation

    cycle = _progress_cycle(cast)
    client.force_login(cast.assessor)
    url = reverse("cycle_progress", kwargs={"cycle": cycle.slug})
    page = client.get(url).content.decode()
    assert cast.assessor.get_full_name() in page and "Renamed Trust" not in page
    Organisation.objects.filter(code="EVIL1").update(name="Renamed Trust")
    page = client.get(url).content.decode()
    assert "Renamed Trust" in page and "HYPERLINK" not in page
    assessment = cast.org_a.assessments.get(cycle=cycle)
    review_services.review_assign(assessment=assessment, by=cast.assessor, assignee=None)
    page = client.get(url).content.decode()
    assert cast.assessor.get_full_name() not in page


def test_progress_reads_in_a_fixed_number_of_queries(client, cast):
    cycle = _progress_cycle(cast)
    client.force_login(cast.assessor)
    url = reverse("cycle_progress", kwargs={"cycle": cycle.slug})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request fills what is cached for good
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        OrganisationFactory(name=f"More {n}", code=f"MORE{n}")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small) <= 15


def test_the_default_reply_by_date_comes_from_the_cycle(cast, django_capture_on_commit_callbacks):
    cycle = AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=TODAY() - datetime.timedelta(days=10),
        closes_on=TODAY() + datetime.timedelta(days=30),
        reply_by_working_days=3,
    )
    assessment = start(cast, cycle)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    submit(assessment, cast.lead_a)
    assessment.refresh_from_db()
    expected = review_services.add_working_days(TODAY(), 3)
    assert review_services.default_reply_by(assessment) == expected
    review_services.review_start(assessment=assessment, by=cast.assessor)
    review_services.question_ask(assessment=assessment, by=cast.assessor, body="Which minutes?")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    returned = Notification.objects.get(kind=Kind.RETURNED, recipient=cast.lead_a)
    assert returned.due_on == expected
    assert f"reply by {expected.day} {expected:%B %Y}" in returned.subject
