"""The home page's sections: each a small builder that says what one kind of person should do
next, in a fixed number of queries however much data there is.

A builder takes the `Person` and returns a `Section` (or None when it has nothing to say to this
person). To add one, write a builder and append it to `BUILDERS`; its template is
`home/sections/<name>.html`, which reads `section.context`. Each builder reads through the
functions the pages it points to use, so the home page and those pages never disagree:
`assessments.work.current_work` (the overview's counts), `reviews.summaries` (the questions,
outcome and queue pages' rows), `notifications.services.waiting_for`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentCycle
from assessments.work import AssessmentWork, current_work
from cycles.access import is_cycle_manager
from notifications.models import DISMISSABLE_KINDS
from notifications.services import waiting_for
from organisations.models import Invitation, Membership, Organisation
from organisations.roles import is_assessor, is_rubric_admin, is_site_admin
from principles.models import RubricVersion
from reviews.summaries import OrganisationSteps, assessor_summary, organisation_steps
from voices.models import Survey

# At most this many notifications are listed; the rest are counted.
NOTIFICATIONS_SHOWN = 10


@dataclass
class Person:
    """Who the home page is for: the signed-in person, their memberships (read once, by the
    view) and today's date."""

    user: object
    memberships: list[Membership]
    today: datetime.date


@dataclass
class Section:
    name: str
    context: dict = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"home/sections/{self.name}.html"


def days_left(day: datetime.date | None, today: datetime.date) -> int | None:
    return None if day is None else (day - today).days


# ---------------------------------------------------------------------------------------------
# Everyone: notifications not yet acted on (one query)


def notifications_waiting(person: Person) -> Section | None:
    today = person.today
    rows = list(waiting_for(person.user, today)[: NOTIFICATIONS_SHOWN + 1])
    if not rows:
        return None
    items = [
        {
            "notification": n,
            "dismissable": n.kind in DISMISSABLE_KINDS,
            "days_left": days_left(n.due_on, today),
        }
        for n in rows[:NOTIFICATIONS_SHOWN]
    ]
    return Section("notifications", {"items": items, "more": len(rows) > NOTIFICATIONS_SHOWN})


# ---------------------------------------------------------------------------------------------
# Leads, contributors and viewers: each organisation's self-assessment (five queries)


