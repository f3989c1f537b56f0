"""Every write to the activities register: recording, changing, closing, joining, publishing,
withdrawing, the controlled lists, imports, and filing the register as evidence.

Every function is keyword-only, runs in one transaction and records what it did in the audit
trail inside it. Each checks the person's role itself: views check first only so that they can
explain a refusal. Bad input (an end before the start, a retired topic, a place or partner
outside the system) is refused with `ActivityInvalid`, naming each field, and nothing is stored.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from activities import filing, overlaps
from activities.models import (
    Activity,
    Community,
    Join,
    OverlapFound,
    Publication,
    RegisterImport,
    RegisterSnapshot,
    Topic,
)
from activities.systems import system_organisation_ids, system_partners, system_places
from audit.services import record
from engagement_portal.dates import govuk_date
from engagement_portal.lib.hashing import json_sha256
from evidence import services as evidence_services
from evidence.models import EvidenceFile, EvidenceItem
from organisations.models import Membership, Organisation
from organisations.roles import is_rubric_admin

MAX_TEXT = {"purpose": 2000, "participant_profile": 4000, "what_heard": 10000, "what_changed": 10000}


class ActivityInvalid(Exception):
    """Bad input: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ActivityData:
    """What a person records about an activity. The organisation and who recorded it are set by
    the server, never by the form or the spreadsheet."""

    title: str
    purpose: str
    topic_ids: set[int]
    community_ids: set[int]
    method: str
    influence: str
    planned_start: datetime.date
    planned_end: datetime.date
    contact_name: str
    contact_email: str
    place_ids: set[int] = field(default_factory=set)
    partner_ids: set[int] = field(default_factory=set)
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None
    status: str = Activity.Status.PLANNED
    participants: int | None = None
    participant_profile: str = ""
    what_heard: str = ""
    what_changed: str = ""
    participants_told: bool | None = None
    told_on: datetime.date | None = None
    internal_notes: str = ""


@dataclass(frozen=True)
class Closing:
    what_changed: str
    participants_told: bool
    told_on: datetime.date | None
    actual_end: datetime.date | None = None


def _role(user, organisation: Organisation) -> str | None:
    return (
        Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
    )


def _require_editor(user, organisation: Organisation) -> None:
    if _role(user, organisation) not in {Membership.Role.LEAD, Membership.Role.CONTRIBUTOR}:
        raise PermissionDenied("Only the organisation's leads and contributors can change its activities")


def _require_lead(user, organisation: Organisation) -> None:
    if _role(user, organisation) != Membership.Role.LEAD:
        raise PermissionDenied("Only the organisation's leads can do this")


