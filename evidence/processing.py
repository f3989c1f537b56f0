"""What happens to a file revision after its upload commits."""

from __future__ import annotations

import logging

from evidence.models import EvidenceFile
from evidence.tasks import scan_and_extract

logger = logging.getLogger(__name__)


def file_uploaded(file: EvidenceFile) -> None:
    """Called after commit for each new revision: queue its virus scan and text extraction
    (evidence/tasks.py). The file stays unavailable ("pending") until the scan passes."""
    try:
        scan_and_extract.enqueue(file.pk)
    except Exception:
        # The upload itself has committed; the file stays pending, never served, and
        # `manage.py process_evidence` queues it again.
        logger.exception("Could not queue the virus scan of evidence file %s", file.pk)
