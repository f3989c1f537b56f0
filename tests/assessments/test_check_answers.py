"""Check your answers (issue 13): a score needs its reasoning (a blocking check; "not
evidenced" needs none), and each criterion lists the documents it cites, with the criteria
that cite nothing listed together."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import CriterionResponse, Submission
from evidence.models import EvidenceItem
from tests.assessments.helpers import answer_all, cite, cite_everywhere, evidence_file, start, submit
from tests.assessments.test_pages import text_of, url

pytestmark = pytest.mark.django_db


def answered(cast):
    """Every criterion scored 3 with reasoning and cited from two categories."""
    assessment = start(cast)
    answer_all(assessment, 3)
    cite_everywhere(assessment, cast.lead_a)
    return assessment


def test_a_score_with_no_reasoning_blocks_submitting(client, cast):
    assessment = answered(cast)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code="1.2").update(narrative="  ")
    # "Not evidenced" needs no reasoning.
    CriterionResponse.objects.filter(assessment=assessment, criterion__code="1.3").update(
        score=None, not_evidenced=True, narrative=""
    )
    client.force_login(cast.lead_a)

    page = text_of(client.get(url("assessment_check", assessment)))
    assert "1 score needs its reasoning" in page
    assert "Criterion 1.2 : scored 3 – Good standard, with no evidence and reasoning" in page
    assert "Criterion 1.3 : scored" not in page
    assert "Reasoning needed" in page

    posted = client.post(url("assessment_submit", assessment), {"declaration": "on", "acknowledge": "on"})
    assert posted.status_code == 200
    assert "A score needs its reasoning. Give the evidence and reasoning for: 1.2" in text_of(posted)
    assert not Submission.objects.exists()
    with pytest.raises(services.SubmissionRefused) as refused:
        submit(assessment, cast.lead_a)
    assert refused.value.problems == ["A score needs its reasoning. Give the evidence and reasoning for: 1.2"]

    CriterionResponse.objects.filter(assessment=assessment, criterion__code="1.2").update(
        narrative="Because."
    )
    page = text_of(client.get(url("assessment_check", assessment)))
    assert "needs its reasoning" not in page
    submit(assessment, cast.lead_a)
    assert Submission.objects.count() == 1


def test_each_criterion_lists_the_documents_it_cites_and_the_uncited_criteria_are_listed(client, cast):
    assessment = start(cast)
    answer_all(assessment, 3)
    minutes = evidence_file(cast.org_a, cast.lead_a, title="Partnership board minutes", category="PR")
    survey = evidence_file(cast.org_a, cast.lead_a, title="Residents' panel survey", category="PE")
    cite(assessment, "1.1", minutes, cast.lead_a, location="Item 6")
    cite(assessment, "1.1", survey, cast.lead_a, location="Question 12")
    cite(assessment, "2.1", survey, cast.lead_a)
    client.force_login(cast.viewer_a)

    response = client.get(url("assessment_check", assessment))
    page = text_of(response)
    html = response.content.decode()
    cited = html[html.index('id="cited-1.1"') : html.index("</ul>", html.index('id="cited-1.1"'))]
    assert "Partnership board minutes" in cited and "Residents&#x27; panel survey" in cited
    assert f"/evidence/{minutes.item_id}/" in cited
    names = dict(EvidenceItem.Category.choices)
    assert (
        f"Evidence cited: Partnership board minutes ({names['PR']}): Item 6 "
        f"Residents' panel survey ({names['PE']}): Question 12" in page
    )
    # 33 criteria, two of which cite something.
    assert "31 criteria cite no evidence" in page
    uncited = page[page.index("31 criteria cite no evidence") : page.index("Self-assessed rating")]
    assert "Criterion 1.2 (3 – Good standard)" in uncited
    assert "Criterion 1.1 " not in uncited and "Criterion 2.1 " not in uncited
    assert "pieces of evidence cited" not in page
    assert page.count("No evidence cited") == 31
