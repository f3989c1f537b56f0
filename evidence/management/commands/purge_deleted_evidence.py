"""manage.py purge_deleted_evidence: remove evidence deleted more than 30 days ago, for good.

Run it daily (cron or a scheduler). Deleted evidence can be restored for 30 days; after that this
removes the items, their file revisions and the stored files. Evidence a submitted assessment
cites is never removed. It also deletes partial uploads a killed worker left in the evidence
store's incoming folder more than a day ago.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from evidence.services import evidence_purge_deleted
from evidence.uploads import remove_abandoned_uploads


class Command(BaseCommand):
    help = "Remove evidence items deleted more than 30 days ago, and their stored files."

    def handle(self, *args, **options) -> None:
        purged = evidence_purge_deleted()
        for title in purged:
            self.stdout.write(f"Purged: {title}")
        self.stdout.write(f"Purged {len(purged)} deleted evidence item{'s' if len(purged) != 1 else ''}.")
        abandoned = remove_abandoned_uploads()
        self.stdout.write(f"Removed {abandoned} abandoned upload{'s' if abandoned != 1 else ''}.")
