"""CQC's own surveys (issue 16, item 6): assessors run them under /cqc-surveys/, see their results
in the review workspace beside the criteria they inform, and the organisation sees nothing of
them until CQC's outcome is final, and then only the totals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.assessments import helpers as assessment_helpers
from tests.assessments.helpers import open_cycle
from voices import answering, services
from voices.filing import filing_refusal
from voices.models import FreeTextAnswer, Survey

from .helpers import add_responses, finalise, make_cqc_survey, open_cqc_survey

pytestmark = pytest.mark.django_db


def cqc_url(name: str, survey: Survey) -> str:
    return reverse(name, kwargs={"survey_id": survey.pk})


def org_url(name: str, survey: Survey, **extra) -> str:
    return reverse(name, kwargs={"code": survey.organisation.code, "survey_id": survey.pk, **extra})


def fp01(survey: Survey) -> str:
    return next(s.key for s in answering.steps_for(survey) if s.text.startswith("Partners share"))


def with_answers(cast, n: int = 12, free_text: str = "") -> Survey:
    survey = open_cqc_survey(cast)
    add_responses(survey, [{fp01(survey): "agree"}] * n, free_text=free_text)
    return survey


def test_an_assessor_starts_a_survey_of_an_organisations_partners(cast, client):
    client.force_login(cast.assessor)
    response = client.post(
        reverse("cqc_survey_new"),
        {"organisation": cast.org_a.code, "audience": "partners", "cycle": open_cycle().slug},
    )
    survey = Survey.objects.get()
    assert response["Location"] == cqc_url("cqc_survey_edit", survey)
    assert (survey.run_by, survey.organisation) == ("cqc", cast.org_a)
    assert survey.question_set.audience == "partners"
    assert survey.created_by == cast.assessor
    assert "Care Quality Commission" in survey.introduction and cast.org_a.name in survey.introduction
    assert AuditEvent.objects.filter(action="survey.transition", object_id=str(survey.pk)).exists()


def test_the_new_page_is_filled_in_from_the_workspace_link_and_refuses_staff_surveys(cast, client):
    client.force_login(cast.assessor)
    page = client.get(
        reverse("cqc_survey_new") + f"?organisation={cast.org_a.code}&cycle={open_cycle().slug}"
    ).content.decode()
    assert f'value="{cast.org_a.code}" selected' in page
    assert 'value="staff"' not in page  # CQC hears from partners and participants, not staff
    response = client.post(
        reverse("cqc_survey_new"), {"organisation": cast.org_a.code, "audience": "staff", "cycle": ""}
    )
    page = response.content.decode()
    assert "Select who the survey is for" in page and "Select the cycle" in page
    assert f'value="{cast.org_a.code}" selected' in page  # nothing chosen is lost
    assert not Survey.objects.exists()


def test_an_assessor_changes_previews_opens_replaces_and_closes_it(cast, client):
    survey = make_cqc_survey(cast)
    client.force_login(cast.assessor)
    assert client.get(cqc_url("cqc_survey_edit", survey)).status_code == 200
    assert client.get(cqc_url("cqc_survey_preview", survey)).status_code == 200
    assert client.post(cqc_url("cqc_survey_open", survey))["Location"] == cqc_url("cqc_survey_detail", survey)
    survey.refresh_from_db()
    token = survey.token
    page = client.get(cqc_url("cqc_survey_detail", survey)).content.decode()
    assert reverse("survey_start", kwargs={"token": token}) in page
    assert "does not see it" in page
    assert client.get(cqc_url("cqc_survey_edit", survey)).status_code == 409
    client.post(cqc_url("cqc_survey_replace_link", survey))
    survey.refresh_from_db()
    assert survey.token != token
    client.post(cqc_url("cqc_survey_close", survey))
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert [s.pk for s in Survey.objects.filter(pk=survey.pk)] == [survey.pk]


def test_the_public_pages_say_the_survey_is_cqcs(cast, client):
    survey = open_cqc_survey(cast)
    page = client.get(reverse("survey_start", kwargs={"token": survey.token})).content.decode()
    assert "run by the Care Quality Commission (CQC), about " + cast.org_a.name in page


def test_the_organisation_sees_nothing_of_it_before_the_outcome_is_final(cast, client):
    survey = with_answers(cast, free_text="Their chair, Ms Smith, never replies.")
    assessment = assessment_helpers.submitted(cast)
    for person in (cast.lead_a, cast.viewer_a):
        client.force_login(person)
        listing = client.get(reverse("survey_list", kwargs={"code": cast.org_a.code})).content.decode()
        assert survey.title not in listing
        for name in ("survey_detail", "survey_results", "survey_free_text", "survey_cqc_results"):
            assert client.get(org_url(name, survey)).status_code == 404, name
        assert client.get(org_url("survey_export", survey, fmt="csv")).status_code == 404
        assert client.post(org_url("survey_file", survey)).status_code == 404
        assert client.get(cqc_url("cqc_survey_results", survey)).status_code == 403
    # Not while the review is under way either.
    from tests.assessments.review_helpers import in_review

    in_review(assessment, cast.assessor)
    client.force_login(cast.lead_a)
    assert client.get(org_url("survey_cqc_results", survey)).status_code == 404


def test_once_final_the_organisation_sees_the_totals_and_only_the_free_text_cqc_included(cast, client):
    survey = with_answers(cast, free_text="Their chair, Ms Smith, never replies.")
    add_responses(survey, [{}], free_text="Meetings are always at 10am.")
    services.survey_close(survey=survey, by=cast.assessor)
    kept = FreeTextAnswer.objects.get(survey=survey, text__startswith="Meetings")
    services.free_text_review(answer=kept, review="include", redacted_text="", by=cast.assessor)
    assessment = finalise(assessment_helpers.submitted(cast), cast.assessor)
    assert assessment.status == "assessed"
    client.force_login(cast.viewer_a)
    listing = client.get(reverse("survey_list", kwargs={"code": cast.org_a.code})).content.decode()
    assert survey.title in listing and org_url("survey_cqc_results", survey) in listing
    page = client.get(org_url("survey_cqc_results", survey)).content.decode()
    assert "13 people answered" in page
    assert "Meetings are always at 10am." in page
    assert "Ms Smith" not in page  # never reviewed by CQC, so never shown
    assert "/cqc-surveys/" not in page  # no way into CQC's own pages
    assert "Review free-text answers" not in page and "Download" not in page
    # Still never the organisation's pages of its own, nor its evidence.
    assert client.get(org_url("survey_detail", survey)).status_code == 404
    assert client.get(org_url("survey_export", survey, fmt="csv")).status_code == 404
    # Another organisation's people: 404.
    client.force_login(cast.lead_b)
    assert client.get(org_url("survey_cqc_results", survey)).status_code == 404


def test_its_results_are_never_filed_in_the_organisations_evidence(cast):
    survey = with_answers(cast)
    survey = services.survey_close(survey=survey, by=cast.assessor)
    assert "never filed" in filing_refusal(survey)


def test_the_workspace_lists_cqc_surveys_and_the_criterion_page_shows_what_they_heard(cast, client):
    survey = with_answers(cast, n=14)
    assessment = assessment_helpers.submitted(cast)
    other = open_cqc_survey(cast, organisation=cast.org_b, title="CQC asks the partners of B")
    client.force_login(cast.assessor)
    kw = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}
    page = client.get(reverse("review_workspace", kwargs=kw)).content.decode()
    here = f"?organisation={cast.org_a.code}&amp;cycle=2026-27"
    assert reverse("cqc_survey_new") + here in page and reverse("cqc_survey_list") + here in page
    listing = client.get(reverse("cqc_survey_list") + here.replace("&amp;", "&")).content.decode()
    assert survey.title in listing and cqc_url("cqc_survey_detail", survey) in listing
    assert other.title not in listing
    assert "Informs criteria 1.1, 1.2, 1.3" in listing
    # FP01 informs 1.2: 14 agreed, and the other answers are zeros or not shown.
    page = client.get(reverse("review_criterion", kwargs={**kw, "criterion": "1.2"})).content.decode()
    assert "What CQC&#x27;s survey heard on 1.2" in page or "What CQC's survey heard on 1.2" in page
    assert "Partners share an understanding" in page and ">14<" in page
    # A criterion no question informs shows nothing of it.
    page = client.get(reverse("review_criterion", kwargs={**kw, "criterion": "6.1"})).content.decode()
    assert "survey heard" not in page


def test_small_numbers_stay_hidden_in_the_workspace(cast, client):
    survey = open_cqc_survey(cast)
    key = fp01(survey)
    add_responses(survey, [{key: "agree"}] * 11 + [{key: "disagree"}] * 3)
    assessment = assessment_helpers.submitted(cast)
    client.force_login(cast.assessor)
    kw = {"code": cast.org_a.code, "cycle": assessment.cycle.slug, "criterion": "1.2"}
    page = client.get(reverse("review_criterion", kwargs=kw)).content.decode()
    assert "not shown" in page
    assert ">3<" not in page and ">11<" not in page


def test_few_answers_show_no_results(cast, client):
    survey = open_cqc_survey(cast)
    add_responses(survey, [{fp01(survey): "agree"}] * 4)
    assessment = assessment_helpers.submitted(cast)
    client.force_login(cast.assessor)
    kw = {"code": cast.org_a.code, "cycle": assessment.cycle.slug, "criterion": "1.2"}
    page = client.get(reverse("review_criterion", kwargs=kw)).content.decode()
    assert "Results are shown once at least 10 people have answered" in page


def test_cqc_reviews_its_own_free_text(cast, client):
    survey = with_answers(cast, n=1, free_text="Ask Dr Jones.")
    client.force_login(cast.assessor)
    answer = FreeTextAnswer.objects.get(survey=survey)
    response = client.post(
        cqc_url("cqc_survey_free_text", survey),
        {"answer": answer.pk, "review": "redact", "redacted_text": "Ask [removed]."},
    )
    assert response["Location"] == cqc_url("cqc_survey_free_text", survey)
    answer.refresh_from_db()
    assert (answer.review, answer.redacted_text) == ("redact", "Ask [removed].")
    assert answer.reviewed_by == cast.assessor


def test_the_list_shows_every_cqc_survey_and_no_organisations(cast, client):
    ours = make_cqc_survey(cast)
    from .helpers import make_survey

    theirs = make_survey(cast, title="A's own survey")
    client.force_login(cast.assessor)
    page = client.get(reverse("cqc_survey_list")).content.decode()
    assert ours.title in page and theirs.title not in page
    assert client.get(cqc_url("cqc_survey_detail", theirs)).status_code == 404


def _workspace(client, kw) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("review_workspace", kwargs=kw))  # as a worker that served it before
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("review_workspace", kwargs=kw)).content.decode()
    return len(queries.captured_queries), page


def test_the_workspace_shows_what_cqcs_surveys_heard_beside_each_criterion_in_one_query(cast, client):
    """The workspace's own page, not only the criterion's: each criterion a CQC survey question
    informs gets a line of what it heard (small numbers hidden), for one query however many
    surveys there are, and the line changes when a response arrives."""
    assessment = assessment_helpers.submitted(cast)
    from tests.assessments.review_helpers import in_review

    in_review(assessment, cast.assessor)
    client.force_login(cast.assessor)
    kw = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}
    before, page = _workspace(client, kw)
    assert "CQC&#x27;s survey of partners" not in page and "CQC's survey of partners" not in page

    survey = open_cqc_survey(cast)
    key = fp01(survey)
    add_responses(survey, [{key: "agree"}] * 11 + [{key: "disagree"}] * 3)
    other = open_cqc_survey(cast, title="CQC asks the partners again")
    add_responses(other, [{fp01(other): "strongly_agree"}] * 12)
    hidden = open_cqc_survey(cast, organisation=cast.org_b, title="CQC asks the partners of B")
    add_responses(hidden, [{fp01(hidden): "neither"}] * 12)
    with_surveys, page = _workspace(client, kw)
    assert with_surveys == before <= 15  # the one query reads every survey, or finds none
    line = page[page.index("/criteria/1.2/") :].split("</td>")[0]
    assert "Partners share an understanding" in line
    assert "Agree not shown" in line and "Disagree not shown" in line  # 11 and 3 of 14: 3 is small
    assert "Strongly agree 12 (100%)" in line  # the second survey
    assert line.count("<li>") == 2  # A's two surveys; B's is not A's
    line_61 = page[page.index("/criteria/6.1/") :].split("</td>")[0]
    assert "survey of partners" not in line_61

    add_responses(other, [{fp01(other): "strongly_agree"}])
    _, page = _workspace(client, kw)
    assert "Strongly agree 13 (100%)" in page[page.index("/criteria/1.2/") :].split("</td>")[0]
