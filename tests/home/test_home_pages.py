"""Home pages that say what to do next (issue 14.5) and the notifications waiting for each person
(issue 15.5): each role's page, built from the same counts as the pages it points to, in a fixed
number of queries however much data there is."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.answers import load
from cycles.access import CYCLE_MANAGERS
from notifications.models import Kind, Notification
from principles.models import RubricVersion
from reviews import services as review_services
from reviews.models import Clarification
from tests.assessments.helpers import answer_all, cite_everywhere, open_cycle, response, start, submit
from tests.assessments.review_helpers import in_review, score_all
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, authenticator_for

pytestmark = pytest.mark.django_db


def page(client, person) -> str:
    client.force_login(person)
    response_ = client.get("/")
    assert response_.status_code == 200
    return response_.content.decode()


def queries(client, person) -> int:
    client.force_login(person)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def _returned(cast, capture, *, reply_in_days=10, questions=2):
    with capture(execute=True):
        assessment = start(cast)
        answer_all(assessment)
        cite_everywhere(assessment, cast.lead_a)
        submit(assessment, cast.lead_a)
        assessment.refresh_from_db()
        in_review(assessment, cast.assessor)
        for n in range(questions):
            review_services.question_ask(assessment=assessment, by=cast.assessor, body=f"Question {n}?")
        review_services.assessment_return_with_questions(
            assessment=assessment,
            by=cast.assessor,
            reply_by=timezone.localdate() + datetime.timedelta(days=reply_in_days),
        )
    assessment.refresh_from_db()
    return assessment


def _draft_shared(cast, capture, *, deadline_in_days=14):
    with capture(execute=True):
        assessment = start(cast)
        answer_all(assessment)
        cite_everywhere(assessment, cast.lead_a)
        submit(assessment, cast.lead_a)
        assessment.refresh_from_db()
        in_review(assessment, cast.assessor)
        score_all(assessment, cast.assessor)
        review_services.outcome_share(
            assessment=assessment,
            by=cast.assessor,
            summaries={str(n): f"Summary {n}" for n in range(1, 9)},
            fa_deadline=timezone.localdate() + datetime.timedelta(days=deadline_in_days),
        )
    assessment.refresh_from_db()
    return assessment


# ---------------------------------------------------------------------------------------------
# Leads, contributors and viewers


def test_a_lead_sees_the_self_assessment_with_progress_closing_date_and_next_step(client, cast):
    cycle = open_cycle()
    assessment = start(cast, cycle)
    assessment_services.response_save(
        response=response(assessment, "1.1"),
        by=cast.lead_a,
        expected_version=0,
        score=3,
        not_evidenced=False,
        narrative="Minutes of the board.",
    )
    answers = load(assessment)
    text = page(client, cast.lead_a)
    assert "Alderley Integrated Care System: 2026/27 self-assessment" in text
    assert f"{answers.answered} of {answers.total} criteria answered" in text
    assert f"0 of {answers.total} ready for the lead" in text
    days = (cycle.closes_on - timezone.localdate()).days
    assert f"({days} days left)" in text
    assert "Continue the self-assessment" in text
    assert "You lead Alderley Integrated Care System" in text


def test_an_open_cycle_not_started_is_offered_to_the_lead_and_explained_to_others(client, cast):
    open_cycle()
    assert "Start the 2026/27 self-assessment" in page(client, cast.lead_a)
    text = page(client, cast.contributor_a)
    assert "Start the 2026/27" not in text and "leads starts it" in text


def test_the_viewer_is_told_where_to_read_in_words_for_a_read_only_role(client, cast):
    start(cast)
    text = page(client, cast.viewer_a)
    assert "you can read it, not change it" in text
    assert "Read the answers so far" in text
    assert (
        "Continue the self-assessment" not in text and "Answer" not in text.split("Your self-assessments")[1]
    )


def test_criteria_assigned_to_a_contributor_are_on_their_home_page(client, cast):
    assessment = start(cast)
    assessment_services.criteria_assign(
        assessment=assessment,
        criterion_ids=[response(assessment, code).criterion_id for code in ("1.1", "1.2")],
        assignee=cast.contributor_a,
        by=cast.lead_a,
    )
    text = page(client, cast.contributor_a)
    assert "Assigned to you" in text and "2 criteria; 2 not yet ready for the lead" in text
    assert "Answer the 2 criteria assigned to you" in text
    assert (
        reverse("assessment_criterion", kwargs={"code": "QA1", "cycle": "2026-27", "criterion": "1.1"})
        in text
    )


def test_cqc_questions_waiting_with_their_reply_by_date(client, cast, django_capture_on_commit_callbacks):
    assessment = _returned(cast, django_capture_on_commit_callbacks, reply_in_days=9)
    reply_by = timezone.localdate() + datetime.timedelta(days=9)
    text = page(client, cast.contributor_a)
    assert "2 of 2 waiting for an answer" in text
    assert f"Reply by {reply_by.day} " in text and "(9 days left)" in text
    assert "Answer CQC&#x27;s 2 questions" in text or "Answer CQC's 2 questions" in text
    # The notification asking for it is there too, until the self-assessment is resubmitted.
    assert 'id="messages"' in text
    question = Clarification.objects.filter(assessment=assessment, parent=None).first()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.question_reply(question=question, by=cast.contributor_a, body="The minutes.")
    assert "1 of 2 waiting for an answer" in page(client, cast.contributor_a)


def test_a_draft_outcome_with_its_factual_accuracy_deadline(client, cast, django_capture_on_commit_callbacks):
    _draft_shared(cast, django_capture_on_commit_callbacks, deadline_in_days=12)
    deadline = timezone.localdate() + datetime.timedelta(days=12)
    text = page(client, cast.lead_a)
    assert "Draft outcome shared" in text
    assert f"Factual-accuracy comments by {deadline.day} " in text and "(12 days left)" in text
    assert "Read the draft outcome" in text


# ---------------------------------------------------------------------------------------------
# CQC and site staff


def test_an_assessor_sees_what_waits_with_counts_and_the_queue(
    client, cast, django_capture_on_commit_callbacks
):
    _returned(cast, django_capture_on_commit_callbacks)
    other = OrganisationFactory(name="Calderbrook ICS", code="QC1")
    lead_c = MembershipFactory(user=UserFactory(username="lead_c"), organisation=other, role="lead").user
    with django_capture_on_commit_callbacks(execute=True):
        waiting = start(cast, organisation=other, lead=lead_c)
        answer_all(waiting)
        cite_everywhere(waiting, lead_c)
        submit(waiting, lead_c)
    text = page(client, cast.assessor)
    assert "As a CQC assessor you review" in text
    assert "Returned with your questions" in text
    assert "Submitted, assigned to nobody" in text
    assert reverse("review_queue") + "?assigned=none&amp;status=submitted" in text
    queue = client.get(reverse("review_queue") + "?assigned=none&status=submitted").content.decode()
    assert "Calderbrook ICS" in queue and "Alderley" not in queue  # the link leads to what it counts
    returned = client.get(reverse("review_queue") + "?assigned=me&status=returned&sort=due").content.decode()
    assert "Alderley" in returned and "Calderbrook ICS" not in returned
    assert "Go to the review queue" in text
    # And the note that Calderbrook's waits for review, until someone takes it into review.
    assert 'id="messages"' in text and "Calderbrook" in text.split('id="messages"')[1]
    with django_capture_on_commit_callbacks(execute=True):
        in_review(waiting, cast.assessor)
    text = page(client, cast.assessor)
    assert "Calderbrook" not in text


def test_an_assessor_finds_cqcs_own_surveys_from_home_with_their_counts(client, cast):
    from tests.voices.helpers import make_cqc_survey, open_cqc_survey

    text = page(client, cast.assessor)
    assert "CQC's surveys" in text and "CQC has not run any yet." in text
    assert reverse("cqc_survey_list") in text and reverse("cqc_survey_new") in text
    open_cqc_survey(cast)
    make_cqc_survey(cast, title="CQC asks the partners of A again")
    text = page(client, cast.assessor)
    assert "1 open, 1 not yet open, 0 closed." in text
    # Organisations' people are not offered CQC's surveys, nor told how many there are.
    for person in (cast.lead_a, cast.viewer_a, cast.rubric_admin):
        assert "CQC's surveys" not in page(client, person)
        assert reverse("cqc_survey_list") not in page(client, person)


def test_a_rubric_admin_sees_drafts_in_progress(client, cast):
    published = RubricVersion.objects.get(status=RubricVersion.Status.PUBLISHED)
    RubricVersion.objects.create(
        label="2027", status=RubricVersion.Status.DRAFT, scoring_rule=published.scoring_rule
    )
    text = page(client, cast.rubric_admin)
    assert "As a rubric admin" in text and "Version 2027" in text


def test_a_cycle_manager_sees_open_cycles_with_national_progress(client, cast):
    from django.contrib.auth.models import Group

    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name=CYCLE_MANAGERS))
    authenticator_for(manager)
    cycle = open_cycle()
    text = page(client, manager)
    assert "As a cycle manager" in text
    assert reverse("cycle_progress", kwargs={"cycle": cycle.slug}) in text


def test_a_site_admin_is_told_what_they_do(client, cast):
    text = page(client, cast.site_admin)
    assert "As a site admin you look after organisations and people" in text


# ---------------------------------------------------------------------------------------------
# Notifications on the home page


def _info(person, subject="You were added to Alderley", kind=Kind.MEMBER_ADDED):
    return Notification.objects.create(
        kind=kind,
        recipient=person,
        email=person.email,
        about="x",
        about_key=f"membership:{person.pk}",
        idempotency_key=f"{kind}|{person.pk}|{subject}",
        subject=subject,
        body_text="Hello",
        link="/organisations/QA1/",
        status=Notification.Status.SENT,
    )


def test_an_information_only_notification_is_dismissed_with_a_post(client, cast):
    notification = _info(cast.contributor_a)
    assert "You were added to Alderley" in page(client, cast.contributor_a)
    url = reverse("notification_dismiss", kwargs={"notification_id": notification.pk})
    response_ = client.post(url)
    assert response_.status_code == 302 and response_["Location"] == "/"
    notification.refresh_from_db()
    assert notification.done_at is not None
    text = client.get("/").content.decode()
    assert "Removed from your home page: You were added to Alderley" in text  # the confirmation
    assert 'id="messages"' not in text


def test_someone_elses_notification_is_a_404_and_one_that_asks_for_something_a_400(client, cast):
    notification = _info(cast.contributor_a)
    client.force_login(cast.lead_a)
    url = reverse("notification_dismiss", kwargs={"notification_id": notification.pk})
    assert client.post(url).status_code == 404
    asks = _info(cast.lead_a, subject="CQC returned it", kind=Kind.RETURNED)
    response_ = client.post(reverse("notification_dismiss", kwargs={"notification_id": asks.pk}))
    assert response_.status_code == 400 and "until it is done" in response_.content.decode()
    asks.refresh_from_db()
    notification.refresh_from_db()
    assert asks.done_at is None and notification.done_at is None


def test_a_return_leaves_home_pages_once_resubmitted(client, cast, django_capture_on_commit_callbacks):
    assessment = _returned(cast, django_capture_on_commit_callbacks, questions=1)
    returned = Notification.objects.get(kind=Kind.RETURNED, recipient=cast.contributor_a)
    assert returned.subject in page(client, cast.contributor_a)
    question = Clarification.objects.get(assessment=assessment, parent=None)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.question_reply(question=question, by=cast.lead_a, body="The minutes.")
        assessment_services.assessment_resubmit(
            assessment=assessment,
            by=cast.lead_a,
            reply="Answered.",
            declaration=True,
            acknowledged_warnings=True,
        )
    returned.refresh_from_db()
    assert returned.done_at is not None
    assert returned.subject not in page(client, cast.contributor_a)


def test_a_closing_reminder_leaves_once_its_deadline_has_passed_but_a_late_reply_stays(client, cast):
    today = timezone.localdate()
    for kind, due, subject in [
        (Kind.CYCLE_CLOSING, today, "Closes today"),
        (Kind.CYCLE_CLOSING, today - datetime.timedelta(days=1), "Closed yesterday"),
        (Kind.REPLY_BY_DUE, today - datetime.timedelta(days=2), "Reply overdue"),
    ]:
        notification = _info(cast.lead_a, subject=subject, kind=kind)
        Notification.objects.filter(pk=notification.pk).update(due_on=due)
    text = page(client, cast.lead_a)
    assert "Closes today" in text and "(today)" in text
    assert "Reply overdue" in text and "(2 days overdue)" in text
    assert "Closed yesterday" not in text


# ---------------------------------------------------------------------------------------------
# Queries


def _grow(cast, n: int) -> None:
    """More of everything each home page reads: organisations the lead is in with assessments,
    criteria answered and cited, notifications, invitations, cycles, drafts, reviews."""
    for i in range(n):
        organisation = OrganisationFactory(name=f"Grown {n}-{i}", code=f"G{n}X{i}")
        MembershipFactory(user=cast.lead_a, organisation=organisation, role="lead")
        MembershipFactory(user=cast.viewer_a, organisation=organisation, role="viewer")
        MembershipFactory(user=cast.contributor_a, organisation=organisation, role="contributor")
        assessment = start(cast, organisation=organisation, lead=cast.lead_a)
        answer_all(assessment)
        for person in (cast.lead_a, cast.contributor_a, cast.viewer_a, cast.assessor):
            _info(person, subject=f"Note {n}-{i}")


def test_every_home_page_reads_in_a_fixed_number_of_queries(client, cast, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name=CYCLE_MANAGERS))
    authenticator_for(manager)
    open_cycle()
    people = [
        cast.lead_a,
        cast.contributor_a,
        cast.viewer_a,
        cast.assessor,
        cast.rubric_admin,
        manager,
        cast.site_admin,
    ]
    _grow(cast, 1)
    small = [queries(client, person) for person in people]
    _grow(cast, 4)
    large = [queries(client, person) for person in people]
    assert large == small, connection.vendor
    assert max(large) <= 15, large  # issue 19's budget for a page


def test_the_assessors_counts_are_what_waits_for_them(cast, django_capture_on_commit_callbacks):
    """reviews.summaries.assessor_summary, which the assessor's home page shows: each count can
    be told apart from the others."""
    from reviews.models import FactualAccuracyComment, Review
    from reviews.summaries import assessor_summary

    returned = _returned(cast, django_capture_on_commit_callbacks, questions=2, reply_in_days=1)
    # Its reply-by date has since passed.
    Review.objects.filter(assessment=returned).update(
        reply_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    question = Clarification.objects.filter(assessment=returned, parent=None).first()
    review_services.question_reply(question=question, by=cast.lead_a, body="The minutes.")
    # Organisation B: a draft outcome shared, with one comment the assessor has not answered.
    with django_capture_on_commit_callbacks(execute=True):
        shared = start(cast, organisation=cast.org_b, lead=cast.lead_b)
        answer_all(shared)
        cite_everywhere(shared, cast.lead_b)
        submit(shared, cast.lead_b)
        shared.refresh_from_db()
        in_review(shared, cast.assessor)
        score_all(shared, cast.assessor)
        review_services.outcome_share(
            assessment=shared,
            by=cast.assessor,
            summaries={str(n): "Summary" for n in range(1, 9)},
            fa_deadline=timezone.localdate() + datetime.timedelta(days=5),
        )
        review_services.fa_comment_add(assessment=shared, by=cast.lead_b, body="Page 3 is from 2025.")
    summary = assessor_summary(cast.assessor, timezone.localdate())
    assert (summary.returned, summary.replies, summary.overdue) == (1, 1, 1)
    assert (summary.drafts_shared, summary.drafts_with_comments, summary.comments_waiting) == (1, 1, 1)
    assert (summary.assigned_waiting, summary.assigned_submitted, summary.unassigned) == (1, 0, 0)
    comment = FactualAccuracyComment.objects.get()
    review_services.fa_respond(comment=comment, by=cast.assessor, response="Thank you, corrected.")
    summary = assessor_summary(cast.assessor, timezone.localdate())
    assert (summary.drafts_shared, summary.drafts_with_comments, summary.comments_waiting) == (1, 0, 0)
    # Someone else's reviews are not theirs.
    from tests.assessments.review_helpers import second_assessor

    other = assessor_summary(second_assessor(), timezone.localdate())
    assert (other.returned, other.drafts_shared, other.assigned_waiting) == (0, 0, 0)
