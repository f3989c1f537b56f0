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
from django.db import connection
from django.db.models.sql import Query
from django.http import Http404
from django.utils import timezone

from assessments.models import Assessment
from organisations.access import membership_in
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
    membership = membership_in(user, code)
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


# The public pages' one query, written out: it runs on every page a respondent opens or posts,
# and the ORM's building of it cost more CPU than the rest of the page (0.9 ms against 0.1 ms).
# Only the fields the public pages use (in the model's order, as Model.from_db wants them);
# any other is loaded if something asks for it.
_OPEN_SURVEY_FIELDS = tuple(
    field
    for field in Survey._meta.concrete_fields
    if field.attname
    in {
        "id",
        "organisation_id",
        "run_by",
        "title",
        "introduction",
        "easy_read_introduction",
        "opens_on",
        "closes_on",
        "equality_monitoring",
        "suppression_threshold",
        "status",
        "token",
        "opened_at",
    }
)
_OPEN_SURVEY_COLUMNS = ", ".join(f"s.{field.column}" for field in _OPEN_SURVEY_FIELDS)
_OPEN_SURVEY_SQL = (
    f"SELECT {_OPEN_SURVEY_COLUMNS}, o.name FROM voices_survey s"  # noqa: S608 - the model's columns
    " INNER JOIN assessments_organisation o ON o.id = s.organisation_id"
    " WHERE s.token = %s AND s.status = %s AND s.opens_on <= %s AND s.closes_on >= %s"
)


def open_survey(token: str) -> Survey | None:
    """The survey behind a public link, while it takes answers, or None. Closed, not open yet,
    replaced and unknown links are all the same 404, so links cannot be probed. Its
    organisation has only its name."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_SURVEY_SQL, [token, Survey.Status.OPEN, today, today])
        row = cursor.fetchone()
    if row is None:
        return None
    # The database's values made Python's as the ORM makes them (SQLite's dates are text).
    compiler = Query(Survey).get_compiler(connection=connection)
    columns = [field.get_col("s") for field in _OPEN_SURVEY_FIELDS]
    converters = compiler.get_converters(columns)
    values = next(iter(compiler.apply_converters([row[:-1]], converters))) if converters else row[:-1]
    survey = Survey.from_db(connection.alias, [f.attname for f in _OPEN_SURVEY_FIELDS], values)
    survey.organisation = Organisation.from_db(
        connection.alias, ["id", "name"], [survey.organisation_id, row[-1]]
    )
    return survey


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
