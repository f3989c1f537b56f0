"""manage.py process_evidence: queue the scan and text extraction of every unfinished file."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q

from evidence.models import EvidenceFile
from evidence.tasks import scan_and_extract


class Command(BaseCommand):
    help = (
        "Queue the virus scan and text extraction of every evidence file still waiting for them, "
        "or whose scan failed (for instance while clamd was down)."
    )

    def handle(self, *args, **options) -> None:
        unfinished = EvidenceFile.objects.filter(
            Q(scan_status__in=[EvidenceFile.ScanStatus.PENDING, EvidenceFile.ScanStatus.FAILED])
            | Q(scan_status=EvidenceFile.ScanStatus.CLEAN, text_status=EvidenceFile.TextStatus.PENDING)
        ).order_by("pk")
        count = 0
        for file_id in unfinished.values_list("pk", flat=True).iterator():
            scan_and_extract.enqueue(file_id)
            count += 1
        self.stdout.write(f"Queued {count} evidence file{'' if count == 1 else 's'}.")
