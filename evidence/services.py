"""Every write to the evidence library: uploads, revisions, edits, deletes, restores, purges and
the download record.

An upload goes through the same steps whichever page it comes from:

1. what the upload handler found while receiving it (too many files, too big);
2. the validation pipeline (evidence/validation.py): size, extension, content, structure;
3. under a lock on the organisation row, so two uploads cannot both slip under the quota or both
   store the same file: is it a file the organisation already holds (same SHA-256, in an item
   that is not deleted)? Then it is offered for reuse, not stored twice. Would it take the
   organisation over its storage quota? Then it is refused;
4. stored in STORAGES["evidence"] under a random key (the original name is only metadata), and
   recorded as a new revision, never over an old one;
5. after the transaction commits, `evidence.processing.file_uploaded` starts the virus scan and
   text extraction. Until the scan passes, the file is "pending" and is never served.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from audit.services import record
from engagement_portal.lib.sizes import file_size
from evidence import processing
from evidence.access import submitted_citations
from evidence.models import EvidenceDownload, EvidenceFile, EvidenceItem
from evidence.uploads import HashedUpload
from evidence.validation import FileProblem, sanitise_file_name, too_big_message, validate_file
from organisations.models import Organisation

RESTORABLE_FOR = datetime.timedelta(days=30)
TITLE_MAX = EvidenceItem._meta.get_field("title").max_length


class UploadRefused(Exception):
    """A file that was not stored, and why, in words for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyHeld(Exception):
    """The organisation already holds this exact file (same SHA-256) in a live item."""

    def __init__(self, existing: EvidenceFile) -> None:
        super().__init__(f"Already held as {existing}")
        self.existing = existing


class StaleItemError(Exception):
    """Someone saved the item's details after this person opened them. `current` is what is
    saved now."""

    def __init__(self, current: EvidenceItem) -> None:
        super().__init__(f"Evidence item {current.pk} is at version {current.version}")
        self.current = current


class EvidenceLocked(Exception):
    """A delete or restore that is not allowed, and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ItemDetails:
    """What a person types about an item. The organisation and who uploaded it are set by the
    server, never by the form."""

    title: str
    description: str
    kind: str
    category: str
    evidence_date: datetime.date | None


@dataclass
class UploadOutcome:
    """What became of one file of an upload: stored, already held, or refused."""

    name: str
    stored: EvidenceFile | None = None
    existing: EvidenceFile | None = None
    problem: str = ""


def evidence_storage():
    return storages["evidence"]


def new_storage_key() -> str:
    """Random, so nothing about the file (its name, its organisation) can be guessed from it."""
    key = uuid.uuid4().hex
    return f"{key[:2]}/{key}"


def quota_used(organisation: Organisation) -> int:
    """Bytes held by the organisation's live items (deleted items stop counting at once)."""
    total = EvidenceFile.objects.filter(
        item__organisation=organisation, item__deleted_at__isnull=True
    ).aggregate(total=Sum("size"))["total"]
    return total or 0


def is_cited_by_submitted(item: EvidenceItem) -> bool:
    return submitted_citations().filter(file__item=item).exists()


def cited_file_ids(item: EvidenceItem) -> set[int]:
    return set(submitted_citations().filter(file__item=item).values_list("file_id", flat=True))


# ---------------------------------------------------------------------------------------------
# Uploads


def _checked(upload: HashedUpload) -> tuple[str, str]:
    """The sanitised name and detected content type, or UploadRefused."""
    name = sanitise_file_name(upload.name or "")
    if upload.too_many:
        raise UploadRefused(
            f"You can upload up to {settings.EVIDENCE_MAX_FILES_PER_UPLOAD} files at a time, so this one "
            "was not uploaded. Upload it again on its own."
        )
    if upload.too_big:
        raise UploadRefused(too_big_message(settings.EVIDENCE_MAX_FILE_BYTES))
    try:
        content_type = validate_file(
            upload.temporary_file_path(),
            name,
            max_bytes=settings.EVIDENCE_MAX_FILE_BYTES,
            sniffed=upload.charset,
        )
    except FileProblem as problem:
        raise UploadRefused(problem.message) from None
    return name, content_type