@dataclass
class Card:
    """One organisation's current self-assessment (or the one it can start), as home shows it."""

    organisation: Organisation
    role: str
    cycle: AssessmentCycle
    work: AssessmentWork | None = None  # None: not started yet
    steps: OrganisationSteps = field(default_factory=OrganisationSteps)
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def can_edit(self) -> bool:
        return self.role in (Membership.Role.LEAD, Membership.Role.CONTRIBUTOR)

    @property
    def is_lead(self) -> bool:
        return self.role == Membership.Role.LEAD

    @property
    def is_viewer(self) -> bool:
        return self.role == Membership.Role.VIEWER

    @property
    def status(self) -> str:
        return self.work.status if self.work else "not_started"

    @property
    def status_label(self) -> str:
        if self.work is None:
            return "Not started"
        if self.steps.draft_shared:
            return "Draft outcome shared"
        return self.work.assessment.get_status_display()

    @property
    def closing_days(self) -> int | None:
        """Days until the cycle closes, while the first submission is still to make."""
        if self.status not in ("not_started", Assessment.Status.DRAFT) or self.cycle.closed_at:
            return None
        return days_left(self.cycle.closes_on, self.today)

    @property
    def shows_closing(self) -> bool:
        return self.status in ("not_started", Assessment.Status.DRAFT)

    @property
    def reply_days(self) -> int | None:
        return days_left(self.steps.reply_by, self.today)

    @property
    def fa_days(self) -> int | None:
        return days_left(self.steps.fa_deadline, self.today)

    def url(self, name: str) -> str:
        return reverse(name, kwargs={"code": self.organisation.code, "cycle": self.cycle.slug})

    @property
    def overview_url(self) -> str:
        return self.url("assessment_overview")

    @property
    def start_url(self) -> str:
        return self.url("assessment_start")

    @property
    def check_url(self) -> str:
        return self.url("assessment_check")

    @property
    def questions_url(self) -> str:
        return self.url("assessment_questions")

    @property
    def outcome_url(self) -> str:
        return self.url("assessment_outcome")

    @property
    def evidence_url(self) -> str:
        return reverse("evidence_library", kwargs={"code": self.organisation.code})

    @property
    def team_url(self) -> str:
        return reverse("organisation_detail", kwargs={"code": self.organisation.code})

    @property
    def next_step(self) -> NextStep:
        """What this person does next with this self-assessment, in one sentence and a link."""
        name, cycle = self.organisation.name, self.cycle.label
        if self.work is None:
            if self.is_lead:
                return NextStep(
                    f"Start it: {name} has not started its {cycle} self-assessment.",
                    self.start_url,
                    f"Start the {cycle} self-assessment",
                )
            return NextStep(
                f"One of {name}'s leads starts it. Its page says who they are.",
                self.team_url,
                f"See who leads {name}",
            )
        work, steps = self.work, self.steps
        status = work.status
        left = work.total - work.answered
        if status == Assessment.Status.DRAFT:
            if self.is_viewer:
                return NextStep(
                    "It is being written. You can read the answers so far and the evidence they cite.",
                    self.overview_url,
                    "Read the answers so far",
                )
            waiting = work.assigned_not_ready
            if waiting and not self.is_lead:
                return NextStep(
                    f"Answer the {_criteria(len(waiting))} assigned to you and mark each one ready "
                    "for the lead.",
                    waiting[0].url,
                    f"Go to criterion {waiting[0].code}",
                )
            if left:
                if self.is_lead:
                    return NextStep(
                        f"{_criteria(left, capital=True)} not answered yet. Answer them, or give "
                        "them to contributors.",
                        self.overview_url,
                        "Continue the self-assessment",
                    )
                return NextStep(
                    f"Help answer the {_criteria(left)} not answered yet.",
                    self.overview_url,
                    "Continue the self-assessment",
                )
            if self.is_lead:
                return NextStep(
                    "Every criterion is answered. Check the answers, then submit them to CQC.",
                    self.check_url,
                    "Check your answers",
                )
            return NextStep(
                f"Every criterion is answered. One of {name}'s leads checks the answers and "
                "submits them to CQC.",
                self.overview_url,
                "Read the answers",
            )
        if status == Assessment.Status.RETURNED:
            if self.is_viewer:
                return NextStep(
                    "CQC returned it with questions, which its leads and contributors answer.",
                    self.questions_url,
                    "Read CQC's questions",
                )
            if steps.questions_waiting:
                return NextStep(
                    f"Answer CQC's {_questions(steps.questions_waiting)}"
                    + ("." if not self.is_lead else ", then resubmit it to CQC."),
                    self.questions_url,
                    "Answer CQC's questions",
                )
            if self.is_lead:
                return NextStep(
                    "Every question has an answer. Check the answers, then resubmit it to CQC.",
                    self.check_url,
                    "Check your answers and resubmit",
                )
            return NextStep(
                f"Every question has an answer. One of {name}'s leads resubmits it to CQC.",
                self.questions_url,
                "Read CQC's questions and your answers",
            )
        if steps.draft_shared:
            if self.fa_days is not None and self.fa_days < 0:
                return NextStep(
                    "Comments on the draft outcome's factual accuracy have closed. CQC finalises "
                    "the outcome next.",
                    self.outcome_url,
                    "Read the draft outcome",
                )
            if self.is_viewer:
                return NextStep(
                    "CQC shared a draft outcome; its leads and contributors may comment on its "
                    "factual accuracy.",
                    self.outcome_url,
                    "Read the draft outcome",
                )
            return NextStep(
                "Read CQC's draft outcome and tell CQC of anything factually wrong in it before "
                "the deadline.",
                self.outcome_url,
                "Read the draft outcome",
            )
        if status == Assessment.Status.ASSESSED:
            return NextStep(
                "CQC has finalised its outcome: its scores are beside yours, and the assessed "
                "report can be downloaded.",
                self.outcome_url,
                "Read CQC's outcome",
            )
        if status == Assessment.Status.SUBMITTED:
            return NextStep(
                "It is with CQC, waiting for an assessor. Nothing to do for now.",
                self.overview_url,
                "Read what was submitted",
            )
        return NextStep(
            "CQC is reviewing it. Nothing to do for now: CQC may ask questions, then shares a draft outcome.",
            self.overview_url,
            "Read what was submitted",
        )


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str
    link_text: str


