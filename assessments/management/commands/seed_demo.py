"""Fictional organisations and people for trying the portal out, with demo self-assessments
(see assessments/demo.py): one submitted in an earlier cycle, one in progress, one submitted.

Idempotent: running it again updates the same rows (and resets the demo passwords) rather than
adding more. It refuses to run against a production configuration (DEBUG off) unless asked,
because it creates accounts whose passwords it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.demo import DEMO_TOTP_KEY, demo_totp_hex_key
from activities.demo import seed_activities
from activities.demo import summary_lines as activity_lines
from assessments.demo import seed_assessments
from improvement.demo import seed_improvement
from organisations.models import Membership, Organisation, System
from organisations.roles import CQC_ASSESSORS, RUBRIC_ADMINS
from reviews.demo import seed_reviews, summary_lines
from voices.demo import seed_surveys

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (printed on purpose: demo only)

ORGANISATIONS = [
    # (code, name, type, region) — all fictional.
    ("QZ1", "Northmoor and Riverside ICS", Organisation.Type.ICS, Organisation.Region.NORTH_WEST),
    ("QZ2", "Westvale Integrated Care System", Organisation.Type.ICS, Organisation.Region.SOUTH_WEST),
    ("E99000001", "Eastbrook County Council", Organisation.Type.LOCAL_AUTHORITY, Organisation.Region.EAST),
    (
        "E99000002",
        "Harbourside City Council",
        Organisation.Type.LOCAL_AUTHORITY,
        Organisation.Region.SOUTH_EAST,
    ),
    ("HW001", "Healthwatch Northmoor", Organisation.Type.PARTNER, Organisation.Region.NORTH_WEST),
]

# Each ICS's footprint: (ICS code, its local authorities' codes, its partners' codes). Eastbrook
# sits in both systems, as a local authority whose area spans two can.
SYSTEMS = [
    ("QZ1", ["E99000001"], ["HW001"]),
    ("QZ2", ["E99000002", "E99000001"], []),
]

# Partners' people contributing to a system's self-assessment: (username, organisation code,
# partner code, role). Kiran Shah of Healthwatch Northmoor writes answers for Northmoor and
# Riverside ICS, shown as "Kiran Shah, Healthwatch Northmoor".
PARTNER_MEMBERSHIPS = [
    ("contributor.healthwatch", "QZ1", "HW001", Membership.Role.CONTRIBUTOR),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    organisation_code: str | None = None
    role: str | None = None
    groups: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False


PEOPLE = [
    DemoPerson("lead.northmoor", "Amara", "Okafor", "QZ1", Membership.Role.LEAD),
    DemoPerson("contributor.northmoor", "Ben", "Hughes", "QZ1", Membership.Role.CONTRIBUTOR),
    DemoPerson("viewer.northmoor", "Chloe", "Patel", "QZ1", Membership.Role.VIEWER),
    DemoPerson("lead.westvale", "Dafydd", "Morgan", "QZ2", Membership.Role.LEAD),
    DemoPerson("contributor.westvale", "Esi", "Mensah", "QZ2", Membership.Role.CONTRIBUTOR),
    DemoPerson("viewer.westvale", "Fergus", "Campbell", "QZ2", Membership.Role.VIEWER),
    DemoPerson("lead.eastbrook", "Grace", "Liu", "E99000001", Membership.Role.LEAD),
    DemoPerson("contributor.eastbrook", "Harry", "Novak", "E99000001", Membership.Role.CONTRIBUTOR),
    DemoPerson("viewer.eastbrook", "Imani", "Brown", "E99000001", Membership.Role.VIEWER),
    DemoPerson("lead.harbourside", "Jonah", "Walsh", "E99000002", Membership.Role.LEAD),
    DemoPerson("contributor.healthwatch", "Kiran", "Shah", "HW001", Membership.Role.CONTRIBUTOR),
    # Laura also runs the rounds: she creates and manages cycles (cycles/).
    DemoPerson("assessor", "Laura", "Evans", groups=(CQC_ASSESSORS, "Cycle managers")),
    DemoPerson("assessor2", "Marcus", "Reid", groups=(CQC_ASSESSORS,)),
    DemoPerson("rubric.admin", "Nadia", "Rahman", groups=(RUBRIC_ADMINS,)),
    DemoPerson("site.admin", "Owen", "Price", is_staff=True, is_superuser=True),
]


class Command(BaseCommand):
    help = "Create or refresh fictional demo organisations and people, and print their sign-in details."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. Never do this on a real deployment.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with known passwords, so it runs only with DJANGO_DEBUG=1 "
                "(or --allow-production on a throwaway database)."
            )
        with transaction.atomic():
            organisations = {}
            for code, name, type_, region in ORGANISATIONS:
                organisations[code], _ = Organisation.objects.update_or_create(
                    code=code, defaults={"name": name, "type": type_, "region": region}
                )
            User = get_user_model()
            users = {}
            for person in PEOPLE:
                user, _ = User.objects.update_or_create(
                    username=person.username,
                    defaults={
                        "first_name": person.first_name,
                        "last_name": person.last_name,
                        "email": f"{person.username}@example.org",
                        "is_staff": person.is_staff,
                        "is_superuser": person.is_superuser,
                        "is_active": True,
                    },
                )
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                users[person.username] = user
                user.groups.set(Group.objects.filter(name__in=person.groups))
                if person.organisation_code:
                    Membership.objects.update_or_create(
                        user=user,
                        organisation=organisations[person.organisation_code],
                        defaults={"role": person.role},
                    )
                if two_factor.needs_two_factor(user):
                    # Afresh each time: no codes used yet, no throttling, no recovery codes.
                    two_factor.turn_off(user)
                    TOTPDevice.objects.create(
                        user=user, name=two_factor.AUTHENTICATOR_NAME, key=demo_totp_hex_key(), confirmed=True
                    )
            for ics, local_authorities, partners in SYSTEMS:
                system, _ = System.objects.get_or_create(ics=organisations[ics])
                system.local_authorities.set([organisations[code] for code in local_authorities])
                system.partners.set([organisations[code] for code in partners])
            for username, code, partner, role in PARTNER_MEMBERSHIPS:
                Membership.objects.update_or_create(
                    user=users[username],
                    organisation=organisations[code],
                    defaults={"role": role, "partner": organisations[partner]},
                )
            seed_assessments(organisations, users)
            seed_reviews(organisations, users)
            seed_improvement(organisations, users)
            seed_activities(organisations, users)
            survey_lines = seed_surveys(organisations, users)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        self.stdout.write(f"\n  {'Username':<26}{'Password':<22}Role")
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<26}{DEMO_PASSWORD:<22}{_describe(person, organisations)}")
        staff = ", ".join(p.username for p in PEOPLE if p.groups or p.is_staff)
        self.stdout.write(
            f"\n  Two-factor authentication: {staff} also need a 6-digit code after the password."
            f"\n  DEMO ONLY: their authenticator apps share the key {DEMO_TOTP_KEY}"
            "\n  (add it to any authenticator app as a time-based key), or print the current code with"
            "\n  DJANGO_DEBUG=1 .venv/bin/python manage.py demo_code"
        )
        self.stdout.write("\n  Self-assessments, and where each is now:")
        for line in summary_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("\n  Engagement activities (public pages at /you-said-we-did/CODE/):")
        for line in activity_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("\n  Surveys:")
        for line in survey_lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("")


def _describe(person: DemoPerson, organisations: dict[str, Organisation]) -> str:
    if person.organisation_code:
        described = f"{Membership.Role(person.role).label}, {organisations[person.organisation_code].name}"
        for username, code, _partner, role in PARTNER_MEMBERSHIPS:
            if username == person.username:
                described += f"; {Membership.Role(role).label.lower()} for it, {organisations[code].name}"
        return described
    if person.is_superuser:
        return "Site admin"
    return ", ".join(person.groups)
