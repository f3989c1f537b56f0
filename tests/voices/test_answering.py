"""Answering a survey: anonymous, session-less, checked, stored once, limited."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from voices import answering, services
from voices.models import Answer, FreeTextAnswer, ReceivedSubmission, Response, Survey

from .helpers import answer_url, open_survey, state_of, walk

pytestmark = pytest.mark.django_db


def send(client, survey, state, **extra):
    return client.post(answer_url(survey, "survey_submit"), {"state": state, **extra})


def test_a_respondent_answers_every_page_checks_and_sends(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    response = send(client, survey, state)
    assert response.status_code == 303
    assert response["Location"] == reverse("survey_done", kwargs={"token": survey.token})
    assert client.get(response["Location"]).status_code == 200
    stored = Response.objects.get(survey=survey)
    steps = answering.steps_for(survey)
    counted = [s for s in steps if s.kind != "free_text"]
    assert Answer.objects.filter(response=stored).count() == len(counted)
    assert FreeTextAnswer.objects.get(response=stored).text == "It was good to be asked."
    survey.refresh_from_db()
    assert survey.response_count == 1
    # No session was made for the respondent, and nothing about them was recorded.
    assert "sessionid" not in client.cookies


def test_a_response_posted_twice_is_counted_once(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    assert send(client, survey, state).status_code == 303
    assert send(client, survey, state).status_code == 303
    assert Response.objects.filter(survey=survey).count() == 1
    assert ReceivedSubmission.objects.filter(survey=survey).count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_a_missing_required_answer_keeps_the_page_with_a_linked_error(cast, client):
    survey = open_survey(cast)
    start = client.get(reverse("survey_start", kwargs={"token": survey.token}))
    page = client.post(answer_url(survey), {"state": state_of(start), "go": "start"})
    response = client.post(answer_url(survey), {"state": state_of(page), "page": "0", "go": "next"})
    content = response.content.decode()
    assert "There is a problem" in content and 'href="#answer"' in content
    assert "<title>Error: " in content
    assert "Question 1 of" in content


def test_a_choice_not_offered_is_refused(cast, client):
    survey = open_survey(cast)
    start = client.get(reverse("survey_start", kwargs={"token": survey.token}))
    page = client.post(answer_url(survey), {"state": state_of(start), "go": "start"})
    response = client.post(
        answer_url(survey), {"state": state_of(page), "page": "0", "go": "next", "answer": "best"}
    )
    assert "Select one of the answers shown" in response.content.decode()


def test_over_long_free_text_is_refused_and_kept(cast, client):
    survey = open_survey(cast)
    steps = answering.steps_for(survey)
    free = next(i for i, s in enumerate(steps) if s.kind == "free_text")
    state = answering.State(token="t", answers={})
    text = "x" * 2001
    response = client.post(
        answer_url(survey),
        {"state": answering.dump_state(survey, state), "page": str(free), "go": "next", "answer": text},
    )
    content = response.content.decode()
    assert "2,000 characters or fewer" in content
    assert text in content


def test_an_altered_state_is_refused(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    response = send(client, survey, state[:-3] + "abc")
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_state_from_another_survey_is_refused(cast, client):
    survey = open_survey(cast)
    other = open_survey(cast, title="Another")
    state = walk(client, other)
    assert send(client, survey, state).status_code == 400


def test_answers_the_survey_does_not_ask_are_refused(cast, client):
    survey = open_survey(cast)
    state = answering.State(token="t", answers={"q999999": "yes"})
    assert send(client, survey, answering.dump_state(survey, state)).status_code == 400


def test_the_honeypot_thanks_a_program_and_stores_nothing(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    assert send(client, survey, state, website="http://spam.example").status_code == 303
    assert not Response.objects.exists()


@override_settings(SURVEY_ADDRESS_LIMIT=5)
def test_many_posts_from_one_address_are_refused_after_the_limit(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    statuses = []
    for n in range(12):
        fresh = answering.load_state(survey, state)
        fresh.token = f"token-{n}"
        statuses.append(send(client, survey, answering.dump_state(survey, fresh)).status_code)
    assert statuses == [303] * 5 + [429] * 7
    assert Response.objects.filter(survey=survey).count() == 5
    refused = send(client, survey, state)
    assert refused.status_code == 429
    assert "Try again after" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_the_address_is_kept_only_as_a_keyed_hash(cast, client):
    from voices.models import AddressCount

    survey = open_survey(cast)
    for _ in range(2):
        state = walk(client, survey)
        client.post(answer_url(survey, "survey_submit"), {"state": state}, REMOTE_ADDR="203.0.113.9")
    row = AddressCount.objects.get()
    assert row.count == 2
    assert "203.0.113.9" not in row.digest and len(row.digest) == 64


def test_closed_replaced_and_unknown_links_are_the_same_404(cast, client):
    survey = open_survey(cast)
    old_token = survey.token
    state = walk(client, survey)
    replaced = services.survey_replace_link(survey=survey, by=cast.lead_a)
    closed = services.survey_close(survey=open_survey(cast, title="Closed"), by=cast.lead_a)
    draft_token = Survey.objects.create(
        organisation=cast.org_a,
        cycle=replaced.cycle,
        question_set=replaced.question_set,
        title="Draft",
        introduction="x",
        opens_on=replaced.opens_on,
        closes_on=replaced.closes_on,
        created_by=cast.lead_a,
    ).token
    pages = []
    for token in (old_token, closed.token, draft_token, "no-such-token"):
        for name, method in (
            ("survey_start", "get"),
            ("survey_answer", "post"),
            ("survey_submit", "post"),
            ("survey_done", "get"),
        ):
            response = getattr(client, method)(reverse(name, kwargs={"token": token}), {"state": state})
            assert response.status_code == 404
            pages.append(re.sub(r'nonce="[^"]*"', "", response.content.decode()))
    assert len(set(pages)) == 1
    assert not Response.objects.exists()


def test_a_full_survey_takes_no_more(cast, client):
    survey = open_survey(cast)
    with override_settings(SURVEY_RESPONSE_CAP=1):
        assert send(client, survey, walk(client, survey)).status_code == 303
        assert send(client, survey, walk(client, survey)).status_code == 404
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_public_pages_need_no_sign_in_and_start_no_session(cast, client):
    survey = open_survey(cast)
    response = client.get(reverse("survey_start", kwargs={"token": survey.token}))
    assert response.status_code == 200
    assert "Start now" in response.content.decode()
    assert "sessionid" not in response.cookies


def test_back_and_change_keep_answers(cast, client):
    survey = open_survey(cast)
    state = walk(client, survey)
    page = client.post(answer_url(survey), {"state": state, "go": "change-0"})
    content = page.content.decode()
    assert "Save and go back to your answers" in content
    assert 'value="strongly_agree" checked' in content
    check = client.post(
        answer_url(survey),
        {"state": state_of(page), "page": "0", "go": "next", "answer": "disagree", "from_check": "1"},
    )
    assert "Check your answers" in check.content.decode()
    assert '<dd class="govuk-summary-list__value">Disagree' in check.content.decode()


def test_a_question_page_kept_in_the_process_still_shows_each_persons_choice_error_and_tokens(cast):
    """The question's inputs are rendered once per choice made and error (answering.question_fields);
    the page around them, with its CSRF token, CSP nonce and signed answers, is each person's."""
    from django.test import Client

    survey = open_survey(cast)
    first = answering.steps_for(survey)[0]
    pages = []
    for chosen in ([], [first.choices[1][0]], []):
        browser = Client()
        start = browser.get(reverse("survey_start", kwargs={"token": survey.token}))
        state = answering.load_state(survey, state_of(start))
        if chosen:
            state.answers[first.key] = chosen[0]
        page = browser.post(
            answer_url(survey), {"state": answering.dump_state(survey, state), "go": "change-0"}
        )
        pages.append(page.content.decode())
    checked = re.compile(r'value="([^"]+)" checked')
    assert [checked.findall(page) for page in pages] == [[], [first.choices[1][0]], []]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages]
    nonces = [re.search(r'nonce="([^"]+)"', page).group(1) for page in pages]
    assert len(set(tokens)) == 3 and len(set(nonces)) == 3
    error = Client().post(answer_url(survey), {"state": state_of(start), "page": "0", "go": "next"})
    assert "There is a problem" in error.content.decode()
    assert "There is a problem" not in pages[2]