def validate(
    organisation: Organisation, data: ActivityData, *, current: Activity | None = None
) -> dict[str, str]:
    """What is wrong with the data, by field; empty when it may be stored."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Enter a title"
    elif len(data.title) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if not data.purpose.strip():
        errors["purpose"] = "Enter the question or purpose"
    for name, limit in MAX_TEXT.items():
        if len(getattr(data, name) or "") > limit:
            errors[name] = f"This must be {limit:,} characters or fewer"
    if data.method not in Activity.Method.values:
        errors["method"] = "Choose a method from the list"
    if data.influence not in Activity.Influence.values:
        errors["influence"] = "Choose a level of influence from the list"
    if data.status not in Activity.Status.values:
        errors["status"] = "Choose a status from the list"
    if data.planned_end < data.planned_start:
        errors["planned_end"] = "The planned end must be on or after the planned start"
    if data.actual_start and data.actual_end and data.actual_end < data.actual_start:
        errors["actual_end"] = "The actual end must be on or after the actual start"
    kept_topics = set(current.topics.values_list("pk", flat=True)) if current else set()
    kept_communities = set(current.communities.values_list("pk", flat=True)) if current else set()
    choosable_topics = set(Topic.objects.filter(retired=False).values_list("pk", flat=True)) | kept_topics
    choosable_communities = (
        set(Community.objects.filter(retired=False).values_list("pk", flat=True)) | kept_communities
    )
    if not data.topic_ids:
        errors["topics"] = "Choose at least one topic"
    elif data.topic_ids - choosable_topics:
        errors["topics"] = "Choose topics from the list"
    if not data.community_ids:
        errors["communities"] = "Choose at least one community or group"
    elif data.community_ids - choosable_communities:
        errors["communities"] = "Choose communities from the list"
    if data.place_ids - set(system_places(organisation).values_list("pk", flat=True)):
        errors["places"] = "Choose places in your system's area"
    if data.partner_ids - set(system_partners(organisation).values_list("pk", flat=True)):
        errors["partners"] = "Choose partners from your system's organisations"
    if not data.contact_name.strip():
        errors["contact_name"] = "Enter the name of a contact"
    if "@" not in data.contact_email or len(data.contact_email) > 254:
        errors["contact_email"] = "Enter an email address in the correct format, like name@example.org"
    if data.participants is not None and not 0 <= data.participants <= 10_000_000:
        errors["participants"] = "Enter a number between 0 and 10,000,000"
    if data.participants_told and data.told_on is None:
        errors["told_on"] = "Enter the date participants were told"
    if data.told_on and not data.participants_told:
        errors["told_on"] = "Leave the date empty, or say participants were told"
    return errors


def _apply(activity: Activity, data: ActivityData) -> None:
    for name in (
        "title",
        "purpose",
        "method",
        "influence",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "status",
        "participants",
        "participant_profile",
        "what_heard",
        "what_changed",
        "participants_told",
        "told_on",
        "internal_notes",
        "contact_name",
        "contact_email",
    ):
        value = getattr(data, name)
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    if activity.status == Activity.Status.CLOSED and activity.closed_on is None:
        activity.closed_on = activity.actual_end or timezone.localdate()
    if activity.status != Activity.Status.CLOSED:
        activity.closed_on = None


def _set_terms(activity: Activity, data: ActivityData) -> None:
    activity.topics.set(data.topic_ids)
    activity.communities.set(data.community_ids)
    activity.places.set(data.place_ids)
    activity.partners.set(data.partner_ids)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def note_overlaps(activity: Activity) -> list[overlaps.Overlap]:
    """Find the activity's overlaps and keep a record of each pair found (for the figures)."""
    found = overlaps.find(overlaps.Probe.of(activity))
    for overlap in found:
        first, second = _pair(activity.pk, overlap.activity.pk)
        OverlapFound.objects.get_or_create(first_id=first, second_id=second)
    return found


def _status_record(activity: Activity, old: str, by) -> None:
    if old != activity.status:
        record(
            "activity.status",
            f"{activity.title}: {Activity.Status(old).label} to {activity.get_status_display()}",
            actor=by,
            organisation=activity.organisation,
            obj=activity,
            detail={"object": activity.title, "from": old, "to": activity.status},
        )


@transaction.atomic
def activity_create(*, organisation: Organisation, by, data: ActivityData, source: str = "form") -> Activity:
    _require_editor(by, organisation)
    errors = validate(organisation, data)
    if errors:
        raise ActivityInvalid(errors)
    activity = Activity(organisation=organisation, created_by=by)
    _apply(activity, data)
    activity.save()
    _set_terms(activity, data)
    record(
        "activity.created",
        f"Recorded the activity “{activity.title}”",
        actor=by,
        organisation=organisation,
        obj=activity,
        detail={"object": activity.title, "status": activity.status, "source": source},
    )
    if activity.status != Activity.Status.PLANNED:
        _status_record(activity, Activity.Status.PLANNED, by)
    note_overlaps(activity)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, by, data: ActivityData) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_editor(by, activity.organisation)
    errors = validate(activity.organisation, data, current=activity)
    if errors:
        raise ActivityInvalid(errors)
    old_status = activity.status
    _apply(activity, data)
    activity.save()
    _set_terms(activity, data)
    record(
        "activity.changed",
        f"Changed the activity “{activity.title}”",
        actor=by,
        organisation=activity.organisation,
        obj=activity,
        detail={"object": activity.title},
    )
    _status_record(activity, old_status, by)
    note_overlaps(activity)
    return activity


