"""CQC's questions beside the organisation's own pages (the overview and each criterion).

Only questions CQC has sent (by returning the assessment) are shown, with their replies;
nothing else from the review (scores, notes) is ever read here."""

from __future__ import annotations

from django import template

from reviews.services import reply_by_date, sent_questions, shared_outcome

register = template.Library()


@register.inclusion_tag("reviews/_org_questions.html")
def cqc_questions(assessment, criterion_code: str | None = None) -> dict:
    if assessment.status == "draft":
        # Only starting makes a draft, so it has never been submitted: CQC has sent no questions
        # and shared no outcome, and the busiest pages need not ask the database.
        return {
            "assessment": assessment,
            "questions": [],
            "on_criterion": bool(criterion_code),
            "outcome": None,
        }
    questions = sent_questions(assessment)
    if criterion_code:
        questions = questions.filter(criterion_code=criterion_code)
    questions = list(questions)
    return {
        "assessment": assessment,
        "questions": questions,
        "on_criterion": bool(criterion_code),
        "returned": assessment.status == "returned",
        "reply_by": reply_by_date(assessment) if questions else None,
        "outcome": None if criterion_code else shared_outcome(assessment),
    }
