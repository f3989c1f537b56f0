"""Builders for review tests: a second assessor, and an assessment taken into review and scored."""

from __future__ import annotations

from django.contrib.auth.models import Group

from organisations.roles import CQC_ASSESSORS
from reviews import services
from reviews.workspace import build
from tests.factories import UserFactory, authenticator_for


def second_assessor():
    person = UserFactory(username="assessor_two", first_name="Sam", last_name="Second")
    person.groups.add(Group.objects.get(name=CQC_ASSESSORS))
    authenticator_for(person)
    return person


def in_review(assessment, assessor):
    services.review_start(assessment=assessment, by=assessor)
    assessment.refresh_from_db()
    return assessment


def codes(assessment) -> list[str]:
    return [c["code"] for p in assessment.submissions.first().snapshot["principles"] for c in p["criteria"]]


def score_all(assessment, assessor, score: int = 3) -> None:
    for code in codes(assessment):
        services.score_save(
            assessment=assessment,
            criterion_code=code,
            by=assessor,
            expected_version=0,
            score=score,
            not_evidenced=False,
            rationale=f"Assessor's view of {code}.",
        )


def workspace(assessment):
    from reviews.models import Review

    return build(assessment, Review.objects.get_or_create(assessment=assessment)[0])