def _store(
    *,
    organisation: Organisation,
    by,
    upload: HashedUpload,
    name: str,
    content_type: str,
    details: ItemDetails | None = None,
    item: EvidenceItem | None = None,
) -> EvidenceFile:
    """Store one checked file as a new item (details) or a new revision of `item`.

    Runs inside the caller's transaction, under a lock on the organisation row."""
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    existing = (
        EvidenceFile.objects.filter(
            item__organisation=organisation, item__deleted_at__isnull=True, sha256=upload.sha256
        )
        .select_related("item")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise AlreadyHeld(existing)
    quota = settings.EVIDENCE_QUOTA_BYTES
    used = quota_used(organisation)
    if used + upload.size > quota:
        raise UploadRefused(
            f"Your organisation's evidence library is full: it holds {file_size(used)} of its "
            f"{file_size(quota)}, and this file ({file_size(upload.size)}) would take it over. "
            "Delete evidence you no longer need, then upload it again."
        )
    if item is None:
        item = EvidenceItem.objects.create(
            organisation=organisation,
            title=details.title,
            description=details.description,
            kind=details.kind,
            category=details.category,
            evidence_date=details.evidence_date,
            created_by=by,
        )
        revision = 1
    else:
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        revision = (item.files.aggregate(last=Max("revision"))["last"] or 0) + 1
    storage = evidence_storage()
    key = storage.save(new_storage_key(), upload)
    try:
        file = EvidenceFile.objects.create(
            item=item,
            revision=revision,
            storage_key=key,
            original_name=name,
            size=upload.size,
            content_type=content_type,
            sha256=upload.sha256,
            uploaded_by=by,
        )
    except BaseException:
        storage.delete(key)
        raise
    label = file_label(file, item)
    record(
        "evidence.upload",
        f"Uploaded {label}",
        actor=by,
        organisation=organisation,
        obj=file,
        detail={"object": label, "item_id": item.pk, "revision": revision, "sha256": upload.sha256},
    )
    transaction.on_commit(lambda: processing.file_uploaded(file))
    return file


def file_label(file: EvidenceFile, item: EvidenceItem) -> str:
    """A file as the activity pages name it: “Board minutes”, revision 2 (minutes.pdf)."""
    return f"“{item.title}”, revision {file.revision} ({file.original_name})"


def evidence_item_create(
    *, organisation: Organisation, by, details: ItemDetails, upload: HashedUpload
) -> EvidenceFile:
    """A new item holding one file as its revision 1. Raises UploadRefused or AlreadyHeld."""
    name, content_type = _checked(upload)
    with transaction.atomic():
        return _store(
            organisation=organisation,
            by=by,
            upload=upload,
            name=name,
            content_type=content_type,
            details=details,
        )


def evidence_revision_add(*, item: EvidenceItem, by, upload: HashedUpload) -> EvidenceFile:
    """A new revision of an item. Earlier revisions (and what cites them) stay exactly as they
    were, so this is allowed even for evidence a submitted assessment cites. Raises
    UploadRefused or AlreadyHeld."""
    name, content_type = _checked(upload)
    with transaction.atomic():
        locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if locked.deleted_at is not None:
            raise UploadRefused("This evidence has been deleted. Restore it before adding a revision.")
        return _store(
            organisation=item.organisation,
            by=by,
            upload=upload,
            name=name,
            content_type=content_type,
            item=locked,
        )


def item_title_for(details: ItemDetails, file_name: str, *, several: bool) -> str:
    """One file: the title typed. Several: each item is named after its file (without the
    extension), after the typed title when there is one."""
    if not several:
        return details.title
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    title = f"{details.title}: {stem}" if details.title else stem
    return title[:TITLE_MAX]


def evidence_upload(
    *, organisation: Organisation, by, details: ItemDetails, uploads: list[HashedUpload]
) -> list[UploadOutcome]:
    """Store the files of one upload form, each on its own merits.

    Design decision: several files uploaded at once become one evidence item PER FILE, all with
    the metadata typed in the form (kind, category, date, description), each titled after its
    file. They do not become revisions of one item, because revisions are versions of the same
    document: citing "revision 2" must mean a later version of revision 1, not a different
    document that happened to arrive in the same upload. A new version of a document is added
    with "Add a revision" on the item's page.

    A bad file does not stop the good ones: each file is validated, deduplicated and stored in
    its own transaction, and the outcome for every file is returned in the order they came.
    """
    several = len(uploads) > 1
    outcomes = []
    for upload in uploads:
        outcome = UploadOutcome(name=sanitise_file_name(upload.name or ""))
        file_details = ItemDetails(
            title=item_title_for(details, outcome.name, several=several),
            description=details.description,
            kind=details.kind,
            category=details.category,
            evidence_date=details.evidence_date,
        )
        try:
            outcome.stored = evidence_item_create(
                organisation=organisation, by=by, details=file_details, upload=upload
            )
        except UploadRefused as refused:
            outcome.problem = refused.message
        except AlreadyHeld as held:
            outcome.existing = held.existing
        outcomes.append(outcome)
    return outcomes


# ---------------------------------------------------------------------------------------------
# Editing, deleting, restoring


def item_details(item: EvidenceItem) -> ItemDetails:
    return ItemDetails(
        title=item.title,
        description=item.description,
        kind=item.kind,
        category=item.category,
        evidence_date=item.evidence_date,
    )


def evidence_item_update(
    *, item: EvidenceItem, by, details: ItemDetails, expected_version: int
) -> EvidenceItem:
    """Change what people typed about an item, unless someone else saved it since
    `expected_version` was read: then StaleItemError carries what is saved now, so the page can
    show both and lose neither. Saving exactly what is saved changes nothing (and is not a
    conflict, whatever the version). Files, and so what any assessment cited, are untouched."""
    with transaction.atomic():
        current = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if item_details(current) == details:
            return current
        if current.version != expected_version:
            raise StaleItemError(current)
        current.title = details.title
        current.description = details.description
        current.kind = details.kind
        current.category = details.category
        current.evidence_date = details.evidence_date
        current.version += 1
        current.updated_by = by
        current.save(
            update_fields=[
                "title",
                "description",
                "kind",
                "category",
                "evidence_date",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
    return current


def _submitted_cycles(item: EvidenceItem) -> list[str]:
    labels = (
        submitted_citations()
        .filter(file__item=item)
        .values_list("response__assessment__cycle__label", flat=True)
        .distinct()
    )
    return sorted(set(labels))


def deletion_refusal(item: EvidenceItem) -> str:
    """Why this item can never be deleted, or "" if it can be."""
    cycles = _submitted_cycles(item)
    if not cycles:
        return ""
    which = ", ".join(cycles)
    return (
        f"“{item.title}” cannot be deleted, because your self-assessment for {which} cited it when it "
        "was submitted to CQC, and what was submitted must stay as it was. You can still add a new revision."
    )


def evidence_item_delete(*, item: EvidenceItem, by) -> EvidenceItem:
    """Soft delete: the item disappears from the library and stops counting towards the quota,
    and can be restored for 30 days. Refused (EvidenceLocked) for evidence a submitted
    assessment cites, whose files CQC must always be able to open."""
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if item.deleted_at is not None:
            return item
        refusal = deletion_refusal(item)
        if refusal:
            raise EvidenceLocked(refusal)
        item.deleted_at = timezone.now()
        item.deleted_by = by
        item.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return item


def restorable_until(item: EvidenceItem) -> datetime.datetime | None:
    return item.deleted_at + RESTORABLE_FOR if item.deleted_at else None


def evidence_item_restore(*, item: EvidenceItem) -> EvidenceItem:
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if item.deleted_at is None:
            return item
        if timezone.now() > restorable_until(item):
            raise EvidenceLocked(
                f"“{item.title}” was deleted more than 30 days ago, so it can no longer be restored."
            )
        item.deleted_at = None
        item.deleted_by = None
        item.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return item


# Purging: evidence deleted longer ago than RETENTION_DELETED_EVIDENCE_DAYS is removed for good by
# the retention policy (records/retention.py, `manage.py apply_retention`).


# ---------------------------------------------------------------------------------------------
# Downloads


@transaction.atomic
def evidence_download_record(*, file: EvidenceFile, user) -> EvidenceDownload:
    """Every download is recorded before the file is sent: evidence is unpublished regulatory
    material, and the organisation can see who read what (CQC's assessors by name, on its
    activity page). `file.item` is the item it belongs to."""
    download = EvidenceDownload.objects.create(file=file, user=user)
    label = file_label(file, file.item)
    record(
        "evidence.download",
        f"Downloaded {label}",
        actor=user,
        organisation=file.item.organisation_id,
        obj=file,
        detail={"object": label, "item_id": file.item_id, "revision": file.revision},
    )
    return download
