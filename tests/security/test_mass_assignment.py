"""Mass assignment (ASVS V8.2.3): fields a form does not offer change nothing.

Each POST view that writes is sent its ordinary form data plus the fields an attacker would add:
another organisation, a status, an author, a position or version. The ordinary change happens;
the added fields are ignored. Organisation, status, scores' authors and authorship are set on
the server only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Assessment, CriterionResponse
from evidence.models import Citation, EvidenceFile, EvidenceItem
from organisations.models import Membership
from principles.models import Criterion, RubricVersion
from tests.permissions import matrix

pytestmark = pytest.mark.django_db


def _tampering(cast, **more) -> dict:
    """Fields no form here offers, pointing at organisation B and at B's lead."""
    return {
        "organisation": cast.org_b.pk,
        "organisation_id": cast.org_b.pk,
        "status": Assessment.Status.ASSESSED,
        "user": cast.lead_b.pk,
        "created_by": cast.lead_b.pk,
        "updated_by": cast.lead_b.pk,
        "started_by": cast.lead_b.pk,
        "submitted_by": cast.lead_b.pk,
        "uploaded_by": cast.lead_b.pk,
        "deleted_at": "2020-01-01T00:00:00Z",
        "deleted_by": cast.lead_b.pk,
        "scan_status": EvidenceFile.ScanStatus.CLEAN,
        "sha256": "0" * 64,
        **more,
    }


def _post(client, user, name: str, kwargs: dict, data: dict):
    client.force_login(user)
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_lead_changing_a_role_cannot_move_the_membership_or_change_its_person(client, cast):
    kwargs = matrix._viewer_a_membership(cast)
    _post(client, cast.lead_a, "membership_role", kwargs, {"role": "contributor", **_tampering(cast)})
    membership = Membership.objects.get(pk=kwargs["membership_id"])
    assert membership.role == Membership.Role.CONTRIBUTOR
    assert (membership.organisation, membership.user) == (cast.org_a, cast.viewer_a)


def test_editing_evidence_details_cannot_move_restore_or_reattribute_the_item(client, cast):
    kwargs = matrix._evidence_item(cast)
    before = EvidenceItem.objects.get(pk=kwargs["item_id"])
    data = {**matrix._evidence_details(cast), "title": "Renamed minutes", **_tampering(cast)}
    _post(client, cast.contributor_a, "evidence_item_edit", kwargs, data)
    item = EvidenceItem.objects.get(pk=kwargs["item_id"])
    assert item.title == "Renamed minutes"
    assert (item.organisation_id, item.created_by_id, item.updated_by_id, item.deleted_at) == (
        cast.org_a.pk,
        before.created_by_id,
        cast.contributor_a.pk,
        None,
    )
    assert set(item.files.values_list("uploaded_by", "sha256")) == set(
        before.files.values_list("uploaded_by", "sha256")
    )


def test_an_upload_belongs_to_the_library_and_person_it_came_through(client, cast):
    data = {**matrix._evidence_upload(cast), **_tampering(cast)}
    _post(client, cast.contributor_a, "evidence_upload", {"code": cast.org_a.code}, data)
    item = EvidenceItem.objects.get(title="Minutes")
    assert (item.organisation, item.created_by, item.deleted_at) == (cast.org_a, cast.contributor_a, None)
    file = item.files.get()
    assert file.uploaded_by == cast.contributor_a
    assert file.sha256 != "0" * 64
    assert not EvidenceItem.objects.filter(organisation=cast.org_b).exists()


def test_editing_a_draft_criterion_cannot_move_it_or_reach_the_published_version(client, cast):
    kwargs = matrix._draft_criterion(cast)
    draft = RubricVersion.objects.get(label=kwargs["label"])
    criterion = Criterion.objects.get(principle__version=draft, code="1.1")
    published_text = Criterion.objects.get(principle__version__label="2026", code="1.1").text
    other_principle = draft.principles.get(number=2)
    data = {
        **matrix._criterion_data("1.1")(cast),
        "text": "Reworded.",
        **_tampering(cast, principle=other_principle.pk, version="2026", label="2026", position=99),
    }
    _post(client, cast.rubric_admin, "rubric_criterion_edit", kwargs, data)
    criterion.refresh_from_db()
    assert criterion.text == "Reworded."
    assert criterion.principle.number == 1
    assert criterion.principle.version == draft
    assert criterion.position != 99
    assert Criterion.objects.get(principle__version__label="2026", code="1.1").text == published_text


def test_saving_an_answer_cannot_change_the_assessments_status_or_the_answers_author(client, cast):
    kwargs = matrix._sa_criterion(cast)
    data = {
        **matrix._sa_answer(cast),
        **_tampering(cast, criterion="2.1", assessment=0, rubric_version=0),
    }
    _post(client, cast.contributor_a, "assessment_criterion", kwargs, data)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.started_by == cast.lead_a
    response = CriterionResponse.objects.get(assessment=assessment, criterion__code="1.1")
    assert (response.score, response.updated_by) == (3, cast.contributor_a)
    assert not CriterionResponse.objects.filter(assessment=assessment, criterion__code="2.1").exclude(
        narrative=""
    )


def test_citing_evidence_records_the_person_who_cited_it(client, cast):
    kwargs = matrix._sa_criterion(cast)
    data = {**matrix._sa_cite(cast), **_tampering(cast, response=0)}
    _post(client, cast.contributor_a, "citation_add", kwargs, data)
    citation = Citation.objects.get(location="Page 2")
    assert citation.created_by == cast.contributor_a
    assert citation.response.criterion.code == "1.1"
    assert citation.response.assessment.organisation == cast.org_a


def test_submitting_cannot_choose_the_status_or_the_submitter(client, cast):
    kwargs = matrix._sa_ready(cast)
    data = {"declaration": "on", "acknowledge": "on", **_tampering(cast, number=7)}
    _post(client, cast.lead_a, "assessment_submit", kwargs, data)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    assert assessment.status == Assessment.Status.SUBMITTED
    submission = assessment.submissions.get()
    assert (submission.number, submission.submitted_by) == (1, cast.lead_a)
    assert submission.sha256 != "0" * 64
