"""`manage.py send_reminders`: each reminder once, however often it runs and when two runs race;
and the uploader told when the virus scan refuses their file."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from assessments.models import AssessmentCycle
from evidence import tasks as evidence_tasks
from evidence.scanning import ScanResult
from notifications import reminders
from notifications.models import Kind, Notification
from reviews import services as review_services
from tests.assessments.helpers import answer_all, cite_everywhere, start, submit
from tests.assessments.review_helpers import in_review, score_all
from tests.evidence.stored import stored_file

pytestmark = pytest.mark.django_db


def _run(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("send_reminders", date=day.isoformat(), stdout=out)
    return out.getvalue()


def _cycle(closes_on: datetime.date) -> AssessmentCycle:
    return AssessmentCycle.objects.create(
        label="2026/27",
        slug="2026-27",
        opens_on=closes_on - datetime.timedelta(days=120),
        closes_on=closes_on,
    )


def _closing(person) -> list[str]:
    return list(
        Notification.objects.filter(kind=Kind.CYCLE_CLOSING, recipient=person)
        .order_by("pk")
        .values_list("occasion", flat=True)
    )


def test_threshold_picks_the_reminder_due():
    assert [reminders.threshold(d, (14, 7, 1)) for d in (15, 14, 13, 8, 7, 2, 1, 0, -1)] == [
        None, 14, 14, 14, 7, 7, 1, 1, None,
    ]  # fmt: skip


def test_closing_reminders_14_7_1_days_before_once_each(cast, django_capture_on_commit_callbacks):
    closes = datetime.date(2027, 3, 31)
    cycle = _cycle(closes)
    # Organisation B has submitted: it is not reminded. A has only started.
    with django_capture_on_commit_callbacks(execute=True):
        assessment_b = start(cast, cycle, organisation=cast.org_b, lead=cast.lead_b)
        answer_all(assessment_b)
        cite_everywhere(assessment_b, cast.lead_b)
        submit(assessment_b, cast.lead_b)
    before = Notification.objects.count()
    for days_before in (20, 15):
        _run(closes - datetime.timedelta(days=days_before))
    assert Notification.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        output = _run(closes - datetime.timedelta(days=14))
        _run(closes - datetime.timedelta(days=14))  # the same day again
        _run(closes - datetime.timedelta(days=13))  # the 14-day reminder was sent already
    assert "cycle closing: 1 reminder" in output
    assert _closing(cast.lead_a) == ["closing:2027-03-31:14"]
    assert _closing(cast.contributor_a) == [] and _closing(cast.lead_b) == []
    with django_capture_on_commit_callbacks(execute=True):
        for days_before in (7, 6, 2, 1, 1, 0):
            _run(closes - datetime.timedelta(days=days_before))
        _run(closes + datetime.timedelta(days=1))  # closed: nothing
    assert _closing(cast.lead_a) == ["closing:2027-03-31:14", "closing:2027-03-31:7", "closing:2027-03-31:1"]
    reminder = Notification.objects.filter(kind=Kind.CYCLE_CLOSING).order_by("pk").last()
    assert reminder.subject == "1 day left: the 2026/27 self-assessment closes on 31 March 2027"
    assert reminder.status == Notification.Status.SENT
    # A new closing date starts the reminders again.
    AssessmentCycle.objects.filter(pk=cycle.pk).update(closes_on=closes + datetime.timedelta(days=30))
    _run(closes + datetime.timedelta(days=16))
    assert _closing(cast.lead_a)[-1] == "closing:2027-04-30:14"


def test_a_reminder_another_process_made_meanwhile_is_not_made_again(cast, monkeypatch):
    """The race two processes run: both find no reminder, both insert; the unique key lets one
    row in and the loser moves on without error."""
    closes = datetime.date(2027, 3, 31)
    _cycle(closes)
    _run(closes - datetime.timedelta(days=7))
    assert len(_closing(cast.lead_a)) == 1
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)
    output = _run(closes - datetime.timedelta(days=7))
    assert "cycle closing: 0 reminders" in output
    assert len(_closing(cast.lead_a)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(_flushable_database, _staff_groups, _published_rubric):
    """Two threads, each with its own database connection, run send_reminders at the same moment."""
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    closes = datetime.date(2027, 3, 31)
    _cycle(closes)
    leads = []
    for n in range(6):
        organisation = OrganisationFactory(name=f"Organisation {n}", code=f"RACE{n}")
        leads.append(
            MembershipFactory(
                user=UserFactory(username=f"race_lead_{n}"), organisation=organisation, role="lead"
            ).user
        )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=10)
            reminders.run(closes - datetime.timedelta(days=7))
        except BaseException as error:  # pragma: no cover (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for lead in leads:
        assert _closing(lead) == ["closing:2027-03-31:7"], connection.vendor


def test_factual_accuracy_deadline_reminder_3_days_before(cast, django_capture_on_commit_callbacks):
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    submit(assessment, cast.lead_a)
    assessment.refresh_from_db()
    in_review(assessment, cast.assessor)
    score_all(assessment, cast.assessor)
    today = datetime.date.today()
    deadline = today + datetime.timedelta(days=10)
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): "Summary." for n in range(1, 9)},
        fa_deadline=deadline,
    )
    for days_before in (5, 4):
        _run(deadline - datetime.timedelta(days=days_before))
    assert not Notification.objects.filter(kind=Kind.FA_DEADLINE_DUE).exists()
    for days_before in (3, 2, 0):
        _run(deadline - datetime.timedelta(days=days_before))
    _run(deadline + datetime.timedelta(days=1))
    told = sorted(Notification.objects.filter(kind=Kind.FA_DEADLINE_DUE).values_list("email", flat=True))
    assert told == sorted([cast.lead_a.email, cast.contributor_a.email])


def test_the_uploader_is_told_when_the_virus_scan_refuses_their_file(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    class Infected:
        def scan(self, stream):
            stream.read()
            return ScanResult(clean=False, detail="Eicar-Test-Signature")

    monkeypatch.setattr(evidence_tasks, "get_scanner", lambda: Infected())
    file = stored_file(cast.org_a, cast.contributor_a, "minutes.txt", b"pretend malware")
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_tasks.scan_and_extract.call(file.pk) == "infected"
        assert evidence_tasks.scan_and_extract.call(file.pk) == "infected"  # run again: not told again
    [notification] = Notification.objects.filter(kind=Kind.EVIDENCE_REFUSED)
    assert notification.recipient == cast.contributor_a
    assert "minutes.txt" in notification.subject
    assert "Eicar" not in notification.body_text  # what was found stays in the record, not the email
    assert notification.status == Notification.Status.SENT


def test_reply_by_reminder_3_days_before_while_returned(cast):
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    submit(assessment, cast.lead_a)
    assessment.refresh_from_db()
    in_review(assessment, cast.assessor)
    review_services.question_ask(assessment=assessment, by=cast.assessor, body="Which minutes?")
    reply_by = datetime.date.today() + datetime.timedelta(days=10)
    review_services.assessment_return_with_questions(
        assessment=assessment, by=cast.assessor, reply_by=reply_by
    )
    for days_before in (5, 4):
        _run(reply_by - datetime.timedelta(days=days_before))
    assert not Notification.objects.filter(kind=Kind.REPLY_BY_DUE).exists()
    for days_before in (3, 1, 0):
        _run(reply_by - datetime.timedelta(days=days_before))
    told = sorted(Notification.objects.filter(kind=Kind.REPLY_BY_DUE).values_list("email", flat=True))
    assert told == sorted([cast.lead_a.email, cast.contributor_a.email])
