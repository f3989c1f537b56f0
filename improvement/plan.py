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

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

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
    # Every update, oldest first (empty when read with `all_updates=False`, which reads only the
    # latest and the count, in the same query as the action).
    updates: list[ProgressUpdate] = field(default_factory=list)
    owner_name: str = ""
    latest: ProgressUpdate | None = None
    update_count: int = 0

    @property
    def place(self) -> str:
        """Where a confirmation about it is shown on the plan page."""
        return f"action-{self.action.pk}"

    def overdue(self, today: datetime.date) -> bool:
        return self.action.is_open and self.action.due_on < today

    def updated_since(self, when: datetime.datetime | None) -> bool:
        return when is not None and self.latest is not None and self.latest.at >= when


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
    all_updates: bool = True,
) -> list[PlannedAction]:
    """The organisation's actions (or `actions`, a narrower queryset of them), oldest cycle
    first, each with its criteria mapped onto `version`, its owner's name and its progress
    updates. One query for the actions (their owner's partner, latest update and number of
    updates read with them), and a second for every update when `all_updates`."""
    queryset = actions if actions is not None else Action.objects.filter(organisation=organisation)
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
    memberships = Membership.objects.filter(user=OuterRef("owner_id"))
    rows = list(
        queryset.select_related("owner", "assessment__cycle", "rubric_version")
        .annotate(
            # Whom the owner speaks for: the partner their membership here names, or else the
            # (partner) organisation they belong to when they are not a member here.
            owner_partner_here=Subquery(
                memberships.filter(organisation=organisation).values("partner__name")[:1]
            ),
            owner_member_here=Exists(memberships.filter(organisation=organisation)),
            owner_elsewhere=Subquery(
                memberships.exclude(organisation=organisation)
                .order_by("organisation__name")
                .values("organisation__name")[:1]
            ),
            latest_at=Subquery(latest.values("at")[:1]),
            latest_body=Subquery(latest.values("body")[:1]),
            update_count=Subquery(
                ProgressUpdate.objects.filter(action=OuterRef("pk"))
                .order_by()
                .values("action")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("assessment__cycle__opens_on", "due_on", "pk")
    )
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    if all_updates and rows:
        for update in (
            ProgressUpdate.objects.filter(action__in=[a.pk for a in rows])
            .select_related("by")
            .order_by("at", "pk")
        ):
            updates[update.action_id].append(update)
    planned = []
    for action in rows:
        shown = version or action.rubric_version
        name = action.owner.get_full_name() or action.owner.get_username()
        partner = action.owner_partner_here if action.owner_member_here else action.owner_elsewhere
        listed = updates.get(action.pk, [])
        if listed:
            newest = listed[-1]
        elif action.latest_at is not None:
            newest = ProgressUpdate(action=action, at=action.latest_at, body=action.latest_body or "")
        else:
            newest = None
        planned.append(
            PlannedAction(
                action=action,
                criteria=criteria_of(action.criterion_codes, shown),
                updates=listed,
                owner_name=f"{name}, {partner}" if partner else name,
                latest=newest,
                update_count=action.update_count or 0,
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
    """`carried_into`'s actions, their criteria mapped onto the assessment's rubric version, each
    with its latest update. One query."""
    return load(
        assessment.organisation,
        assessment.rubric_version,
        actions=carried_into(assessment),
        all_updates=False,
    )


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
