"""Retention: how long each kind of record is kept, and deleting what has expired.

`apply_retention` (the management command) runs `apply()` once a day. Each kind of record below
has a period in days in settings.RETENTION_DAYS (from the environment; None keeps it for ever).
For each kind, what is older than its period is deleted: rows in one transaction per kind and
organisation, stored files from the evidence storage once that transaction commits (so a
failure never leaves a row whose file is gone), and one audit event per kind and organisation
saying how many and which.

What is never deleted here:
- anything of an organisation under a legal hold (Organisation.legal_hold);
- self-assessments submitted to CQC, their submissions, CQC's review of them and the evidence
  they cite (every file a submission's snapshot names by SHA-256, even one whose citation was
  removed after CQC returned the assessment). A submission is the regulatory record of what
  CQC received; its SHA-256 proves the cited files. Disposing of it is a decision for CQC's
  records manager under CQC's own retention schedule, not a timer, so the database's freeze
  triggers stay unconditional;
- rubric versions (assessments pin them);
- the audit trail itself.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from assessments.models import Assessment, RenderedReport, Submission, Transition
from audit.services import record
from evidence.models import Citation, EvidenceDownload, EvidenceFile, EvidenceItem
from organisations.models import Organisation

logger = logging.getLogger(__name__)


@dataclass
class Found:
    """What one kind of record has expired for one organisation (None: portal-wide records)."""

    organisation_id: int | None
    ids: list = field(default_factory=list)
    # Keys in the evidence storage (or, for incoming uploads, paths) that go with the rows.
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    name: str  # the key in settings.RETENTION_DAYS
    singular: str  # for output: "deleted evidence item"
    label: str  # plural: "deleted evidence items"
    # Whether its records belong to an organisation (and so a legal hold keeps them).
    per_organisation: bool
    # Expired records, grouped by organisation; held organisations are already left out.
    find: Callable[[datetime.datetime, set[int]], list[Found]]
    # Deletes the rows of one Found (inside a transaction) and returns the storage keys to delete
    # once it commits; the ids actually deleted may be fewer if something changed meanwhile.
    delete: Callable[[Found, datetime.datetime], Found]


def _grouped(pairs: Iterable[tuple[int | None, object]]) -> list[Found]:
    by_organisation: dict[int | None, Found] = {}
    for organisation_id, pk in pairs:
        by_organisation.setdefault(organisation_id, Found(organisation_id)).ids.append(pk)
    return [by_organisation[key] for key in sorted(by_organisation, key=lambda k: (k is None, k or 0))]


# Ids per query: well under SQLite's limit on parameters, and modest SQL on PostgreSQL.
CHUNK = 500


def _chunks(ids: list) -> Iterable[list]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _files_of(item_ids: list[int]) -> list[tuple[int, str, str]]:
    """(item id, storage key, SHA-256) of every revision of these items."""
    found = []
    for chunk in _chunks(item_ids):
        found += EvidenceFile.objects.filter(item_id__in=chunk).values_list(
            "item_id", "storage_key", "sha256"
        )
    return found


# ---------------------------------------------------------------------------------------------
# Evidence: deleted items, and items nothing cites that nobody has touched for years


def _cited_by_submitted():
    return Citation.objects.filter(file__item=OuterRef("pk"), response__assessment__submissions__isnull=False)


def _hashes_in(value) -> set[str]:
    """Every "sha256" inside a submission's snapshot: the files it cited (assessments/services.py
    build_snapshot). The snapshot's own hash is a column, not inside it."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sha256" and isinstance(inner, str):
                found.add(inner)
            else:
                found |= _hashes_in(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _hashes_in(inner)
    return found


@functools.cache
def submitted_file_hashes() -> frozenset[str]:
    """The SHA-256 of every file any submission ever cited, even one whose citation was removed
    after CQC returned the assessment: the submission still proves it by that hash. Read once
    per run of `apply` (which clears the cache); a submission made during the run protects its
    files anyway, through its citations."""
    found: set[str] = set()
    for snapshot in Submission.objects.values_list("snapshot", flat=True).iterator():
        found |= _hashes_in(snapshot)
    return frozenset(found)


def _not_in_a_submission(item_ids: list[int]) -> list[int]:
    """These items, less any with a revision a submission names by SHA-256. Checked here rather
    than in SQL: every submitted file's hash would make a very long query."""
    hashes = submitted_file_hashes()
    protected = {item_id for item_id, _, sha256 in _files_of(item_ids) if sha256 in hashes}
    return [pk for pk in item_ids if pk not in protected]


def _expired_items(queryset) -> list[Found]:
    pairs = list(queryset.order_by("pk").values_list("organisation_id", "pk"))
    kept = set(_not_in_a_submission([pk for _, pk in pairs]))
    found = _grouped((organisation_id, pk) for organisation_id, pk in pairs if pk in kept)
    for group in found:
        group.files = [key for _, key, _ in _files_of(group.ids)]
    return found


def _delete_expired_items(found: Found, queryset) -> Found:
    """Lock the items found and check them again (one restored or cited since is kept), then
    delete them."""
    locked = list(
        EvidenceItem.objects.select_for_update().filter(pk__in=found.ids).values_list("pk", flat=True)
    )
    ids = _not_in_a_submission(sorted(queryset.filter(pk__in=locked).values_list("pk", flat=True)))
    return Found(found.organisation_id, ids, _delete_items(ids))


def _delete_items(item_ids: list[int]) -> list[str]:
    """Delete evidence items with their revisions, download records and draft citations; return
    the storage keys of their files. The caller's query has already left out cited-by-submitted
    items; the Citation manager and the database triggers would refuse any that slipped in."""
    files = EvidenceFile.objects.filter(item_id__in=item_ids)
    keys = list(files.values_list("storage_key", flat=True))
    Citation.objects.filter(file__in=files).delete()
    EvidenceDownload.objects.filter(file__in=files).delete()
    files.delete()
    EvidenceItem.objects.filter(pk__in=item_ids).delete()
    return keys


def _deleted_evidence(cutoff: datetime.datetime, held: set[int]):
    return (
        EvidenceItem.objects.filter(deleted_at__lt=cutoff)
        .exclude(organisation_id__in=held)
        .exclude(Exists(_cited_by_submitted()))
    )


def find_deleted_evidence(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    return _expired_items(_deleted_evidence(cutoff, held))


def delete_deleted_evidence(found: Found, cutoff: datetime.datetime) -> Found:
    return _delete_expired_items(found, _deleted_evidence(cutoff, set()))


def _uncited_evidence(cutoff: datetime.datetime, held: set[int]):
    return (
        EvidenceItem.objects.exclude(organisation_id__in=held)
        .filter(updated_at__lt=cutoff)
        .annotate(last_upload=Max("files__uploaded_at"))
        .filter(Q(last_upload__isnull=True) | Q(last_upload__lt=cutoff))
        .exclude(Exists(Citation.objects.filter(file__item=OuterRef("pk"))))
    )


def find_uncited_evidence(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    return _expired_items(_uncited_evidence(cutoff, held))


def delete_uncited_evidence(found: Found, cutoff: datetime.datetime) -> Found:
    return _delete_expired_items(found, _uncited_evidence(cutoff, set()))


# ---------------------------------------------------------------------------------------------
# Self-assessments never submitted, of cycles that closed long ago


def _unsubmitted_assessments(cutoff: datetime.datetime, held: set[int]):
    return (
        Assessment.objects.filter(status=Assessment.Status.DRAFT, cycle__closes_on__lt=cutoff.date())
        .filter(submissions__isnull=True)
        .exclude(organisation_id__in=held)
    )


def find_unsubmitted_assessments(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    return _grouped(
        _unsubmitted_assessments(cutoff, held).order_by("pk").values_list("organisation_id", "pk")
    )


def delete_unsubmitted_assessments(found: Found, cutoff: datetime.datetime) -> Found:
    locked = list(
        Assessment.objects.select_for_update().filter(pk__in=found.ids).values_list("pk", flat=True)
    )
    ids = list(_unsubmitted_assessments(cutoff, set()).filter(pk__in=locked).values_list("pk", flat=True))
    # Answers and their citations go with the assessment (on_delete=CASCADE); its status
    # history points at it and goes first. Never submitted, so it has no review or report.
    Transition.objects.filter(assessment_id__in=ids).delete()
    Assessment.objects.filter(pk__in=ids).delete()
    return Found(found.organisation_id, sorted(ids))


# ---------------------------------------------------------------------------------------------
# Stored reports: rendered again from the frozen submission the next time someone asks


def find_rendered_reports(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    rows = (
        RenderedReport.objects.filter(created_at__lt=cutoff)
        .exclude(submission__assessment__organisation_id__in=held)
        .order_by("pk")
        .values_list("submission__assessment__organisation_id", "pk", "storage_key")
    )
    found = _grouped((organisation_id, pk) for organisation_id, pk, _ in rows)
    keys = {pk: key for _, pk, key in rows}
    for group in found:
        group.files = [keys[pk] for pk in group.ids if keys[pk]]
    return found


def delete_rendered_reports(found: Found, cutoff: datetime.datetime) -> Found:
    rows = RenderedReport.objects.select_for_update().filter(pk__in=found.ids, created_at__lt=cutoff)
    pairs = list(rows.values_list("pk", "storage_key"))
    RenderedReport.objects.filter(pk__in=[pk for pk, _ in pairs]).delete()
    return Found(found.organisation_id, sorted(pk for pk, _ in pairs), [key for _, key in pairs if key])


# ---------------------------------------------------------------------------------------------
# Evidence download records


def find_evidence_downloads(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    return _grouped(
        EvidenceDownload.objects.filter(downloaded_at__lt=cutoff)
        .exclude(file__item__organisation_id__in=held)
        .order_by("pk")
        .values_list("file__item__organisation_id", "pk")
    )


def delete_evidence_downloads(found: Found, cutoff: datetime.datetime) -> Found:
    rows = EvidenceDownload.objects.filter(pk__in=found.ids, downloaded_at__lt=cutoff)
    ids = sorted(rows.values_list("pk", flat=True))
    EvidenceDownload.objects.filter(pk__in=ids).delete()
    return Found(found.organisation_id, ids)


# ---------------------------------------------------------------------------------------------
# Portal-wide records: sign-in attempts, finished background tasks, abandoned uploads


def _axes_models():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [AccessAttempt, AccessFailureLog, AccessLog]


def find_sign_in_attempts(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    ids = []
    for model in _axes_models():
        ids += [
            f"{model._meta.model_name}:{pk}"
            for pk in model.objects.filter(attempt_time__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]
    return [Found(None, ids)] if ids else []


def delete_sign_in_attempts(found: Found, cutoff: datetime.datetime) -> Found:
    deleted = []
    for model in _axes_models():
        name = model._meta.model_name
        wanted = [int(i.split(":", 1)[1]) for i in found.ids if i.split(":", 1)[0] == name]
        rows = model.objects.filter(pk__in=wanted, attempt_time__lt=cutoff)
        ids = sorted(rows.values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).delete()
        deleted += [f"{name}:{pk}" for pk in ids]
    return Found(None, deleted)


def _finished_tasks(cutoff: datetime.datetime):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)


def find_task_results(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    ids = [
        str(pk) for pk in _finished_tasks(cutoff).order_by("finished_at", "pk").values_list("pk", flat=True)
    ]
    return [Found(None, ids)] if ids else []


def delete_task_results(found: Found, cutoff: datetime.datetime) -> Found:
    rows = _finished_tasks(cutoff).filter(pk__in=found.ids)
    ids = sorted(str(pk) for pk in rows.values_list("pk", flat=True))
    _finished_tasks(cutoff).filter(pk__in=ids).delete()
    return Found(None, ids)


def incoming_folder() -> Path | None:
    """The evidence store's folder for uploads in progress (evidence/uploads.py), on local disk.
    With S3 uploads arrive in the system's temporary folder, which the system clears."""
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location) / ".incoming"
    return None


def _old_incoming(cutoff: datetime.datetime) -> list[Path]:
    folder = incoming_folder()
    if folder is None or not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    # Only uploads' temporary files (evidence/uploads.py names them *.upload): an upload still
    # arriving is written to continually, so one untouched for a day was left by a killed worker.
    found = []
    for path in folder.glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):  # finished meanwhile
            if path.is_file() and path.stat().st_mtime < limit:
                found.append(path)
    return sorted(found)


def find_incoming_uploads(cutoff: datetime.datetime, held: set[int]) -> list[Found]:
    paths = _old_incoming(cutoff)
    return [Found(None, [path.name for path in paths])] if paths else []


def delete_incoming_uploads(found: Found, cutoff: datetime.datetime) -> Found:
    # Files, not rows: deleted here and now (nothing in the database refers to them).
    deleted = []
    for path in _old_incoming(cutoff):
        if path.name in found.ids:
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            deleted.append(path.name)
    return Found(None, deleted)


# In the order they run: assessments before uncited evidence, since deleting a draft removes its
# citations and may leave evidence that nothing cites any more.
KINDS = [
    Kind(
        "deleted_evidence",
        "deleted evidence item",
        "deleted evidence items",
        True,
        find_deleted_evidence,
        delete_deleted_evidence,
    ),
    Kind(
        "unsubmitted_assessments",
        "self-assessment never submitted",
        "self-assessments never submitted",
        True,
        find_unsubmitted_assessments,
        delete_unsubmitted_assessments,
    ),
    Kind(
        "uncited_evidence",
        "evidence item nothing cites",
        "evidence items nothing cites",
        True,
        find_uncited_evidence,
        delete_uncited_evidence,
    ),
    Kind(
        "rendered_reports",
        "stored report",
        "stored reports",
        True,
        find_rendered_reports,
        delete_rendered_reports,
    ),
    Kind(
        "evidence_downloads",
        "evidence download record",
        "evidence download records",
        True,
        find_evidence_downloads,
        delete_evidence_downloads,
    ),
    Kind(
        "sign_in_attempts",
        "sign-in attempt record",
        "sign-in attempt records",
        False,
        find_sign_in_attempts,
        delete_sign_in_attempts,
    ),
    Kind(
        "task_results",
        "finished background task record",
        "finished background task records",
        False,
        find_task_results,
        delete_task_results,
    ),
    Kind(
        "incoming_uploads",
        "abandoned upload file",
        "abandoned upload files",
        False,
        find_incoming_uploads,
        delete_incoming_uploads,
    ),
]
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


# ---------------------------------------------------------------------------------------------
# Applying the policy


@dataclass
class Outcome:
    kind: Kind
    days: int | None
    organisation: Organisation | None
    ids: list
    files: int
    files_failed: list[str] = field(default_factory=list)


@dataclass
class Report:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    held: list[Organisation] = field(default_factory=list)
    kept_forever: list[Kind] = field(default_factory=list)

    def count(self, name: str) -> int:
        return sum(len(o.ids) for o in self.outcomes if o.kind.name == name)


def _counted(count: int, kind: Kind) -> str:
    return f"{count} {kind.singular if count == 1 else kind.label}"


def _files(count: int) -> str:
    return f"{count} stored file{'' if count == 1 else 's'}"


def _delete_stored(keys: list[str], failed: list[str]) -> None:
    storage = storages["evidence"]
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            logger.exception("Retention could not delete the stored file %s", key)
            failed.append(key)


def apply(
    *, dry_run: bool = False, only: Iterable[str] | None = None, now: datetime.datetime | None = None
) -> Report:
    """Delete (or, with dry_run, only find) every expired record of the kinds named in `only`
    (all by default). Returns what was (or would be) deleted."""
    now = now or timezone.now()
    names = list(only) if only else [kind.name for kind in KINDS]
    unknown = [name for name in names if name not in KINDS_BY_NAME]
    if unknown:
        raise ValueError(f"unknown kind of record: {', '.join(unknown)}")
    submitted_file_hashes.cache_clear()
    held_organisations = list(Organisation.objects.filter(legal_hold=True).order_by("name"))
    held = {organisation.pk for organisation in held_organisations}
    report = Report(dry_run=dry_run, held=held_organisations)
    organisations = {o.pk: o for o in Organisation.objects.all()}
    for kind in (KINDS_BY_NAME[name] for name in names):
        days = settings.RETENTION_DAYS[kind.name]
        if days is None:
            report.kept_forever.append(kind)
            continue
        cutoff = now - datetime.timedelta(days=days)
        for found in kind.find(cutoff, held):
            if dry_run:
                organisation = organisations.get(found.organisation_id)
                report.outcomes.append(Outcome(kind, days, organisation, found.ids, len(found.files)))
            elif outcome := _delete(kind, days, found, cutoff, organisations):
                report.outcomes.append(outcome)
    submitted_file_hashes.cache_clear()
    return report


def _delete(
    kind: Kind, days: int, found: Found, cutoff: datetime.datetime, organisations: dict[int, Organisation]
) -> Outcome | None:
    """Delete one kind's expired rows of one organisation in a transaction, record it in the
    audit trail in the same transaction, and delete the stored files once it commits."""
    with transaction.atomic():
        if found.organisation_id is not None:
            # Lock the organisation and read its hold again: a hold set since the search wins.
            locked = Organisation.objects.select_for_update().filter(pk=found.organisation_id)
            if locked.values_list("legal_hold", flat=True).first():
                return None
        done = Found(found.organisation_id)
        for chunk in _chunks(found.ids):
            part = kind.delete(Found(found.organisation_id, chunk), cutoff)
            done.ids += part.ids
            done.files += part.files
        if not done.ids:
            return None
        outcome = Outcome(kind, days, organisations.get(done.organisation_id), done.ids, len(done.files))
        _record(outcome, cutoff)
        if done.files:
            transaction.on_commit(lambda: _delete_stored(done.files, outcome.files_failed))
    return outcome


def _record(outcome: Outcome, cutoff: datetime.datetime) -> None:
    count = len(outcome.ids)
    where = f" of {outcome.organisation.name}" if outcome.organisation else ""
    files = f", with {_files(outcome.files)}" if outcome.files else ""
    record(
        "retention.deleted",
        f"Retention deleted {_counted(count, outcome.kind)}{where}{files} (kept {outcome.days} days)",
        organisation=outcome.organisation,
        detail={
            "kind": outcome.kind.name,
            "days": outcome.days,
            "cutoff": cutoff.isoformat(),
            "count": count,
            "files": outcome.files,
            "ids": [str(pk) if not isinstance(pk, int) else pk for pk in outcome.ids],
        },
    )


def describe(report: Report) -> list[str]:
    """The command's output, one line per kind and organisation, in plain English."""
    verb = "Would delete" if report.dry_run else "Deleted"
    lines = []
    for outcome in report.outcomes:
        organisation = outcome.organisation
        where = f" of {organisation.name} ({organisation.code})" if organisation else ""
        files = f" and {_files(outcome.files)}" if outcome.files else ""
        counted = _counted(len(outcome.ids), outcome.kind)
        lines.append(f"{verb} {counted}{where}{files} (kept {outcome.days} days).")
        if outcome.files_failed:
            lines.append(
                f"  Could not delete {len(outcome.files_failed)} stored file(s); see the log: "
                + ", ".join(outcome.files_failed)
            )
    for kind in KINDS:
        if kind in report.kept_forever:
            lines.append(f"Kept for ever: {kind.label}.")
    if report.held:
        names = ", ".join(f"{o.name} ({o.code})" for o in report.held)
        lines.append(f"Legal hold, nothing deleted: {names}.")
    if not report.outcomes:
        lines.append("Nothing has expired." if not report.dry_run else "Nothing would be deleted.")
    return lines
