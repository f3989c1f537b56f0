"""An organisation's improvement plan as its pages read it, in a fixed number of queries however
many actions and updates it holds.

Criteria are named by code with the rubric version they were chosen from; `criteria_of` maps
them onto the version a page shows (the organisation's latest self-assessment's, or the one a
report or review is about) by code, and marks a code that version no longer has.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.models import Assessment, Submission
from improvement.models import Action, ProgressUpdate
from organisations.models import Membership, Organisation, organisations_in_systems_of
from principles import cache as rubric_cache
from principles.models import RubricVersion
from principles.services import current_version as published_version

NO_LONGER = "no longer in the rubric"
# How long a finished action keeps being shown beside its criteria in the next cycle.
RECENTLY_FINISHED_DAYS = 365


@dataclass(frozen=True)
class LinkedCriterion:
    code: str
    text: str  # "" when the version shown no longer has the code
    in_rubric: bool

    @property
    def label(self) -> str:
        return self.code if self.in_rubric else f"{self.code} ({NO_LONGER})"


@dataclass
class PlannedAction:
    action: Action
    criteria: list[LinkedCriterion]
    updates: list[ProgressUpdate] = field(default_factory=list)
    owner_name: str = ""

    @property
    def place(self) -> str:
        """Where a confirmation about it is shown on the plan page."""
        return f"action-{self.action.pk}"

    @property
    def latest(self) -> ProgressUpdate | None:
        return self.updates[-1] if self.updates else None

    def overdue(self, today: datetime.date) -> bool:
        return self.action.is_open and self.action.due_on < today

    def updated_since(self, when: datetime.datetime | None) -> bool:
        return when is not None and any(u.at >= when for u in self.updates)


def criteria_of(codes: list[str], version: RubricVersion) -> list[LinkedCriterion]:
    texts = rubric_cache.wording(version).texts
    return [LinkedCriterion(code, texts.get(code, ""), code in texts) for code in codes]


def submitted_assessments(organisation: Organisation) -> QuerySet[Assessment]:
    """The organisation's self-assessments that have been submitted (at least once), newest
    cycle first: the ones actions can come out of."""
    return (
        Assessment.objects.filter(organisation=organisation)
        .filter(Exists(Submission.objects.filter(assessment=OuterRef("pk"))))
        .select_related("cycle", "rubric_version")
        .order_by("-cycle__opens_on")
    )


def plan_assessment(organisation: Organisation) -> Assessment | None:
    """The self-assessment new actions come out of: the latest one submitted. None before the
    organisation has submitted any (actions follow a submission)."""
    return submitted_assessments(organisation).first()


def latest_assessment(organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("cycle", "rubric_version")
        .order_by("-cycle__opens_on")
        .first()
    )


def shown_version(organisation: Organisation, latest: Assessment | None = None) -> RubricVersion | None:
    """The rubric version the plan's criteria are shown against: the organisation's latest
    self-assessment's (a new cycle may have a new version), or the published one."""
    latest = latest if latest is not None else latest_assessment(organisation)
    return latest.rubric_version if latest is not None else published_version()


