"""The system's register: the list, the timeline and the exports, filtered; the shared part only
(issue 17, part 2)."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from crispy_forms.utils import render_crispy_form
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from activities import timeline
from activities.models import Topic
from organisations.models import Organisation, System
from tests.activities.helpers import community, make, topic
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _url(name, cast, **kwargs):
    return reverse(name, kwargs={"code": cast.org_a.code, **kwargs})


def test_the_system_list_filters_by_topic_community_and_status(client, cast):
    make(cast.org_a, cast.lead_a, title="Crisis care", internal_notes="PRIVATE")
    make(
        cast.org_a,
        cast.lead_a,
        title="Maternity survey",
        topic_ids={topic("Maternity and neonatal care").pk},
        community_ids={community("Women and pregnant people").pk},
        status="running",
    )
    client.force_login(cast.viewer_a)
    page = client.get(_url("activity_system_list", cast)).content.decode()
    assert "Crisis care" in page and "Maternity survey" in page and "PRIVATE" not in page
    by_topic = client.get(_url("activity_system_list", cast), {"topic": topic().pk}).content.decode()
    assert "Crisis care" in by_topic and "Maternity survey" not in by_topic
    by_status = client.get(_url("activity_system_list", cast), {"status": "running"}).content.decode()
    assert "Crisis care" not in by_status and "Maternity survey" in by_status
    by_community = client.get(
        _url("activity_system_list", cast), {"community": community("Women and pregnant people").pk}
    ).content.decode()
    assert "Crisis care" not in by_community and "Maternity survey" in by_community


def test_the_system_list_filters_by_place_and_organisation_and_refuses_others(client, cast):
    system = System.objects.create(ics=cast.org_a)
    system.local_authorities.add(cast.org_b)
    far = OrganisationFactory(name="Far Council", code="E99999998", type=Organisation.Type.LOCAL_AUTHORITY)
    make(cast.org_a, cast.lead_a, title="Alderley in Brackenfield", place_ids={cast.org_b.pk})
    make(cast.org_a, cast.lead_a, title="Alderley with Brackenfield", partner_ids={cast.org_b.pk})
    make(cast.org_b, cast.lead_b, title="Brackenfield forum")
    make(cast.org_a, cast.lead_a, title="Alderley alone")
    client.force_login(cast.lead_a)

    def titles(**filters) -> set[str]:
        page = client.get(_url("activity_system_list", cast), filters).content.decode()
        return {
            t for t in ("in Brackenfield", "with Brackenfield", "Brackenfield forum", "alone") if t in page
        }

    assert titles() == {"in Brackenfield", "with Brackenfield", "Brackenfield forum", "alone"}
    assert titles(place=cast.org_b.pk) == {"in Brackenfield"}
    # An organisation: its own activities and those it is a partner in.
    assert titles(partner=cast.org_b.pk) == {"with Brackenfield", "Brackenfield forum"}
    assert titles(partner=cast.org_b.pk, place=cast.org_b.pk) == set()
    # A place or organisation outside the system, or nonsense: a clear message, no filter applied.
    for filters in ({"place": far.pk}, {"partner": far.pk}, {"topic": "x"}, {"community": 99999}):
        page = client.get(_url("activity_system_list", cast), filters).content.decode()
        assert "from the list" in page and "Far Council" not in page
        assert "Alderley alone" in page and "Brackenfield forum" in page


def test_another_organisations_activities_are_never_listed(client, cast):
    make(cast.org_b, cast.lead_b, title="Brackenfield carers forum")
    client.force_login(cast.lead_a)
    for name, kwargs in (
        ("activity_system_list", {}),
        ("activity_timeline", {"": None}),
        ("activity_system_export", {"fmt": "csv"}),
    ):
        kwargs = {k: v for k, v in kwargs.items() if k}
        response = client.get(_url(name, cast, **kwargs), {"from": "2027-01"})
        assert b"Brackenfield carers forum" not in response.content


def test_the_exports_carry_the_shared_part_with_formulas_neutralised(client, cast):
    make(cast.org_a, cast.lead_a, title="=HYPERLINK(1)", internal_notes="PRIVATE", what_heard="HEARD")
    client.force_login(cast.lead_a)
    response = client.get(_url("activity_system_export", cast, fmt="csv"))
    assert response["Content-Disposition"].endswith('-system.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Lead organisation", "Title", "Start"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][5] == "Mental health" and rows[1][6] == "Unpaid carers"
    assert "PRIVATE" not in response.content.decode() and "HEARD" not in response.content.decode()
    xlsx = client.get(_url("activity_system_export", cast, fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=1).value == cast.org_a.name


def test_the_timeline_lists_an_activity_in_every_month_it_runs(client, cast):
    make(
        cast.org_a,
        cast.lead_a,
        title="Long listening exercise",
        planned_start=datetime.date(2027, 2, 20),
        planned_end=datetime.date(2027, 4, 2),
    )
    client.force_login(cast.lead_a)
    page = client.get(_url("activity_timeline", cast), {"from": "2027-01"}).content.decode()
    months = page.split('<h2 class="govuk-heading-m" id="month-')
    assert "January 2027" in months[1] and "Long listening exercise" not in months[1]
    for n in (2, 3, 4):
        assert "Long listening exercise" in months[n]
    assert "Long listening exercise" not in months[5]
    assert "?from=2028-01" in page and "?from=2026-01" in page


def test_months():
    assert timeline.add_months(datetime.date(2026, 11, 1), 3) == datetime.date(2027, 2, 1)
    assert timeline.parse_month("2027-13", datetime.date(2026, 5, 9)) == datetime.date(2026, 5, 1)
    assert timeline.parse_month("junk", datetime.date(2026, 5, 9)) == datetime.date(2026, 5, 1)
    assert timeline.parse_month("2027-03", datetime.date(2026, 5, 9)) == datetime.date(2027, 3, 1)


def test_the_filter_forms_memo_follows_the_lists_the_system_and_the_choice(client, cast):
    """RegisterFilterForm.as_html keeps each rendering in the process, keyed by the choices and
    the values asked for: a renamed topic, a new place in the system and another choice each show
    at once, and what it gives is what crispy renders."""
    system = System.objects.create(ics=cast.org_a)
    client.force_login(cast.lead_a)
    url = _url("activity_system_list", cast)

    def form_part(**filters) -> str:
        page = client.get(url, filters).content.decode()
        return page[page.index('<h2 class="govuk-heading-m">Filter</h2>') : page.index("results-heading")]

    first = form_part()
    assert first == form_part() and "Mental health" in first and cast.org_b.name not in first
    assert first.count('class="govuk-label govuk-label--s"') == 5 and "label-size" not in first
    Topic.objects.filter(name="Mental health").update(name="Mental health and wellbeing")
    assert "Mental health and wellbeing" in form_part()
    system.local_authorities.add(cast.org_b)
    assert form_part().count(cast.org_b.name) == 2  # a place, and an organisation
    chosen = form_part(place=cast.org_b.pk)
    assert f'<option value="{cast.org_b.pk}" selected>{cast.org_b.name}</option>' in chosen
    refused = form_part(place=99999)
    assert "Choose a place from the list" in refused and 'aria-invalid="true"' in refused
    assert "Choose a status from the list" in form_part(status="nonsense")

    from activities.access import get_register
    from activities.forms import RegisterFilterForm

    register = get_register(cast.lead_a, cast.org_a.code)
    for data in ({}, {"place": str(cast.org_b.pk)}, {"place": "99999", "status": "nonsense"}):
        # Two forms: crispy adds its error class to a widget each time it renders it.
        memo, fresh = (RegisterFilterForm(QueryDict(urlencode(data)), register=register) for _ in range(2))
        assert memo.as_html() == render_crispy_form(fresh)
