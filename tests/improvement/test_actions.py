"""Improvement actions (issue 18, part 1): recording, changing, progress and status, who may do
what, and bad input refused with the message beside its field and nothing typed lost."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from improvement import services
from improvement.models import Action, ProgressUpdate
from organisations.models import Membership, Organisation, System
from principles import services as rubric_services
from principles.models import Criterion
from tests.assessments.helpers import open_cycle, start
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.improvement.helpers import add, form, plan_url, submitted_earlier, text_of

pytestmark = pytest.mark.django_db


def test_a_lead_adds_an_action_after_submitting(client, cast):
    assessment = submitted_earlier(cast)
    client.force_login(cast.lead_a)
    response = client.post(plan_url(cast, "improvement_action_add"), form(cast))
    assert response.status_code == 302
    action = Action.objects.get()
    assert response["Location"] == f"{plan_url(cast)}#action-{action.pk}-message"
    assert action.assessment == assessment
    assert action.rubric_version == assessment.rubric_version
    assert action.criterion_codes == ["1.1", "7.1"]
    assert action.owner == cast.contributor_a
    assert action.status == Action.Status.PLANNED
    event = AuditEvent.objects.get(action="improvement.action_added")
    assert event.organisation_id == cast.org_a.pk
    page = text_of(client.get(response["Location"]))
    assert "Run quarterly listening events" in page
    assert "From the 2025/26 self-assessment" in page
    assert "Improvement action added." in page


def test_before_any_submission_there_is_nothing_to_add_to(client, cast):
    start(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(plan_url(cast)))
    assert "You can add actions once you have submitted a self-assessment" in page
    response = client.post(plan_url(cast, "improvement_action_add"), form(cast))
    assert response.status_code == 200
    assert "once you have submitted a self-assessment" in text_of(response)
    assert not Action.objects.exists()


def test_new_actions_come_out_of_the_latest_submitted_cycle_while_the_next_is_a_draft(client, cast):
    earlier = submitted_earlier(cast)
    start(cast, open_cycle())
    action = add(cast)
    assert action.assessment == earlier


def _partner_person(cast):
    partner = OrganisationFactory(name="Healthwatch Alderley", type=Organisation.Type.PARTNER)
    System.objects.create(ics=cast.org_a).partners.add(partner)
    person = UserFactory(username="kiran", first_name="Kiran", last_name="Shah")
    MembershipFactory(user=person, organisation=partner, role=Membership.Role.LEAD)
    return person


def test_a_partner_organisations_person_can_own_an_action(client, cast):
    person = _partner_person(cast)
    submitted_earlier(cast)
    client.force_login(cast.lead_a)
    page = client.get(plan_url(cast, "improvement_action_add")).content.decode()
    assert "Kiran Shah, Healthwatch Alderley" in page
    assert client.post(plan_url(cast, "improvement_action_add"), form(cast, owner=person)).status_code == 302
    assert "Kiran Shah, Healthwatch Alderley" in text_of(client.get(plan_url(cast)))


# Bad input: a clear message beside the field, nothing typed lost, nothing written.


def _refused(client, cast, data, field: str, message: str):
    client.force_login(cast.lead_a)
    response = client.post(plan_url(cast, "improvement_action_add"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in text_of(response)
    assert "Run quarterly listening events" in html  # what was typed is kept
    assert not Action.objects.exists()


def test_an_owner_outside_the_organisation_and_its_partners_is_refused(client, cast):
    submitted_earlier(cast)
    _refused(
        client,
        cast,
        form(cast, owner=cast.lead_b),
        "owner",
        "Choose an owner from your organisation's people or its system partners' people",
    )


def test_a_due_date_in_the_past_is_refused(client, cast):
    submitted_earlier(cast)
    day = timezone.localdate() - datetime.timedelta(days=1)
    _refused(client, cast, form(cast, day=day), "due_on", "The due date must be today or in the future")


def test_a_criterion_the_rubric_does_not_have_is_refused(client, cast):
    submitted_earlier(cast)
    _refused(
        client,
        cast,
        form(cast, codes=("1.1", "9.9")),
        "criteria",
        "Criterion 9.9 is not in the rubric your plan uses",
    )


def test_no_criterion_is_refused(client, cast):
    submitted_earlier(cast)
    _refused(client, cast, form(cast, codes=()), "criteria", "Choose at least one criterion")


def test_changing_a_due_date_to_before_the_action_was_made_is_refused(client, cast):
    action = add(cast)
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(cast.lead_a)
    day = timezone.localdate() - datetime.timedelta(days=40)
    response = client.post(
        plan_url(cast, "improvement_action_change", action), form(cast, what="Changed words", day=day)
    )
    assert response.status_code == 400
    assert "The due date must be on or after the day the action was made" in text_of(response)
    assert "Changed words" in response.content.decode()
    action.refresh_from_db()
    assert action.what != "Changed words"
    # Ten days ago is after it was made: accepted, though in the past.
    day = timezone.localdate() - datetime.timedelta(days=10)
    response = client.post(plan_url(cast, "improvement_action_change", action), form(cast, day=day))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == day
    assert AuditEvent.objects.filter(action="improvement.action_changed").count() == 1


def test_progress_on_a_dropped_action_is_refused(client, cast):
    action = add(cast)
    services.action_status(action=action, by=cast.lead_a, status="dropped", reason="A partner now runs it")
    client.force_login(cast.contributor_a)
    response = client.post(
        plan_url(cast, "improvement_action_progress", action), {"body": "We met twice", "status": "done"}
    )
    assert response.status_code == 400
    assert "This action was dropped, so it takes no progress updates" in text_of(response)
    assert "We met twice" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_dropping_needs_a_reason(client, cast):
    action = add(cast)
    client.force_login(cast.lead_a)
    response = client.post(plan_url(cast, "improvement_action_status", action), {"status": "dropped"})
    assert response.status_code == 400
    assert "Say why the action is being dropped" in text_of(response)
    response = client.post(
        plan_url(cast, "improvement_action_status", action), {"status": "dropped", "reason": "Merged with 2"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "Merged with 2")
    assert "Why: Merged with 2" in text_of(client.get(plan_url(cast)))


def test_a_progress_update_is_dated_and_can_move_the_action_on(client, cast):
    action = add(cast)
    client.force_login(cast.contributor_a)
    response = client.post(
        plan_url(cast, "improvement_action_progress", action),
        {"body": "First event held in March", "status": "in_progress"},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.by, update.status_to) == (cast.contributor_a, "in_progress")
    action.refresh_from_db()
    assert action.status == "in_progress"
    page = text_of(client.get(plan_url(cast)))
    assert "First event held in March" in page
    assert "In progress" in page
    assert AuditEvent.objects.filter(action="improvement.progress").count() == 1


# Who may do what (the permission matrix covers every URL and person; these say why).


def test_contributors_update_progress_but_do_not_change_actions(client, cast):
    action = add(cast)
    client.force_login(cast.contributor_a)
    assert client.get(plan_url(cast, "improvement_action_change", action)).status_code == 403
    assert client.post(plan_url(cast, "improvement_action_add"), form(cast)).status_code == 403
    assert client.get(plan_url(cast, "improvement_action_progress", action)).status_code == 200


def test_viewers_read_the_plan_and_write_nothing(client, cast):
    action = add(cast)
    client.force_login(cast.viewer_a)
    page = client.get(plan_url(cast)).content.decode()
    assert action.what in page
    assert "Update progress" not in page and "Add an action" not in page
    body = {"body": "x", "status": "done"}
    assert client.post(plan_url(cast, "improvement_action_progress", action), body).status_code == 403


def test_another_organisations_action_is_a_404(client, cast):
    action = add(cast)
    client.force_login(cast.lead_b)
    assert client.get(plan_url(cast)).status_code == 404
    # B's lead, under B's own code, asking for A's action.
    for name in ("improvement_action_change", "improvement_action_progress", "improvement_action_status"):
        from django.urls import reverse

        url = reverse(name, kwargs={"code": cast.org_b.code, "action_id": action.pk})
        assert client.get(url).status_code == 404


# Actions survive a new rubric version.


def _new_version_without(cast, removed: str, reworded: str):
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    rubric_services.rubric_update_criterion(
        criterion=Criterion.objects.get(principle__version=draft, code=reworded),
        by=cast.rubric_admin,
        levels={},
        text="Reworded in the 2027 rubric",
    )
    rubric_services.rubric_remove_criterion(
        criterion=Criterion.objects.get(principle__version=draft, code=removed), by=cast.rubric_admin
    )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []
    return draft


def test_actions_survive_a_new_rubric_version(client, cast):
    action = add(cast, codes=("1.1", "7.4"))
    version = _new_version_without(cast, removed="7.4", reworded="1.1")
    next_assessment = start(cast, open_cycle())
    assert next_assessment.rubric_version == version
    client.force_login(cast.lead_a)
    page = text_of(client.get(plan_url(cast)))
    # Mapped by code onto the version the organisation now answers against.
    assert "1.1 Reworded in the 2027 rubric" in page
    # Kept, and said plainly.
    assert "7.4 No longer in the rubric" in page
    action.refresh_from_db()
    assert action.criterion_codes == ["1.1", "7.4"]
    # Changing it offers the new version's criteria and keeps the removed one, labelled.
    html = client.get(plan_url(cast, "improvement_action_change", action)).content.decode()
    assert "No longer in the rubric: kept so this action is not lost" in html
    response = client.post(
        plan_url(cast, "improvement_action_change", action), form(cast, codes=("1.1", "7.4", "2.1"))
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.criterion_codes == ["1.1", "7.4", "2.1"]
    assert action.rubric_version == version


def test_query_count_of_the_plan_does_not_grow_with_actions(client, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.get(plan_url(cast))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan_url(cast)).status_code == 200
        return len(queries)

    first = add(cast)
    services.progress_add(action=first, by=cast.lead_a, body="Started", status="in_progress")
    client.force_login(cast.lead_a)
    small = count()
    for n in range(12):
        action = add(cast, f"Action {n}", codes=("2.1", "3.1"), owner=cast.lead_a)
        services.progress_add(action=action, by=cast.contributor_a, body=f"Update {n}")
        services.progress_add(action=action, by=cast.lead_a, body=f"Second update {n}", status="done")
    assert count() == small


def test_a_dropped_actions_progress_page_says_so_and_asks_nothing(client, cast):
    action = add(cast)
    services.action_status(action=action, by=cast.lead_a, status="dropped", reason="A partner now runs it")
    client.force_login(cast.contributor_a)
    response = client.get(plan_url(cast, "improvement_action_progress", action))
    assert response.status_code == 200
    page = text_of(response)
    assert "This action was dropped" in page and "a lead can change its status" in page
    assert "How is it going?" not in page


def test_a_day_too_large_to_be_a_date_is_refused_plainly(client, cast):
    """Found by the form fuzzer on PostgreSQL: a day of 2147483648 was a server error."""
    submitted_earlier(cast)
    data = form(cast) | {"due_on_0": "2147483648"}
    client.force_login(cast.lead_a)
    response = client.post(plan_url(cast, "improvement_action_add"), data)
    assert response.status_code == 400
    assert "Enter a real date" in text_of(response)
    assert not Action.objects.exists()
