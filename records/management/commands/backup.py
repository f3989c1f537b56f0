"""manage.py backup --output DIR: the database and the evidence store, with a manifest."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from records.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and every evidence file into a new folder, with a manifest of SHA-256s."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, help="A new (or empty) folder for the backup.")

    def handle(self, *args, **options) -> None:
        try:
            result = backup(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        self.stdout.write(
            f"Backed up the {manifest['database']['vendor']} database ({result.rows} rows in "
            f"{len(manifest['row_counts'])} tables, {len(manifest['migrations'])} migrations applied) and "
            f"{result.files} evidence files ({filesizeformat(result.bytes)}) into {result.folder}."
        )
        self.stdout.write(f"The manifest, with every file's SHA-256, is {result.folder / 'manifest.json'}.")