@transaction.atomic
def activity_close(*, activity: Activity, by, closing: Closing) -> Activity:
    """Closing asks what changed as a result and whether participants were told."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_editor(by, activity.organisation)
    errors: dict[str, str] = {}
    if not closing.what_changed.strip():
        errors["what_changed"] = "Say what changed as a result, or why nothing changed"
    elif len(closing.what_changed) > MAX_TEXT["what_changed"]:
        errors["what_changed"] = "This must be 10,000 characters or fewer"
    if closing.participants_told and closing.told_on is None:
        errors["told_on"] = "Enter the date participants were told"
    if closing.told_on and closing.told_on > timezone.localdate():
        errors["told_on"] = "The date participants were told must be today or in the past"
    start = activity.actual_start or activity.planned_start
    if closing.actual_end and closing.actual_end < start:
        errors["actual_end"] = "The end must be on or after the activity's start"
    if errors:
        raise ActivityInvalid(errors)
    old_status = activity.status
    activity.what_changed = closing.what_changed.strip()
    activity.participants_told = closing.participants_told
    activity.told_on = closing.told_on if closing.participants_told else None
    if closing.actual_end:
        activity.actual_end = closing.actual_end
        activity.actual_start = activity.actual_start or activity.planned_start
    activity.status = Activity.Status.CLOSED
    activity.closed_on = activity.actual_end or timezone.localdate()
    activity.save()
    _status_record(activity, old_status, by)
    return activity


@transaction.atomic
def activity_join(*, activity: Activity, other: Activity, by) -> Join:
    """Link two activities of one system that combined. Either organisation's editors may."""
    _require_editor(by, activity.organisation)
    if activity.pk == other.pk:
        raise ActivityInvalid({"other": "An activity cannot be joined with itself"})
    if other.organisation_id not in system_organisation_ids(activity.organisation):
        raise ActivityInvalid({"other": "Choose an activity of your system"})
    first, second = _pair(activity.pk, other.pk)
    join, created = Join.objects.get_or_create(first_id=first, second_id=second, defaults={"joined_by": by})
    if created:
        for side, partner in ((activity, other), (other, activity)):
            record(
                "activity.joined",
                f"“{side.title}” joined with “{partner.title}” ({partner.organisation.name})",
                actor=by,
                organisation=side.organisation,
                obj=side,
                detail={"object": side.title, "joined_with": partner.pk},
            )
    return join


@transaction.atomic
def activity_unjoin(*, activity: Activity, other: Activity, by) -> None:
    _require_editor(by, activity.organisation)
    first, second = _pair(activity.pk, other.pk)
    deleted, _ = Join.objects.filter(first_id=first, second_id=second).delete()
    if deleted:
        for side, partner in ((activity, other), (other, activity)):
            record(
                "activity.unjoined",
                f"“{side.title}” no longer joined with “{partner.title}”",
                actor=by,
                organisation=side.organisation,
                obj=side,
                detail={"object": side.title, "joined_with": partner.pk},
            )


def joined_with(activity: Activity):
    """The activities joined with this one (one query, by the joins' indexes)."""
    seconds = Join.objects.filter(first=activity).values_list("second_id")
    firsts = Join.objects.filter(second=activity).values_list("first_id")
    return (
        Activity.objects.filter(pk__in=seconds.union(firsts, all=True))
        .select_related("organisation")
        .order_by("period_start")
    )


# ---------------------------------------------------------------------------------------------
# "You said, we did"


@dataclass(frozen=True)
class PublicWords:
    asked: str
    heard: str
    changed: str


