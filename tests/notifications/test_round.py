"""One whole assessment round, with the emails received by a real SMTP server in the test
process: who got which email at each step, each once, and nothing CQC-only in any of them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from notifications.models import Notification
from reviews import services
from reviews.models import Review
from tests.assessments.helpers import answer_all, cite_everywhere, start, submit
from tests.assessments.review_helpers import score_all, second_assessor

pytestmark = pytest.mark.django_db

CQC_ONLY = "CQC-ONLY NOTE 7f3a"


def test_one_whole_round(client, cast, smtp_server, django_capture_on_commit_callbacks):
    run = django_capture_on_commit_callbacks
    other = second_assessor()
    lead, contributor, viewer = cast.lead_a.email, cast.contributor_a.email, cast.viewer_a.email
    seen = 0

    def new(kind: str) -> list[str]:
        """The addresses that got this kind of email since the last step; nothing else arrived."""
        nonlocal seen
        fresh = smtp_server.received[seen:]
        seen = len(smtp_server.received)
        assert {m.kind for m in fresh} <= {kind}, [m.kind for m in fresh]
        return sorted(r for m in fresh for r in m.recipients)

    # Submitted: a receipt to the leads (with the SHA-256 in the body), a note to every assessor.
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    with run(execute=True):
        submission = submit(assessment, cast.lead_a)
    fresh = smtp_server.received[seen:]
    receipts = [m for m in fresh if m.kind == "submission_receipt"]
    assert sorted(r for m in receipts for r in m.recipients) == [lead]
    assert submission.sha256 in receipts[0].text and submission.sha256 not in receipts[0].subject
    notes = sorted(r for m in fresh if m.kind == "submitted_for_review" for r in m.recipients)
    assert notes == sorted([cast.assessor.email, other.email])  # not the site admin
    assert len(fresh) == 3
    seen = len(smtp_server.received)
    assessment.refresh_from_db()

    # Assigned: the assessor it is assigned to (by someone else).
    with run(execute=True):
        services.review_assign(assessment=assessment, by=other, assignee=cast.assessor)
        services.review_assign(assessment=assessment, by=other, assignee=cast.assessor)  # again: no change
    assert new("assigned") == [cast.assessor.email]
    with run(execute=True):
        services.review_start(assessment=assessment, by=cast.assessor)
        services.notes_save(assessment=assessment, by=cast.assessor, expected_version=0, notes=CQC_ONLY)
        services.question_ask(assessment=assessment, by=cast.assessor, body="Where are the March minutes?")
    assert new("none") == []

    # Returned with questions: leads and contributors, not viewers.
    with run(execute=True):
        services.assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    assert new("returned") == sorted([lead, contributor])

    # Answered and resubmitted: the assigned assessor only, and a second receipt to the leads.
    question = Review.objects.get(assessment=assessment).assessment.clarifications.get(parent=None)
    with run(execute=True):
        services.question_reply(question=question, by=cast.contributor_a, body="Attached now.")
        assessment.refresh_from_db()
        submit(assessment, cast.lead_a, reply="We added the minutes.")
    fresh = smtp_server.received[seen:]
    seen = len(smtp_server.received)
    assert sorted((m.kind, r) for m in fresh for r in m.recipients) == [
        ("resubmitted", cast.assessor.email),
        ("submission_receipt", lead),
    ]
    assessment.refresh_from_db()

    # Draft outcome shared, with the factual-accuracy deadline: the leads.
    with run(execute=True):
        services.review_start(assessment=assessment, by=cast.assessor)
        assessment.refresh_from_db()
        score_all(assessment, cast.assessor)
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        services.outcome_share(
            assessment=assessment,
            by=cast.assessor,
            summaries={str(n): f"Summary {n}." for n in range(1, 9)},
            fa_deadline=deadline,
        )
    fresh = smtp_server.received[seen:]
    assert new("draft_outcome") == [lead]
    assert f"{deadline.day} {deadline:%B %Y}" in fresh[0].text

    # A factual-accuracy comment: the assigned assessor.
    with run(execute=True):
        comment = services.fa_comment_add(assessment=assessment, by=cast.contributor_a, body="Wrong month.")
    assert new("fa_comment") == [cast.assessor.email]
    with run(execute=True):
        services.fa_respond(comment=comment, by=cast.assessor, response="Corrected.")
    assert new("none") == []

    # Finalised: everyone in the organisation, viewers too.
    with run(execute=True):
        services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="All comments answered.")
    assert new("outcome_finalised") == sorted([lead, contributor, viewer])
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSESSED

    # Each once: every notification sent, none twice, nothing CQC-only or of organisation B.
    assert Notification.objects.exclude(status=Notification.Status.SENT).count() == 0
    assert Notification.objects.count() == len(smtp_server.received) == 13
    for message in smtp_server.received:
        assert CQC_ONLY not in message.text
        assert "Assessor's view" not in message.text
        assert cast.org_b.name not in message.text
        assert cast.lead_b.email not in message.recipients
    # The assessor can see that the organisation was told.
    told = {(n.kind, n.email) for n in Notification.objects.filter(about_key=f"assessment:{assessment.pk}")}
    assert ("draft_outcome", lead) in told
    client.force_login(cast.assessor)
    kwargs = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}
    assert (
        reverse("review_emails", kwargs=kwargs)
        in client.get(reverse("review_workspace", kwargs=kwargs)).content.decode()
    )
    page = client.get(reverse("review_emails", kwargs=kwargs)).content.decode()
    section = page[page.index('id="emails"') :]
    assert section.count("CQC shared a draft outcome") == 1
    assert section.count("CQC finalised an outcome") == 3
    assert "Sent" in section
