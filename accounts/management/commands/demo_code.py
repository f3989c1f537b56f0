"""Print the current 6-digit code for the demo CQC people (seed_demo's shared demo key), so that
trying the portal out needs no authenticator app. It refuses to run with DEBUG off, and it only
ever prints a code for the demo key: never a real person's."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.demo import DEMO_TOTP_KEY, demo_totp_hex_key


class Command(BaseCommand):
    help = "Print the current two-factor code for seed_demo's CQC people (demo key only; DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_code is for demo data on a developer's machine: run it with DJANGO_DEBUG=1."
            )
        totp = TOTP(bytes.fromhex(demo_totp_hex_key()))
        code = f"{totp.token():06d}"
        left = 30 - int(time.time()) % 30
        self.stdout.write(
            f"{code}\n\nThe code for the demo key {DEMO_TOTP_KEY}, for the next {left} seconds. Each code "
            "works once per person: if it is refused, wait for the next one."
        )