@transaction.atomic
def activity_publish(*, activity: Activity, by, words: PublicWords) -> Publication:
    """Publish a closed activity on the organisation's public page, in the words given."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_lead(by, activity.organisation)
    errors: dict[str, str] = {}
    if activity.status != Activity.Status.CLOSED:
        errors["asked"] = "Close the activity before publishing it"
    for name, label, limit in (
        ("asked", "what you asked", 2000),
        ("heard", "what people said", 5000),
        ("changed", "what changed", 5000),
    ):
        value = getattr(words, name).strip()
        if not value:
            errors.setdefault(name, f"Enter {label}")
        elif len(value) > limit:
            errors.setdefault(name, f"This must be {limit:,} characters or fewer")
    if errors:
        raise ActivityInvalid(errors)
    publication, _ = Publication.objects.update_or_create(
        activity=activity,
        defaults={
            "asked": words.asked.strip(),
            "heard": words.heard.strip(),
            "changed": words.changed.strip(),
            "published_by": by,
            "published_at": timezone.now(),
            "withdrawn_at": None,
        },
    )
    record(
        "activity.published",
        f"Published “{activity.title}” on the public “You said, we did” page",
        actor=by,
        organisation=activity.organisation,
        obj=activity,
        detail={"object": activity.title},
    )
    return publication


@transaction.atomic
def activity_withdraw(*, activity: Activity, by) -> None:
    _require_lead(by, activity.organisation)
    publication = Publication.objects.select_for_update().filter(activity=activity, withdrawn_at=None).first()
    if publication is None:
        return
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    record(
        "activity.withdrawn",
        f"Withdrew “{activity.title}” from the public “You said, we did” page",
        actor=by,
        organisation=activity.organisation,
        obj=activity,
        detail={"object": activity.title},
    )


# ---------------------------------------------------------------------------------------------
# The controlled lists (rubric admins keep them)


def _require_list_keeper(user) -> None:
    if not is_rubric_admin(user):
        raise PermissionDenied("Only rubric admins keep the lists of topics and communities")


@transaction.atomic
def term_add(*, model: type[Topic] | type[Community], name: str, by, group: str = "") -> Topic | Community:
    _require_list_keeper(by)
    name = " ".join(name.split())
    if not name:
        raise ActivityInvalid({"name": "Enter a name"})
    if len(name) > 100:
        raise ActivityInvalid({"name": "The name must be 100 characters or fewer"})
    if model.objects.filter(name__iexact=name).exists():
        raise ActivityInvalid({"name": f"“{name}” is already on the list"})
    extra = {}
    if model is Community:
        if group not in Community.Group.values:
            raise ActivityInvalid({"group": "Choose a group from the list"})
        extra["group"] = group
    last = model.objects.order_by("-position").values_list("position", flat=True).first() or 0
    term = model.objects.create(name=name, position=last + 1, **extra)
    record(
        "activity.list_changed",
        f"Added “{name}” to the list of {model._meta.verbose_name_plural}",
        actor=by,
        obj=term,
        detail={"object": name, "change": "added"},
    )
    return term


@transaction.atomic
def term_retire(*, term: Topic | Community, by, retired: bool) -> None:
    _require_list_keeper(by)
    term = type(term).objects.select_for_update().get(pk=term.pk)
    if term.retired == retired:
        return
    term.retired = retired
    term.save(update_fields=["retired"])
    change = "retired" if retired else "brought back"
    record(
        "activity.list_changed",
        f"{change.capitalize()} “{term.name}” on the list of {term._meta.verbose_name_plural}",
        actor=by,
        obj=term,
        detail={"object": term.name, "change": change},
    )


# ---------------------------------------------------------------------------------------------
# Importing a register from a spreadsheet (activities/spreadsheets.py reads and checks it)


@transaction.atomic
def register_import_prepare(*, organisation: Organisation, by, file_name: str, rows: list[dict], data: bytes):
    """Keep a checked spreadsheet's rows for the preview. Imports nothing."""
    _require_editor(by, organisation)
    return RegisterImport.objects.create(
        organisation=organisation,
        created_by=by,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
    )


