"""Access to self-assessments: each looked up in a queryset scoped to what the person may see, as
`organisations/access.py` does for organisations (another organisation's assessment is a 404; a
person who may see it but not change it gets a 403)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from assessments.models import Assessment
from organisations.access import get_organisation_for_user, membership_for, membership_in
from organisations.models import Membership

# ---------------------------------------------------------------------------------------------
# Self-assessments


@dataclass(frozen=True)
class AssessmentAccess:
    """One assessment as one member of its organisation sees it."""

    assessment: Assessment
    membership: Membership

    @property
    def can_edit(self) -> bool:
        """Leads and contributors change answers, while the assessment is with the organisation."""
        return self.membership.can_edit and self.assessment.is_editable

    @property
    def is_lead(self) -> bool:
        return self.membership.role == Membership.Role.LEAD

    @property
    def can_submit(self) -> bool:
        return self.is_lead and self.assessment.is_editable


def _assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("organisation", "cycle", "rubric_version", "started_by")


def get_assessment_for_member(user, code: str, cycle: str) -> AssessmentAccess:
    """An assessment the person's organisation is working on: a 404 for everyone else.

    CQC staff are not members, so they get a 404 too: a draft (or a returned assessment being
    reworked) is the organisation's private working material. They see what was submitted
    through `get_assessment_for_submission_reader`."""
    membership = membership_in(user, code)
    if membership is None:
        raise Http404("No such assessment")
    try:
        assessment = _assessments().get(organisation=membership.organisation, cycle__slug=cycle)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment") from None
    return AssessmentAccess(assessment, membership)


def get_assessment_for_editor(user, code: str, cycle: str) -> AssessmentAccess:
    """404 as for reading; 403 for a viewer. (A submitted assessment is refused by the view,
    which can say why.)"""
    access = get_assessment_for_member(user, code, cycle)
    if not access.membership.can_edit:
        raise PermissionDenied("Only the organisation's leads and contributors can change answers")
    return access


def get_assessment_for_submission_reader(user, code: str, cycle: str) -> Assessment:
    """An assessment whose submissions the person may read: its organisation's members, and CQC
    assessors (submissions are what CQC received). A 404 for anyone else, and for an assessment
    never submitted when the person is not a member."""
    organisation = get_organisation_for_user(user, code)
    assessments = _assessments().filter(organisation=organisation, cycle__slug=cycle)
    if membership_for(user, organisation) is None:
        assessments = assessments.filter(submissions__isnull=False).distinct()
    try:
        return assessments.get()
    except Assessment.DoesNotExist:
        raise Http404("No such assessment") from None
