"""Who may see which survey.

An organisation's surveys are its members' working material: its leads run them, everyone in it
reads them, and anyone else gets a 404 (CQC too: what CQC sees is what the organisation files as
evidence). A member who may read but not change gets a 403. CQC's own surveys about an
organisation are the other way round (below). The public answering pages find a
survey only by its link's token, and only while it is open: any other link is the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from assessments.models import Assessment
from organisations.models import Membership, Organisation
from organisations.roles import is_assessor
from voices.models import Survey


@dataclass(frozen=True)
class SurveyAccess:
    survey: Survey
    membership: Membership

    @property
    def is_lead(self) -> bool:
        return self.membership.role == Membership.Role.LEAD


def _membership(user, code: str) -> Membership:
    membership = (
        Membership.objects.filter(user=user, organisation__code=code).select_related("organisation").first()
    )
    if membership is None:
        raise Http404("No such organisation")
    return membership


def organisation_for_member(user, code: str) -> tuple[Organisation, Membership]:
    membership = _membership(user, code)
    return membership.organisation, membership


def organisation_for_lead(user, code: str) -> Organisation:
    membership = _membership(user, code)
    if membership.role != Membership.Role.LEAD:
        raise PermissionDenied("Only the organisation's leads can run surveys")
    return membership.organisation


def surveys_of(organisation: Organisation):
    """The organisation's own surveys (CQC's surveys about it are CQC's)."""
    return Survey.objects.filter(organisation=organisation, run_by=Survey.RunBy.ORGANISATION).select_related(
        "cycle", "question_set", "question_set__version", "organisation"
    )


def get_survey_for_member(user, code: str, survey_id: int) -> SurveyAccess:
    membership = _membership(user, code)
    try:
        survey = surveys_of(membership.organisation).get(pk=survey_id)
    except Survey.DoesNotExist:
        raise Http404("No such survey") from None
    return SurveyAccess(survey, membership)


def get_survey_for_lead(user, code: str, survey_id: int) -> SurveyAccess:
    access = get_survey_for_member(user, code, survey_id)
    if not access.is_lead:
        raise PermissionDenied("Only the organisation's leads can change a survey")
    return access


def open_survey(token: str) -> Survey | None:
    """The survey behind a public link, while it takes answers, or None. Closed, not open yet,
    replaced and unknown links are all the same 404, so links cannot be probed."""
    today = timezone.localdate()
    return (
        Survey.objects.filter(
            token=token, status=Survey.Status.OPEN, opens_on__lte=today, closes_on__gte=today
        )
        .select_related("organisation")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# CQC's own surveys of an organisation's partners or participants. They are CQC's: its assessors
# run and read them (everyone else gets 403, as on the review pages); the organisation never
# sees them until CQC's outcome for that cycle's self-assessment is final, and then only the
# aggregated results (`cqc_surveys_shown_to`).


def require_assessor(user) -> None:
    if not is_assessor(user):
        raise PermissionDenied("CQC's surveys are for CQC assessors")


def cqc_surveys():
    return Survey.objects.filter(run_by=Survey.RunBy.CQC).select_related(
        "cycle", "question_set", "question_set__version", "organisation"
    )


def get_cqc_survey(user, survey_id: int) -> Survey:
    require_assessor(user)
    try:
        return cqc_surveys().get(pk=survey_id)
    except Survey.DoesNotExist:
        raise Http404("No such CQC survey") from None


def cqc_surveys_shown_to(organisation: Organisation):
    """CQC's surveys about the organisation that it may now see: those of a cycle whose
    self-assessment CQC has finalised (assessed), once they have opened."""
    assessed = Assessment.objects.filter(organisation=organisation, status=Assessment.Status.ASSESSED)
    return (
        cqc_surveys()
        .filter(organisation=organisation, cycle__in=assessed.values("cycle"))
        .exclude(status=Survey.Status.DRAFT)
    )


def get_cqc_survey_for_member(user, code: str, survey_id: int) -> Survey:
    membership = _membership(user, code)
    try:
        return cqc_surveys_shown_to(membership.organisation).get(pk=survey_id)
    except Survey.DoesNotExist:
        raise Http404("No such survey") from None
