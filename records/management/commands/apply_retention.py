"""manage.py apply_retention [--dry-run] [--kind KIND ...]: delete what the retention policy says
has expired (records/retention.py; periods in README's configuration table). Run it daily."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from records.retention import KINDS, apply, describe


class Command(BaseCommand):
    help = "Delete records (rows and stored files) older than their retention period."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted, and delete nothing."
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind.name for kind in KINDS],
            help="Only this kind of record (repeat for more). Every kind by default.",
        )

    def handle(self, *args, **options) -> None:
        report = apply(dry_run=options["dry_run"], only=options["kind"])
        for line in describe(report):
            self.stdout.write(line)
