"""A lead runs a survey from its pages: start, change, preview, open, replace the link, close."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.assessments.helpers import open_cycle
from voices.models import Survey

from .helpers import make_survey, open_survey, survey_form_data

pytestmark = pytest.mark.django_db


def url(name: str, survey: Survey) -> str:
    return reverse(name, kwargs={"code": survey.organisation.code, "survey_id": survey.pk})


def test_a_lead_starts_a_survey_with_every_question_of_the_set(cast, client):
    client.force_login(cast.lead_a)
    response = client.post(
        reverse("survey_new", kwargs={"code": cast.org_a.code}),
        {"audience": "partners", "cycle": open_cycle().pk},
    )
    survey = Survey.objects.get()
    assert response["Location"] == url("survey_edit", survey)
    assert survey.question_set.audience == "partners"
    assert survey.survey_questions.count() == survey.question_set.questions.count()
    assert survey.status == "draft"
    assert AuditEvent.objects.filter(action="survey.transition", object_id=str(survey.pk)).exists()


def test_starting_without_choosing_says_what_is_missing(cast, client):
    client.force_login(cast.lead_a)
    response = client.post(reverse("survey_new", kwargs={"code": cast.org_a.code}), {})
    assert "Select who the survey is for" in response.content.decode()
    assert not Survey.objects.exists()


def test_a_lead_changes_the_questions_and_wording_before_it_opens(cast, client):
    survey = make_survey(cast)
    client.force_login(cast.lead_a)
    first_two = [str(pk) for pk in survey.question_set.questions.values_list("pk", flat=True)[:2]]
    data = survey_form_data(survey, title="Your say", easy_read_introduction="Tell us.", questions=first_two)
    response = client.post(url("survey_edit", survey), data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.easy_read_introduction) == ("Your say", "Tell us.")
    assert [str(q) for q in survey.survey_questions.values_list("question_id", flat=True)] == first_two


def test_bad_dates_and_no_questions_are_errors_and_nothing_typed_is_lost(cast, client):
    survey = make_survey(cast)
    client.force_login(cast.lead_a)
    data = survey_form_data(
        survey, title="Kept title", questions=[], closes_on_2=str(survey.opens_on.year - 1)
    )
    content = client.post(url("survey_edit", survey), data).content.decode()
    assert "Choose at least one question" in content
    assert "The closing date must be the same as or after the opening date" in content
    assert 'value="Kept title"' in content


def test_an_open_survey_cannot_be_changed(cast, client):
    survey = open_survey(cast)
    client.force_login(cast.lead_a)
    response = client.get(url("survey_edit", survey))
    assert response.status_code == 409
    response = client.post(url("survey_edit", survey), survey_form_data(survey, title="Changed"))
    assert response.status_code == 409
    survey.refresh_from_db()
    assert survey.title != "Changed"


def test_opening_shows_the_link_and_replacing_it_stops_the_old_one(cast, client):
    survey = make_survey(cast)
    client.force_login(cast.lead_a)
    client.post(url("survey_open", survey))
    survey.refresh_from_db()
    assert survey.status == "open"
    page = client.get(url("survey_detail", survey)).content.decode()
    start = reverse("survey_start", kwargs={"token": survey.token})
    assert start in page
    old = survey.token
    client.post(url("survey_replace_link", survey))
    survey.refresh_from_db()
    assert survey.token != old
    client.logout()
    assert client.get(reverse("survey_start", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("survey_start", kwargs={"token": survey.token})).status_code == 200


def test_closing_stops_answers_and_is_recorded(cast, client):
    survey = open_survey(cast)
    client.force_login(cast.lead_a)
    client.post(url("survey_close", survey))
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.closed_at
    actions = list(
        AuditEvent.objects.filter(object_id=str(survey.pk), action="survey.transition")
        .order_by("pk")
        .values_list("detail__status", flat=True)
    )
    assert actions == ["draft", "open", "closed"]
    client.logout()
    assert client.get(reverse("survey_start", kwargs={"token": survey.token})).status_code == 404


def test_the_preview_shows_every_question_and_the_monitoring_questions(cast, client):
    survey = make_survey(cast, easy_read_introduction="Easy words.")
    client.force_login(cast.viewer_a)
    content = client.get(url("survey_preview", survey)).content.decode()
    for question in survey.question_set.questions.all():
        assert question.text.replace("'", "&#x27;") in content
    assert "What is your ethnic group?" in content
    assert "Easy words." in content


def test_another_organisations_survey_is_a_404_even_for_its_lead(cast, client):
    survey = make_survey(cast, organisation=cast.org_b, lead=cast.lead_b)
    client.force_login(cast.lead_a)
    for name in ("survey_detail", "survey_edit", "survey_preview"):
        assert client.get(url(name, survey)).status_code == 404
    assert client.post(url("survey_open", survey)).status_code == 404
    assert (
        client.get(
            reverse("survey_detail", kwargs={"code": cast.org_a.code, "survey_id": survey.pk})
        ).status_code
        == 404
    )
