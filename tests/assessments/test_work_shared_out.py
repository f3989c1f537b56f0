"""Work shared out (issue 14): the lead gives criteria to members, members mark them ready for
the lead; and `assessments.work.current_work`, which home pages read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import CriterionResponse, FrozenAssessmentError
from assessments.work import current_work
from audit.models import AuditEvent
from organisations.models import Membership, Organisation
from tests.assessments.helpers import (
    answer_all,
    cite,
    earlier_cycle,
    evidence_file,
    open_cycle,
    response,
    start,
    start_in_past_cycle,
    submitted,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _ids(assessment, *codes) -> list[int]:
    return list(
        CriterionResponse.objects.filter(assessment=assessment, criterion__code__in=codes).values_list(
            "criterion_id", flat=True
        )
    )


def _principle_ids(assessment, number: int) -> list[int]:
    return list(
        CriterionResponse.objects.filter(
            assessment=assessment, criterion__principle__number=number
        ).values_list("criterion_id", flat=True)
    )


def _save(assessment, code, by, *, score=3, narrative="Our board minutes show it."):
    r = response(assessment, code)
    return services.response_save(
        response=r, by=by, expected_version=r.version, score=score, not_evidenced=False, narrative=narrative
    )


# ---------------------------------------------------------------------------------------------
# Assigning


def test_lead_gives_a_whole_principle_to_a_contributor(cast):
    assessment = start(cast)
    ids = _principle_ids(assessment, 1)
    changed = services.criteria_assign(
        assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=cast.contributor_a
    )
    assert changed == len(ids) >= 2
    rows = CriterionResponse.objects.filter(assessment=assessment, criterion_id__in=ids)
    assert {r.assigned_to_id for r in rows} == {cast.contributor_a.pk}
    assert {r.assigned_by_id for r in rows} == {cast.lead_a.pk}
    assert all(r.assigned_at for r in rows)
    # Nothing else was given to anyone, and the answers' versions did not move.
    assert (
        not CriterionResponse.objects.filter(assessment=assessment)
        .exclude(criterion_id__in=ids)
        .exclude(assigned_to=None)
    )
    assert set(rows.values_list("version", flat=True)) == {0}
    event = AuditEvent.objects.get(action="assessment.assigned")
    assert event.organisation_id == cast.org_a.pk
    assert event.actor_id == cast.lead_a.pk
    assert event.detail["assignee"] == "contributor_a"
    assert len(event.detail["criteria"]) == len(ids)


def test_giving_the_same_again_changes_nothing_and_records_nothing(cast):
    assessment = start(cast)
    ids = _ids(assessment, "1.1")
    services.criteria_assign(assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=cast.lead_a)
    assert (
        services.criteria_assign(
            assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=cast.lead_a
        )
        == 0
    )
    assert AuditEvent.objects.filter(action="assessment.assigned").count() == 1


def test_unassigning_gives_the_criteria_to_nobody(cast):
    assessment = start(cast)
    ids = _ids(assessment, "1.1", "1.2")
    services.criteria_assign(
        assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=cast.contributor_a
    )
    assert (
        services.criteria_assign(assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=None) == 2
    )
    assert not CriterionResponse.objects.filter(assessment=assessment).exclude(assigned_to=None).exists()
    assert (
        AuditEvent.objects.filter(action="assessment.assigned").order_by("pk").last().detail["assignee"]
        is None
    )


@pytest.mark.parametrize("who", ["contributor_a", "viewer_a", "lead_b", "outsider"])
def test_only_the_organisations_leads_share_out_the_work(cast, who):
    assessment = start(cast)
    with pytest.raises(PermissionDenied):
        services.criteria_assign(
            assessment=assessment,
            by=cast.person(who),
            criterion_ids=_ids(assessment, "1.1"),
            assignee=cast.contributor_a,
        )
    assert not CriterionResponse.objects.filter(assessment=assessment).exclude(assigned_to=None).exists()


@pytest.mark.parametrize("who", ["viewer_a", "contributor_b", "outsider"])
def test_work_goes_only_to_the_organisations_leads_and_contributors(cast, who):
    assessment = start(cast)
    with pytest.raises(services.AssignmentRefused):
        services.criteria_assign(
            assessment=assessment,
            by=cast.lead_a,
            criterion_ids=_ids(assessment, "1.1"),
            assignee=cast.person(who),
        )
    assert not AuditEvent.objects.filter(action="assessment.assigned").exists()


def test_a_partners_contributor_can_be_given_work(cast):
    partner = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    priya = UserFactory(username="priya", first_name="Priya", last_name="Shah")
    Membership.objects.create(
        user=priya, organisation=cast.org_a, role=Membership.Role.CONTRIBUTOR, partner=partner
    )
    assessment = start(cast)
    services.criteria_assign(
        assessment=assessment, by=cast.lead_a, criterion_ids=_ids(assessment, "2.1"), assignee=priya
    )
    assert response(assessment, "2.1").assigned_to == priya


def test_criteria_of_another_assessment_or_none_are_refused(cast):
    assessment = start(cast)
    other = start(cast, organisation=cast.org_b, lead=cast.lead_b)
    foreign = CriterionResponse.objects.filter(assessment=other).values_list("criterion_id", flat=True)
    # Both assessments use the same rubric version, so pick an id that is not in it at all.
    with pytest.raises(services.AssignmentRefused):
        services.criteria_assign(
            assessment=assessment, by=cast.lead_a, criterion_ids=[max(foreign) + 1000], assignee=cast.lead_a
        )
    with pytest.raises(services.AssignmentRefused):
        services.criteria_assign(
            assessment=assessment, by=cast.lead_a, criterion_ids=[], assignee=cast.lead_a
        )


def test_a_submitted_assessments_work_cannot_change_hands(cast):
    assessment = submitted(cast)
    with pytest.raises(FrozenAssessmentError):
        services.criteria_assign(
            assessment=assessment, by=cast.lead_a, criterion_ids=_ids(assessment, "1.1"), assignee=cast.lead_a
        )


# ---------------------------------------------------------------------------------------------
# Ready for the lead


def test_a_contributor_marks_an_answer_ready_and_takes_it_back(cast):
    assessment = start(cast)
    _save(assessment, "1.1", cast.contributor_a)
    services.response_mark_ready(response=response(assessment, "1.1"), by=cast.contributor_a, ready=True)
    marked = response(assessment, "1.1")
    assert marked.is_ready and marked.ready_by == cast.contributor_a
    version = marked.version
    services.response_mark_ready(response=marked, by=cast.contributor_a, ready=False)
    taken_back = response(assessment, "1.1")
    assert not taken_back.is_ready and taken_back.ready_by is None
    # Marking is not answering: the answer's version (optimistic locking) did not move.
    assert taken_back.version == version
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="assessment.")
        .exclude(action="assessment.transition")
        .order_by("pk")
    ] == ["assessment.ready", "assessment.not_ready"]


def test_an_unanswered_or_unreasoned_criterion_cannot_be_ready(cast):
    assessment = start(cast)
    with pytest.raises(services.ReadyRefused, match=r"Answer criterion 1\.1"):
        services.response_mark_ready(response=response(assessment, "1.1"), by=cast.lead_a, ready=True)
    _save(assessment, "1.2", cast.lead_a, narrative="")
    with pytest.raises(services.ReadyRefused, match="reasoning"):
        services.response_mark_ready(response=response(assessment, "1.2"), by=cast.lead_a, ready=True)
    assert not CriterionResponse.objects.filter(assessment=assessment, ready_at__isnull=False).exists()


def test_changing_the_answer_clears_the_ready_mark(cast):
    """Decision: what was marked ready is no longer what is there, so the lead must not take it
    as ready. Saving the same answer again keeps the mark."""
    assessment = start(cast)
    _save(assessment, "1.1", cast.contributor_a)
    services.response_mark_ready(response=response(assessment, "1.1"), by=cast.contributor_a, ready=True)
    _save(assessment, "1.1", cast.contributor_a)  # unchanged
    assert response(assessment, "1.1").is_ready
    _save(assessment, "1.1", cast.lead_a, narrative="Our board minutes and survey show it.")
    assert not response(assessment, "1.1").is_ready
    cleared = AuditEvent.objects.filter(action="assessment.not_ready").get()
    assert cleared.detail["reason"] == "answer changed"


@pytest.mark.parametrize("who", ["viewer_a", "lead_b", "outsider", "assessor"])
def test_only_the_organisations_editors_mark_ready(cast, who):
    assessment = start(cast)
    _save(assessment, "1.1", cast.lead_a)
    with pytest.raises(PermissionDenied):
        services.response_mark_ready(response=response(assessment, "1.1"), by=cast.person(who), ready=True)
    assert not response(assessment, "1.1").is_ready


def test_a_submitted_assessment_cannot_be_marked(cast):
    assessment = submitted(cast)
    with pytest.raises(FrozenAssessmentError):
        services.response_mark_ready(response=response(assessment, "1.1"), by=cast.lead_a, ready=True)


# ---------------------------------------------------------------------------------------------
# current_work: what home pages read


def test_current_work_counts_progress_and_lists_what_is_assigned(cast):
    assessment = start(cast)
    _save(assessment, "1.1", cast.contributor_a)
    _save(assessment, "1.2", cast.contributor_a)
    services.response_mark_ready(response=response(assessment, "1.1"), by=cast.contributor_a, ready=True)
    file = evidence_file(cast.org_a, cast.lead_a)
    cite(assessment, "1.1", file, cast.lead_a)
    cite(assessment, "1.1", file, cast.lead_a, location="Page 2")  # two citations, one criterion
    cite(assessment, "3.1", file, cast.lead_a)
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=_ids(assessment, "1.1", "2.1"),
        assignee=cast.contributor_a,
    )
    total = CriterionResponse.objects.filter(assessment=assessment).count()

    [work] = current_work(cast.contributor_a)
    assert work.assessment == assessment and work.role == "contributor" and not work.is_lead
    assert (work.total, work.answered, work.ready, work.cited) == (total, 2, 1, 2)
    assert [(c.code, c.answered, c.ready) for c in work.assigned] == [
        ("1.1", True, True),
        ("2.1", False, False),
    ]
    assert [c.code for c in work.assigned_not_ready] == ["2.1"]
    assert work.assigned[1].url == f"/organisations/QA1/assessments/{assessment.cycle.slug}/criteria/2.1/"
    assert work.overview_url == f"/organisations/QA1/assessments/{assessment.cycle.slug}/"

    [lead_work] = current_work(cast.lead_a)
    assert lead_work.is_lead and lead_work.assigned == [] and lead_work.ready == 1
    assert current_work(cast.lead_b) == []  # organisation B has not started
    assert current_work(cast.outsider) == []


def test_current_work_is_each_organisations_latest_assessment(cast):
    earlier = start_in_past_cycle(cast, earlier_cycle())
    answer_all(earlier)
    current = start(cast, open_cycle())
    [work] = current_work(cast.viewer_a)
    assert work.assessment == current and work.answered == 0 and work.role == "viewer"
    assert earlier.pk != current.pk


def test_current_work_reads_in_three_queries_however_much_there_is(cast):
    def count(user) -> int:
        with CaptureQueriesContext(connection) as queries:
            current_work(user)
        return len(queries)

    other_org = OrganisationFactory(name="Another ICS", code="QA2")
    MembershipFactory(user=cast.contributor_a, organisation=other_org, role=Membership.Role.CONTRIBUTOR)
    MembershipFactory(
        user=UserFactory(username="lead_other"), organisation=other_org, role=Membership.Role.LEAD
    )
    assessment = start(cast)
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=_ids(assessment, "1.1"),
        assignee=cast.contributor_a,
    )
    small = count(cast.contributor_a)
    assert small == 3

    lead_other = Membership.objects.get(organisation=other_org, role="lead").user
    other = start(cast, organisation=other_org, lead=lead_other)
    answer_all(assessment)
    file = evidence_file(cast.org_a, cast.lead_a)
    for code in ("1.1", "1.2", "2.1", "3.1"):
        cite(assessment, code, file, cast.lead_a)
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=_principle_ids(assessment, 2),
        assignee=cast.contributor_a,
    )
    services.criteria_assign(
        assessment=other, by=lead_other, criterion_ids=_principle_ids(other, 4), assignee=cast.contributor_a
    )
    assert len(current_work(cast.contributor_a)) == 2
    assert count(cast.contributor_a) == small
    assert count(cast.outsider) <= 1


def test_someone_removed_from_the_organisation_keeps_none_of_its_work(
    cast, django_capture_on_commit_callbacks
):
    from organisations import services as people_services

    assessment = start(cast)
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=_ids(assessment, "1.1", "1.2"),
        assignee=cast.contributor_a,
    )
    services.criteria_assign(
        assessment=assessment, by=cast.lead_a, criterion_ids=_ids(assessment, "2.1"), assignee=cast.lead_a
    )
    membership = Membership.objects.get(user=cast.contributor_a, organisation=cast.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.membership_remove(membership=membership, by=cast.lead_a)
    assert _assigned_codes(assessment) == {"2.1": cast.lead_a.pk}
    event = AuditEvent.objects.filter(action="assessment.assigned").order_by("pk").last()
    assert event.detail["criteria"] == ["1.1", "1.2"] and event.detail["released_from"] == "contributor_a"
    assert "who left the organisation" in event.summary


def _assigned_codes(assessment) -> dict[str, int]:
    return dict(
        CriterionResponse.objects.filter(assessment=assessment)
        .exclude(assigned_to=None)
        .values_list("criterion__code", "assigned_to_id")
    )
