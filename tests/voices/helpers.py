"""Builders for survey tests."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from principles.models import RubricVersion
from tests.assessments.helpers import open_cycle
from voices import services
from voices.models import QuestionSet, Survey


def question_set(audience: str = "participants") -> QuestionSet:
    return QuestionSet.objects.get(version=RubricVersion.objects.get(label="2026"), audience=audience)


def details(**changes) -> services.SurveyDetails:
    today = timezone.localdate()
    values = {
        "title": "How we involved you",
        "introduction": "Tell us what it was like.",
        "easy_read_introduction": "",
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=28),
        "equality_monitoring": True,
    }
    values.update(changes)
    return services.SurveyDetails(**values)


def make_survey(
    cast, *, audience="participants", organisation=None, lead=None, questions=None, **changes
) -> Survey:
    qs = question_set(audience)
    return services.survey_create(
        organisation=organisation or cast.org_a,
        cycle=open_cycle(),
        question_set=qs,
        questions=questions if questions is not None else qs.questions.all(),
        details=details(**changes),
        by=lead or cast.lead_a,
    )


def open_survey(cast, **kwargs) -> Survey:
    survey = make_survey(cast, **kwargs)
    return services.survey_open(survey=survey, by=kwargs.get("lead") or cast.lead_a)


STATE = re.compile(r'name="state" value="([^"]+)"')


def state_of(response) -> str:
    return STATE.findall(response.content.decode())[-1]


def answer_url(survey: Survey, name: str = "survey_answer") -> str:
    return reverse(name, kwargs={"token": survey.token})


def valid_answer(step) -> list[str]:
    if step.kind == "free_text":
        return ["It was good to be asked."]
    return [step.choices[0][0]]


def walk(client, survey: Survey, answers=None) -> str:
    """Answer every page through the views; the signed state on the check page."""
    from voices import answering

    start = client.get(reverse("survey_start", kwargs={"token": survey.token}))
    state = state_of(start)
    response = client.post(answer_url(survey), {"state": state, "go": "start"})
    for index, step in enumerate(answering.steps_for(survey)):
        given = (answers or {}).get(step.key, valid_answer(step))
        response = client.post(
            answer_url(survey),
            {"state": state_of(response), "page": str(index), "go": "next", "answer": given},
        )
        assert response.status_code == 200
    assert b"Check your answers" in response.content
    return state_of(response)


def complete_state(survey: Survey, submission: str = "matrix") -> str:
    """A signed state answering every question, as the check page would hold it."""
    from voices import answering

    answers = {step.key: valid_answer(step)[0] for step in answering.steps_for(survey)}
    return answering.dump_state(survey, answering.State(token=submission, answers=answers))


def survey_form_data(survey: Survey, **changes) -> dict:
    data = {
        "title": survey.title,
        "introduction": survey.introduction,
        "easy_read_introduction": "",
        "opens_on_0": str(survey.opens_on.day),
        "opens_on_1": str(survey.opens_on.month),
        "opens_on_2": str(survey.opens_on.year),
        "closes_on_0": str(survey.closes_on.day),
        "closes_on_1": str(survey.closes_on.month),
        "closes_on_2": str(survey.closes_on.year),
        "equality_monitoring": "yes",
        "questions": [str(pk) for pk in survey.question_set.questions.values_list("pk", flat=True)],
    }
    data.update(changes)
    return data


def add_responses(survey: Survey, rows: list[dict], *, free_text: str = "") -> None:
    """Store responses straight through the service: each row maps step keys to answers (a
    string, or a list for "choose any"); free text, if given, goes with every response."""
    from voices import answering, services

    steps = answering.steps_for(survey)
    free = next((s.question_id for s in steps if s.kind == "free_text"), None)
    for n, row in enumerate(rows):
        counted = {key: value if isinstance(value, list) else [value] for key, value in row.items()}
        services.response_store(
            survey=survey,
            submission_token=f"seed-{survey.pk}-{n}-{Survey.objects.get(pk=survey.pk).response_count}",
            answers=services.Answers(
                counted=counted, free_text={free: free_text} if free and free_text else {}
            ),
        )


def make_cqc_survey(cast, *, audience: str = "partners", organisation=None, **changes) -> Survey:
    """CQC's survey about organisation A (by default), started by the assessor."""
    qs = question_set(audience)
    return services.survey_create(
        organisation=organisation or cast.org_a,
        cycle=open_cycle(),
        question_set=qs,
        questions=qs.questions.all(),
        details=details(**{"title": "CQC asks the partners of A", "equality_monitoring": False, **changes}),
        by=cast.assessor,
        run_by=Survey.RunBy.CQC,
    )


def open_cqc_survey(cast, **kwargs) -> Survey:
    return services.survey_open(survey=make_cqc_survey(cast, **kwargs), by=cast.assessor)


def finalise(assessment, assessor):
    """Take a submitted assessment through review to a final outcome (status assessed)."""
    from reviews import services as review_services
    from tests.assessments.review_helpers import in_review, score_all

    assessment = in_review(assessment, assessor)
    score_all(assessment, assessor, 3)
    review_services.outcome_share(
        assessment=assessment,
        by=assessor,
        summaries={str(n): f"Summary of principle {n}." for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    review_services.outcome_finalise(assessment=assessment, by=assessor, reason="No more comments.")
    assessment.refresh_from_db()
    return assessment