def owners(organisation: Organisation) -> list[tuple[int, str]]:
    """Who may own an action: the organisation's members and the members of the partner
    organisations of its systems, as (user id, name), the organisation's own first. One query."""
    partners = organisations_in_systems_of(organisation).filter(type=Organisation.Type.PARTNER)
    rows = (
        Membership.objects.filter(Q(organisation=organisation) | Q(organisation__in=partners))
        .select_related("user", "organisation", "partner")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    own: dict[int, str] = {}
    theirs: dict[int, str] = {}
    for m in rows:
        name = m.user.get_full_name() or m.user.get_username()
        if m.organisation_id == organisation.pk:
            own[m.user_id] = f"{name}, {m.partner.name}" if m.partner else name
        else:
            theirs.setdefault(m.user_id, f"{name}, {m.organisation.name}")
    return list(own.items()) + [(pk, name) for pk, name in theirs.items() if pk not in own]


def load(
    organisation: Organisation,
    version: RubricVersion | None,
    *,
    actions: QuerySet[Action] | None = None,
) -> list[PlannedAction]:
    """The organisation's actions (or `actions`, a narrower queryset of them), oldest cycle
    first, each with its criteria mapped onto `version`, its updates and its owner's name.
    Three queries, however many actions and updates."""
    queryset = actions if actions is not None else Action.objects.filter(organisation=organisation)
    rows = list(
        queryset.select_related("owner", "assessment__cycle", "rubric_version").order_by(
            "assessment__cycle__opens_on", "due_on", "pk"
        )
    )
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(action__in=[a.pk for a in rows])
        .select_related("by")
        .order_by("at", "pk")
    ):
        updates[update.action_id].append(update)
    # Whom each owner speaks for: the partner their membership here names, or the partner
    # organisation they belong to when they are not a member here.
    partner_names: dict[int, str] = {}
    members_here: set[int] = set()
    for user_id, organisation_id, organisation_name, partner_name in Membership.objects.filter(
        user_id__in={a.owner_id for a in rows}
    ).values_list("user_id", "organisation_id", "organisation__name", "partner__name"):
        if organisation_id == organisation.pk:
            members_here.add(user_id)
            partner_names.pop(user_id, None)
            if partner_name:
                partner_names[user_id] = partner_name
        elif user_id not in members_here:
            partner_names.setdefault(user_id, organisation_name)
    planned = []
    for action in rows:
        shown = version or action.rubric_version
        name = action.owner.get_full_name() or action.owner.get_username()
        partner = partner_names.get(action.owner_id)
        planned.append(
            PlannedAction(
                action=action,
                criteria=criteria_of(action.criterion_codes, shown),
                updates=updates.get(action.pk, []),
                owner_name=f"{name}, {partner}" if partner else name,
            )
        )
    return planned


@dataclass
class Progress:
    """How far a set of actions has got, for the plan's and the overview's summaries."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    planned: int = 0
    dropped: int = 0
    overdue: int = 0

    @classmethod
    def of(cls, planned: list[PlannedAction], today: datetime.date) -> Progress:
        progress = cls(total=len(planned))
        for p in planned:
            status = p.action.status
            if status == Action.Status.DONE:
                progress.done += 1
            elif status == Action.Status.IN_PROGRESS:
                progress.in_progress += 1
            elif status == Action.Status.PLANNED:
                progress.planned += 1
            else:
                progress.dropped += 1
            progress.overdue += p.overdue(today)
        return progress


def carried_into(assessment: Assessment) -> QuerySet[Action]:
    """The actions a self-assessment carries from the organisation's earlier cycles: those still
    open, and those finished (done or dropped) in the year before its cycle opened or since."""
    since = assessment.cycle.opens_on - datetime.timedelta(days=RECENTLY_FINISHED_DAYS)
    return Action.objects.filter(
        organisation_id=assessment.organisation_id,
        assessment__cycle__opens_on__lt=assessment.cycle.opens_on,
    ).filter(Q(status__in=Action.OPEN) | Q(status_changed_at__date__gte=since))


def carried(assessment: Assessment) -> list[PlannedAction]:
    """`carried_into`'s actions, their criteria mapped onto the assessment's rubric version.
    Three queries."""
    return load(assessment.organisation, assessment.rubric_version, actions=carried_into(assessment))


def for_criterion(planned: list[PlannedAction], code: str) -> list[PlannedAction]:
    return [p for p in planned if code in p.action.criterion_codes]


def without_update(planned: list[PlannedAction], assessment: Assessment) -> list[PlannedAction]:
    """Carried actions nobody has said anything about since this cycle's self-assessment began
    (dropped ones take no updates)."""
    return [
        p
        for p in planned
        if p.action.status != Action.Status.DROPPED and not p.updated_since(assessment.started_at)
    ]