@transaction.atomic
def register_import_confirm(*, batch: RegisterImport, by, to_data) -> list[Activity]:
    """Import every row of a previewed spreadsheet, or none: a row that no longer passes (the
    register changed since the preview) rolls the whole import back."""
    batch = RegisterImport.objects.select_for_update().get(pk=batch.pk)
    _require_editor(by, batch.organisation)
    if batch.imported_at is not None or batch.created_by_id != by.pk:
        raise ActivityInvalid({"file": "This import has already been done"})
    done = []
    for number, row in enumerate(batch.rows, start=1):
        try:
            if row["reference"]:
                activity = Activity.objects.get(pk=row["reference"], organisation=batch.organisation)
                done.append(activity_update(activity=activity, by=by, data=to_data(row)))
            else:
                done.append(
                    activity_create(
                        organisation=batch.organisation, by=by, data=to_data(row), source="import"
                    )
                )
        except (ActivityInvalid, Activity.DoesNotExist) as problem:
            raise ActivityInvalid(
                {
                    "file": f"Activity {number} of the file no longer passes the checks ({problem}): "
                    "nothing was imported"
                }
            ) from None
    batch.imported_at = timezone.now()
    batch.save(update_fields=["imported_at"])
    record(
        "activity.imported",
        f"Imported {len(done)} activities from {batch.file_name}",
        actor=by,
        organisation=batch.organisation,
        obj=batch,
        detail={"object": batch.file_name, "rows": len(done), "sha256": batch.sha256},
    )
    return done


# ---------------------------------------------------------------------------------------------
# Filing the register as evidence (activities/filing.py builds the snapshot and the PDF)


def register_file_as_evidence(
    *, organisation: Organisation, by, activities, filters: dict[str, str]
) -> EvidenceFile:
    """File the activities (the register, or a filtered part) as a new evidence item: a PDF of a
    frozen snapshot, with the snapshot and its SHA-256 kept beside the item. Raises
    evidence_services.UploadRefused (the library is full, say) with nothing stored."""
    _require_editor(by, organisation)
    taken_at = filing.now()
    data = filing.snapshot(
        organisation=organisation, activities=filing.ordered(activities), filters=filters, taken_at=taken_at
    )
    sha256 = json_sha256(data)
    pdf = filing.render(data, sha256)
    title = f"Engagement register, {govuk_date(taken_at)}" + (" (filtered)" if filters else "")
    upload = filing.as_upload(f"engagement-register-{taken_at:%Y-%m-%d}.pdf", pdf)
    details = evidence_services.ItemDetails(
        title=title,
        description=(
            f"{len(data['activities'])} engagement activities from the register"
            + (": " + "; ".join(f"{k} {v}" for k, v in filters.items()) if filters else "")
            + f". SHA-256 of the snapshot: {sha256}."
        ),
        kind=EvidenceItem.Kind.IMPACT_LOG,
        category=EvidenceItem.Category.PROCESSES,
        evidence_date=taken_at.date(),
    )
    try:
        with transaction.atomic():
            file = evidence_services.evidence_item_create(
                organisation=organisation, by=by, details=details, upload=upload
            )
            snapshot = RegisterSnapshot.objects.create(
                organisation=organisation,
                evidence_item=file.item,
                snapshot=data,
                sha256=sha256,
                created_by=by,
            )
            record(
                "activity.filed_as_evidence",
                f"Filed {len(data['activities'])} engagement activities as evidence: “{title}”",
                actor=by,
                organisation=organisation,
                obj=snapshot,
                detail={"object": title, "sha256": sha256, "item_id": file.item_id, "filters": filters},
            )
    finally:
        upload.close()
    return file
