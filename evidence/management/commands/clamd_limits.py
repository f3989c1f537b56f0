"""`manage.py clamd_limits`: the lines to put in clamd.conf for this portal's largest upload."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from engagement_portal.lib.sizes import file_size
from evidence.scanning import clamd_limits


class Command(BaseCommand):
    help = (
        "Print the clamd.conf size limits (StreamMaxLength, MaxFileSize, MaxScanSize) that "
        "EVIDENCE_MAX_FILE_BYTES needs. Below them, clamd refuses or skips large uploads."
    )

    def handle(self, *args, **options) -> None:
        largest = settings.EVIDENCE_MAX_FILE_BYTES
        self.stdout.write(
            f"# For EVIDENCE_MAX_FILE_BYTES={largest} ({file_size(largest)}). Restart clamd after."
        )
        for name, value in clamd_limits(largest).items():
            self.stdout.write(f"{name} {value}")
