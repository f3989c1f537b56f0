"""manage.py restore DIR: put back a backup made by `manage.py backup`, database and evidence.

Stop the portal and the db_worker first: the database is replaced, as a whole, by the backup's.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from records.backup import BackupError, RestoreIncomplete, check, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the evidence files with a backup's, after checking its manifest, "
        "its migrations and every file's SHA-256. Stop the portal and the db_worker first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="A folder made by `manage.py backup`.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the backup against its manifest; change nothing."
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["check"]:
                manifest = check(options["folder"])
                self.stdout.write(
                    f"The backup made at {manifest['created_at']} is whole: its database file and all "
                    f"{len(manifest['evidence'])} evidence files match their SHA-256, and its migrations "
                    "match this code. Nothing was changed."
                )
                return
            result = restore(options["folder"])
        except RestoreIncomplete as error:
            raise CommandError(
                f"{error} The database was restored but the restore did not finish: run it again."
            ) from None
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        manifest = result.manifest
        self.stdout.write(f"Checked the backup made at {manifest['created_at']} against its manifest.")
        self.stdout.write(
            f"Restored the {manifest['database']['vendor']} database: {result.rows} rows in "
            f"{len(manifest['row_counts'])} tables, the same counts as when it was backed up."
        )
        self.stdout.write(
            f"Restored {result.files_restored} evidence files ({filesizeformat(result.bytes_restored)}), "
            "each read back and matching its SHA-256."
        )
        if result.files_in_place:
            self.stdout.write(
                f"{result.files_in_place} more evidence files were already in the store with the same "
                "SHA-256, so they were checked and left as they were."
            )
        if result.files_not_in_backup:
            self.stdout.write(
                f"{len(result.files_not_in_backup)} files in the evidence store were not in the backup "
                "(added since it was made). Nothing refers to them; they were left in place."
            )
        self.stdout.write("Recorded the restore in the audit trail.")
