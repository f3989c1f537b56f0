"""Evidence files put straight into the evidence storage, as an upload would leave them."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from evidence.models import EvidenceFile, EvidenceItem


def stored_file(
    organisation, user, name: str, content: bytes, *, item: EvidenceItem | None = None
) -> EvidenceFile:
    """A pending revision whose bytes are in storages["evidence"] under a random key."""
    if item is None:
        item = EvidenceItem.objects.create(
            organisation=organisation,
            title=f"Evidence: {name}",
            kind=EvidenceItem.Kind.OTHER,
            category=EvidenceItem.Category.PROCESSES,
            created_by=user,
        )
    key = storages["evidence"].save(f"{uuid.uuid4().hex}.bin", ContentFile(content))
    return EvidenceFile.objects.create(
        item=item,
        revision=item.files.count() + 1,
        storage_key=key,
        original_name=name,
        size=len(content),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )


def stored_bytes(file: EvidenceFile) -> bytes | None:
    storage = storages["evidence"]
    if not storage.exists(file.storage_key):
        return None
    with storage.open(file.storage_key, "rb") as stream:
        return stream.read()