def _criteria(count: int, capital: bool = False) -> str:
    words = f"{count} criterion" if count == 1 else f"{count} criteria"
    if capital:
        return words + (" is" if count == 1 else " are")
    return words


def _questions(count: int) -> str:
    return "question" if count == 1 else f"{count} questions"


def _in_scope(cycle: AssessmentCycle, organisation: Organisation) -> bool:
    """`cycle.organisations_in_scope()` for one organisation, without a query."""
    if cycle.scope == AssessmentCycle.Scope.TYPE:
        return organisation.type in cycle.scope_types
    if cycle.scope == AssessmentCycle.Scope.REGION:
        return organisation.region in cycle.scope_regions
    if cycle.scope == AssessmentCycle.Scope.PICKED:
        return organisation.pk in cycle.scope_organisation_ids
    return True


def self_assessments(person: Person) -> Section | None:
    memberships = person.memberships
    if not memberships:
        return None
    today = person.today
    work = current_work(person.user)
    steps = organisation_steps([w.assessment for w in work])
    by_organisation = {w.organisation.pk: w for w in work}
    cards: list[Card] = []
    # Open cycles an organisation has not started: offered beside (before) its latest one.
    open_cycles = list(
        AssessmentCycle.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at=None).order_by(
            "-opens_on"
        )
    )
    for membership in memberships:
        organisation = membership.organisation
        current = by_organisation.get(organisation.pk)
        for cycle in open_cycles:
            started = current is not None and current.cycle.opens_on >= cycle.opens_on
            if not started and _in_scope(cycle, organisation):
                cards.append(Card(organisation, membership.role, cycle, today=today))
        if current is not None:
            cards.append(
                Card(
                    organisation,
                    membership.role,
                    current.cycle,
                    work=current,
                    steps=steps.get(current.assessment.pk, OrganisationSteps()),
                    today=today,
                )
            )
    return Section("self_assessments", {"cards": cards, "memberships": memberships})


# ---------------------------------------------------------------------------------------------
# Leads: invitations waiting (one query)


