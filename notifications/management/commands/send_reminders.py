"""Send the reminders due today, once each, and every email waiting to be tried again.

Run it daily (see the README). However often it runs, and in however many processes at once,
each reminder goes once: its idempotency key is unique in the database.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications import reminders, services


class Command(BaseCommand):
    help = "Send the deadline reminders due today (each once) and retry emails that are due."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD), for testing.")

    def handle(self, *args, **options):
        today = (
            timezone.datetime.strptime(options["date"], "%Y-%m-%d").date()
            if options["date"]
            else timezone.localdate()
        )
        made = reminders.run(today)
        for name, count in made.items():
            if count < 0:
                self.stderr.write(f"{name}: failed (see the log)")
            else:
                self.stdout.write(f"{name}: {count} reminder{'s' if count != 1 else ''}")
        queued = services.send_due()
        self.stdout.write(f"Emails queued to send or try again: {queued}")
