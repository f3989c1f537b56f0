"""manage.py purge_deleted_evidence: remove evidence deleted more than 30 days ago, for good, and
partial uploads a killed worker left in the evidence store's incoming folder over a day ago.

The same as `manage.py apply_retention --kind deleted_evidence --kind incoming_uploads`
(records/retention.py), kept for the schedules that already run it: items deleted longer ago than
RETENTION_DELETED_EVIDENCE_DAYS (30 by default) go with their file revisions and stored files,
partial uploads older than RETENTION_INCOMING_UPLOAD_DAYS (1) go, and the audit trail records
both. Evidence a submitted assessment cites is never removed, nor anything of an organisation
under a legal hold.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from records.retention import apply, describe


class Command(BaseCommand):
    help = "Remove evidence items deleted more than 30 days ago, their stored files, and abandoned uploads."

    def handle(self, *args, **options) -> None:
        report = apply(only=["deleted_evidence", "incoming_uploads"])
        for line in describe(report):
            self.stdout.write(line)
        purged = report.count("deleted_evidence")
        self.stdout.write(f"Purged {purged} deleted evidence item{'s' if purged != 1 else ''}.")
        abandoned = report.count("incoming_uploads")
        self.stdout.write(f"Removed {abandoned} abandoned upload{'s' if abandoned != 1 else ''}.")
