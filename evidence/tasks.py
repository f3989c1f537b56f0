"""Background work on uploaded evidence: the virus scan, then the text for search.

`scan_and_extract` runs once per new revision (queued by evidence.processing.file_uploaded
after the upload commits) and again from `manage.py process_evidence`. It is safe to run twice.

- clean: the file becomes available, then its text is extracted.
- infected: the stored bytes are deleted at once, not quarantined. Nothing in the portal could
  serve them (only clean files are ever served), nobody reviews a quarantine, and keeping
  malware would only carry it into every backup of the evidence store. The row stays, with the
  signature clamd found and the file's SHA-256, as the record of what happened.
- failed (clamd unreachable, timed out, the stored file unreadable): the bytes stay and the file
  stays unavailable. The scan is tried again later when the task backend can defer tasks
  (the database backend: after 2, 4, 8 and 16 minutes), and `manage.py process_evidence`
  queues every failed file again, for instance after a clamd outage.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from evidence.models import EvidenceFile, EvidenceItem
from evidence.scanning import ScanError, get_scanner
from evidence.text import extract_text
from notifications.models import Kind
from notifications.services import notify

logger = logging.getLogger(__name__)

MAX_SCAN_ATTEMPTS = 5
_DETAIL_LENGTH = EvidenceFile._meta.get_field("scan_detail").max_length


def evidence_storage():
    return storages["evidence"]


@task()
def scan_and_extract(file_id: int, attempt: int = 1) -> str:
    """Scan one file revision and, if it is clean, extract its text. Returns the outcome."""
    file = EvidenceFile.objects.filter(pk=file_id).first()
    if file is None:
        return "missing"
    if file.scan_status == EvidenceFile.ScanStatus.INFECTED:
        return "infected"
    needs_scan = file.scan_status != EvidenceFile.ScanStatus.CLEAN
    needs_text = file.text_status == EvidenceFile.TextStatus.PENDING
    if not needs_scan and not needs_text:
        return "clean"
    storage = evidence_storage()
    try:
        stream = storage.open(file.storage_key, "rb")
    except FileNotFoundError:
        _record_failure(file, "The stored file is missing", retry=False, attempt=attempt)
        return "failed"
    except Exception as error:  # the storage may be a remote service that is down
        logger.exception("Could not open evidence file %s", file.pk)
        _record_failure(file, f"Could not read the stored file: {type(error).__name__}", attempt=attempt)
        return "failed"
    with stream:
        if needs_scan:
            try:
                result = get_scanner().scan(stream)
            except ScanError as error:
                _record_failure(file, str(error), retry=error.retryable, attempt=attempt)
                return "failed"
            except Exception as error:  # reading from a remote storage can fail half-way
                logger.exception("Could not scan evidence file %s", file.pk)
                _record_failure(
                    file, f"Could not read the stored file: {type(error).__name__}", attempt=attempt
                )
                return "failed"
            if not result.clean:
                stream.close()
                _record_infected(file, result.detail)
                return "infected"
            file.scan_status = EvidenceFile.ScanStatus.CLEAN
            file.scan_detail = result.detail[:_DETAIL_LENGTH]
            file.scanned_at = timezone.now()
            file.save(update_fields=["scan_status", "scan_detail", "scanned_at"])
            logger.info("Evidence file %s is clean (%s)", file.pk, result.detail)
        if needs_text:
            extraction = extract_text(stream, file.original_name)
            if extraction.detail:
                logger.info("Text of evidence file %s: %s: %s", file.pk, extraction.status, extraction.detail)
            file.text = extraction.text
            file.text_status = extraction.status
            file.save(update_fields=["text", "text_status"])
    return "clean"


def _record_infected(file: EvidenceFile, signature: str) -> None:
    file.scan_status = EvidenceFile.ScanStatus.INFECTED
    file.scan_detail = signature[:_DETAIL_LENGTH]
    file.scanned_at = timezone.now()
    file.text = ""
    file.text_status = EvidenceFile.TextStatus.NONE
    file.save(update_fields=["scan_status", "scan_detail", "scanned_at", "text", "text_status"])
    logger.warning(
        "Malware found in evidence file %s (item %s, uploaded by user %s): %s. Stored bytes deleted.",
        file.pk,
        file.item_id,
        file.uploaded_by_id,
        signature,
    )
    try:
        evidence_storage().delete(file.storage_key)
    except Exception:
        # Still never served (it is marked infected); deleting again is safe.
        logger.exception("Could not delete the infected evidence file %s from storage", file.pk)
    _tell_uploader(file)


def _tell_uploader(file: EvidenceFile) -> None:
    """The person who uploaded it is told, once (the file's id is the occasion)."""
    item = EvidenceItem.objects.select_related("organisation").get(pk=file.item_id)
    try:
        notify(
            Kind.EVIDENCE_REFUSED,
            [file.uploaded_by],
            about=f"{item.organisation.name} evidence: {item.title}",
            about_key=f"evidence:{item.pk}",
            occasion=f"infected:{file.pk}",
            organisation_id=item.organisation_id,
            context={
                "organisation": item.organisation.name,
                "item_title": item.title,
                "file_name": file.original_name,
            },
            link=reverse("evidence_item", kwargs={"code": item.organisation.code, "item_id": item.pk}),
        )
    except Exception:
        # The file is refused and deleted whether or not the email can be recorded.
        logger.exception("Could not tell the uploader of infected evidence file %s", file.pk)


def _record_failure(file: EvidenceFile, detail: str, *, attempt: int, retry: bool = True) -> None:
    file.scan_status = EvidenceFile.ScanStatus.FAILED
    file.scan_detail = detail[:_DETAIL_LENGTH]
    file.scanned_at = timezone.now()
    file.save(update_fields=["scan_status", "scan_detail", "scanned_at"])
    will_retry = retry and attempt < MAX_SCAN_ATTEMPTS and scan_and_extract.get_backend().supports_defer
    logger.error(
        "Virus scan of evidence file %s failed (attempt %s%s): %s",
        file.pk,
        attempt,
        ", will retry" if will_retry else "",
        detail,
    )
    if will_retry:
        run_after = timezone.now() + timedelta(minutes=2**attempt)
        scan_and_extract.using(run_after=run_after).enqueue(file.pk, attempt + 1)