def _open_invitations():
    return Invitation.objects.filter(
        accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitations_waiting(person: Person) -> Section | None:
    """Leads: invitations to their organisations not yet accepted, per organisation (one query)."""
    if not any(m.role == Membership.Role.LEAD for m in person.memberships):
        return None
    led = Membership.objects.filter(user=person.user, role=Membership.Role.LEAD).values("organisation_id")
    rows = list(
        _open_invitations()
        .filter(organisation__in=led)
        .values("organisation__code", "organisation__name")
        .annotate(count=Count("pk"))
        .order_by("organisation__name")
    )
    return Section("invitations_waiting", {"rows": rows}) if rows else None


# ---------------------------------------------------------------------------------------------
# CQC assessors: what waits in review (three queries)


def assessor_reviews(person: Person) -> Section | None:
    if not is_assessor(person.user):
        return None
    summary = assessor_summary(person.user, person.today)
    return Section("assessor_reviews", {"summary": summary, "queue": reverse("review_queue")})


# ---------------------------------------------------------------------------------------------
# CQC assessors: CQC's own surveys of organisations' partners and participants (one query)


def cqc_surveys(person: Person) -> Section | None:
    """How many of CQC's surveys are open and not yet open, with the way to them: without it, an
    assessor found CQC's surveys only through a review's page."""
    if not is_assessor(person.user):
        return None
    counts = Survey.objects.filter(run_by=Survey.RunBy.CQC).aggregate(
        open=Count("pk", filter=Q(status=Survey.Status.OPEN)),
        draft=Count("pk", filter=Q(status=Survey.Status.DRAFT)),
        closed=Count("pk", filter=Q(status=Survey.Status.CLOSED)),
    )
    return Section(
        "cqc_surveys", {**counts, "list": reverse("cqc_survey_list"), "new": reverse("cqc_survey_new")}
    )


# ---------------------------------------------------------------------------------------------
# Rubric admins: drafts in progress (one query)


def rubric_drafts(person: Person) -> Section | None:
    if not is_rubric_admin(person.user):
        return None
    drafts = list(RubricVersion.objects.filter(status=RubricVersion.Status.DRAFT).order_by("label"))
    return Section("rubric_drafts", {"drafts": drafts})


# ---------------------------------------------------------------------------------------------
# Cycle managers: open cycles (one query)


def cycles_open(person: Person) -> Section | None:
    if not is_cycle_manager(person.user):
        return None
    today = person.today
    cycles = [
        {"cycle": cycle, "days_left": days_left(cycle.closes_on, today), "open": cycle.opens_on <= today}
        for cycle in AssessmentCycle.objects.filter(closed_at=None, closes_on__gte=today).order_by("opens_on")
    ]
    return Section("cycles_open", {"cycles": cycles})


# ---------------------------------------------------------------------------------------------
# Site admins: organisations with no lead, invitations waiting (two queries)


def site_admin_people(person: Person) -> Section | None:
    """Site admins: organisations with no lead, and invitations not yet accepted (two queries)."""
    if not is_site_admin(person.user):
        return None
    leaderless = list(
        Organisation.objects.annotate(
            leads=Count("memberships", filter=Q(memberships__role=Membership.Role.LEAD))
        )
        .filter(leads=0)
        .order_by("name")
        .values("code", "name")[:10]
    )
    return Section(
        "site_admin_people",
        {"leaderless": leaderless, "open_invitations": _open_invitations().count()},
    )


def overdue_actions(person: Person) -> Section | None:
    """Improvement actions past their due date and still open (issue 18): those the person owns,
    and every one of the organisations they lead. One query."""
    from improvement.models import Action

    led = [m.organisation_id for m in person.memberships if m.role == Membership.Role.LEAD]
    member_of = {m.organisation_id for m in person.memberships}
    rows = list(
        Action.objects.filter(status__in=Action.OPEN, due_on__lt=person.today)
        .filter(Q(owner=person.user) | Q(organisation_id__in=led))
        .select_related("organisation")
        .order_by("due_on", "pk")[:20]
    )
    for action in rows:
        # A partner's person may own an action of an organisation they are not a member of.
        action.member = action.organisation_id in member_of
    return Section("overdue_actions", {"rows": rows, "user_id": person.user.pk}) if rows else None


# In this order on the page: the person's own work first, then the messages about it.
BUILDERS: list[Callable[[Person], Section | None]] = [
    self_assessments,
    overdue_actions,
    invitations_waiting,
    site_admin_people,
    assessor_reviews,
    cqc_surveys,
    cycles_open,
    rubric_drafts,
    notifications_waiting,
]


def sections_for(request: HttpRequest, memberships: list[Membership]) -> list[Section]:
    person = Person(user=request.user, memberships=memberships, today=timezone.localdate())
    return [section for builder in BUILDERS if (section := builder(person)) is not None]
