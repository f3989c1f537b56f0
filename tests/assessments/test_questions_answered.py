"""After a return, one place to answer CQC's questions (issue 13, item 8): each question is
answered on the questions page; check your answers lists them and refuses to resubmit while any
has no answer; the resubmission's snapshot freezes each question with its answers, which the
submission page, CQC's pages and the PDF report (the assessed one too) show."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from assessments import report, services
from assessments.models import Submission
from reviews.models import Clarification
from tests.assessments.helpers import submit, submitted
from tests.assessments.test_pages import text_of
from tests.assessments.test_report import assert_no_near_empty_pages, flat, pdf_of
from tests.assessments.test_report import text_of as pdf_text
from tests.assessments.test_review_clarifications import _kw, _returned_with_questions

pytestmark = pytest.mark.django_db

ANSWER_1 = "The minutes of 12 March, item 4."
ANSWER_2 = "Through the community researchers' network."


def answer(client, assessment, question, body):
    return client.post(
        reverse("assessment_questions", kwargs=_kw(assessment)), {"question": question.pk, "body": body}
    )


def test_each_question_is_answered_in_one_place_and_frozen_with_the_resubmission(client, cast):
    assessment = _returned_with_questions(client, cast)
    first, second = Clarification.objects.filter(parent=None).order_by("pk")
    client.force_login(cast.lead_a)

    check = text_of(client.get(reverse("assessment_check", kwargs=_kw(assessment))))
    assert "CQC's questions" in check
    assert "2 of CQC's 2 questions have no answer yet" in check
    assert "Criterion 1.1 Which board minutes show this? Not answered yet" in check
    assert "Anything else to tell CQC about this resubmission (optional)" in check
    assert "Your answer to CQC's questions" not in check
    refused = client.post(
        reverse("assessment_submit", kwargs=_kw(assessment)), {"declaration": "on", "acknowledge": "on"}
    )
    assert (
        "Answer every one of CQC's questions before you resubmit. "
        "Not answered yet: Criterion 1.1 and Principle 2" in text_of(refused)
    )

    assert answer(client, assessment, first, ANSWER_1).status_code == 302
    check = text_of(client.get(reverse("assessment_check", kwargs=_kw(assessment))))
    assert "1 of CQC's 2 questions has no answer yet" in check
    assert f"Which board minutes show this? Answer , {cast.lead_a.get_full_name()}: {ANSWER_1}" in check
    assert answer(client, assessment, second, ANSWER_2).status_code == 302
    # No note needed: the questions are answered.
    submitted = client.post(
        reverse("assessment_submit", kwargs=_kw(assessment)), {"declaration": "on", "acknowledge": "on"}
    )
    assert submitted.status_code == 302
    snapshot = Submission.objects.get(number=2).snapshot
    assert [
        (q["subject"], q["question"], [a["body"] for a in q["answers"]]) for q in snapshot["questions"]
    ] == [
        ("Criterion 1.1", "Which board minutes show this?", [ANSWER_1]),
        ("Principle 2", "How do you reach seldom-heard groups?", [ANSWER_2]),
    ]
    assert "questions" not in Submission.objects.get(number=1).snapshot

    client.get(reverse("submission_detail", kwargs=_kw(assessment, number=2)))  # the confirmation
    page = text_of(client.get(reverse("submission_detail", kwargs=_kw(assessment, number=2))))
    assert "CQC's questions and your answers" in page
    assert "Principle 2: asked by" in page and ANSWER_2 in page

    # CQC sees each answer.
    client.force_login(cast.assessor)
    workspace = text_of(client.get(reverse("review_workspace", kwargs=_kw(assessment))))
    assert ANSWER_1 in workspace and ANSWER_2 in workspace

    # The PDF has a section of them, and no near-empty page.
    client.force_login(cast.lead_a)
    pdf = pdf_of(client.get(reverse("submission_report", kwargs=_kw(assessment, number=2))))
    text = flat(pdf_text(pdf))
    assert "CQC's questions and the organisation's answers" in text
    assert "Criterion 1.1" in text and "Which board minutes show this?" in text and ANSWER_1 in text
    assert "How do you reach seldom-heard groups?" in text and ANSWER_2 in text
    assert_no_near_empty_pages(pypdf.PdfReader(io.BytesIO(pdf)))
    data = report.report_for_submission(Submission.objects.get(number=2))
    assert [q.answers for q in data.questions] == [
        [(cast.lead_a.get_full_name(), ANSWER_1)],
        [(cast.lead_a.get_full_name(), ANSWER_2)],
    ]


def test_a_return_with_no_questions_is_still_answered_in_the_reply(client, cast):
    assessment = submitted(cast)
    services.assessment_return(assessment=assessment, by=cast.assessor, comment="More on 1.1, please.")
    client.force_login(cast.lead_a)
    check = text_of(client.get(reverse("assessment_check", kwargs=_kw(assessment))))
    assert "Your answer to CQC's questions" in check
    with pytest.raises(services.SubmissionRefused, match="Answer CQC's questions before you resubmit"):
        submit(assessment, cast.lead_a)
    submit(assessment, cast.lead_a, reply="We have added the March minutes.")
    text = flat(pdf_text(pdf_of(client.get(reverse("submission_report", kwargs=_kw(assessment, number=2))))))
    assert "Answer to CQC's questions We have added the March minutes." in text
