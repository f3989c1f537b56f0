"""A person's current self-assessments and the work given to them, for home pages.

`current_work(user)` returns, in at most three queries however many organisations, criteria,
citations and assignments there are, one `AssessmentWork` for each organisation the person is a
member of that has a self-assessment: its latest cycle's (whatever its status: `status` and
`is_editable` say whether there is still work to do), the person's role there, its progress
(criteria answered, marked ready for the lead and citing evidence, out of all its criteria) and
the criteria its lead has given to this person.

The counts are the same ones the overview shows (`answers.load`): a criterion is answered when
it has a level or "not evidenced", ready when marked "ready for the lead" since its answer last
changed, cited when it cites at least one document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from assessments.models import Assessment, CriterionResponse
from organisations.models import Membership


def _code_key(code: str) -> list:
    return [int(part) if part.isdigit() else part for part in code.split(".")]


@dataclass(frozen=True)
class AssignedCriterion:
    """A criterion given to the person: where it is, and how far it has got."""

    code: str
    text: str
    principle_number: int
    principle_title: str
    answered: bool
    ready: bool
    url: str


@dataclass
class AssessmentWork:
    assessment: Assessment  # with its organisation and cycle
    role: str  # Membership.Role of the person in the assessment's organisation
    total: int = 0
    answered: int = 0
    ready: int = 0
    cited: int = 0
    assigned: list[AssignedCriterion] = field(default_factory=list)

    @property
    def organisation(self):
        return self.assessment.organisation

    @property
    def cycle(self):
        return self.assessment.cycle

    @property
    def status(self) -> str:
        return self.assessment.status

    @property
    def is_editable(self) -> bool:
        return self.assessment.is_editable

    @property
    def is_lead(self) -> bool:
        return self.role == Membership.Role.LEAD

    @property
    def assigned_not_ready(self) -> list[AssignedCriterion]:
        """What the person still has to do: their criteria not yet ready for the lead."""
        return [c for c in self.assigned if not c.ready]

    @property
    def overview_url(self) -> str:
        return reverse(
            "assessment_overview", kwargs={"code": self.organisation.code, "cycle": self.cycle.slug}
        )


def current_work(user) -> list[AssessmentWork]:
    """The person's organisations' latest self-assessments, by organisation name. Three queries
    (one when they have none)."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = Membership.objects.filter(user=user, organisation=OuterRef("organisation"))
    latest = (
        Assessment.objects.filter(organisation=OuterRef("organisation"))
        .order_by("-cycle__opens_on", "-pk")
        .values("pk")[:1]
    )
    assessments = list(
        Assessment.objects.filter(organisation__memberships__user=user)
        .filter(pk=Subquery(latest))
        .annotate(member_role=Subquery(memberships.values("role")[:1]))
        .select_related("organisation", "cycle")
        .order_by("organisation__name", "pk")
    )
    if not assessments:
        return []
    work = {a.pk: AssessmentWork(assessment=a, role=a.member_role) for a in assessments}
    answered = Q(score__isnull=False) | Q(not_evidenced=True)
    for row in (
        CriterionResponse.objects.filter(assessment_id__in=work)
        .values("assessment_id")
        .annotate(
            total=Count("pk", distinct=True),
            answered=Count("pk", filter=answered, distinct=True),
            ready=Count("pk", filter=Q(ready_at__isnull=False), distinct=True),
            cited=Count("citations__response_id", distinct=True),
        )
        .order_by()
    ):
        item = work[row["assessment_id"]]
        item.total, item.answered, item.ready, item.cited = (
            row["total"],
            row["answered"],
            row["ready"],
            row["cited"],
        )
    assigned = (
        CriterionResponse.objects.filter(assessment_id__in=work, assigned_to=user)
        .select_related("criterion__principle")
        .order_by("assessment_id", "criterion__principle__number", "criterion__position", "pk")
    )
    for response in assigned:
        item = work[response.assessment_id]
        criterion = criterion_of = response.criterion
        item.assigned.append(
            AssignedCriterion(
                code=criterion.code,
                text=criterion.text,
                principle_number=criterion_of.principle.number,
                principle_title=criterion_of.principle.title,
                answered=response.is_answered,
                ready=response.is_ready,
                url=reverse(
                    "assessment_criterion",
                    kwargs={
                        "code": item.organisation.code,
                        "cycle": item.cycle.slug,
                        "criterion": criterion.code,
                    },
                ),
            )
        )
    return list(work.values())
