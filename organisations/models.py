"""Organisations, the people who belong to them, and systems (an ICS's footprint).

The tables keep the names they had when these models lived in `assessments/`
("assessments_organisation", "assessments_membership"): the move changed where the code lives,
not the data (migration `0001_initial` only tells Django's state so).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone


class Organisation(models.Model):
    """A body that assesses its public engagement: an ICS, a local authority, or a partner.

    Everything an organisation owns (assessments, evidence) is reached through it, and every
    query for those objects is scoped by it: another organisation's data is a 404.
    """

    class Type(models.TextChoices):
        ICS = "ics", "Integrated care system"
        LOCAL_AUTHORITY = "la", "Local authority"
        PARTNER = "partner", "Partner organisation"

    class Region(models.TextChoices):
        EAST = "east", "East of England"
        LONDON = "london", "London"
        MIDLANDS = "midlands", "Midlands"
        NORTH_EAST_YORKSHIRE = "ney", "North East and Yorkshire"
        NORTH_WEST = "nw", "North West"
        SOUTH_EAST = "se", "South East"
        SOUTH_WEST = "sw", "South West"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=Type.choices)
    # ODS or ONS code, such as "QWE" for an ICB or "E10000002" for a county council.
    code = models.CharField(max_length=20, unique=True)
    region = models.CharField(max_length=10, choices=Region.choices)
    # A legal hold (litigation, an inquiry, a complaint under investigation) stops retention
    # deleting anything of this organisation's while it is on (records/retention.py). Set and
    # lifted in site administration, which records who and when in the audit trail too.
    legal_hold = models.BooleanField(
        "legal hold",
        default=False,
        help_text="While on, nothing of this organisation's is deleted by the retention policy.",
    )
    legal_hold_reason = models.TextField(
        "reason for the legal hold", blank=True, help_text="Why the hold is on, such as a case reference."
    )
    legal_hold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_hold_set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "assessments_organisation"
        ordering = ["name"]
        permissions = [
            # Held by the "CQC assessors" group: they review every organisation's submissions.
            ("review_assessments", "Can review any organisation's submitted self-assessments"),
            # Held by the "Rubric admins" group: they edit and publish rubric wording.
            ("edit_rubrics", "Can edit and publish rubric versions"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One person's role in one organisation.

    Roles decide what a person may do with their organisation's work: leads run and submit the
    assessment, contributors write answers and upload evidence, viewers only read.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        CONTRIBUTOR = "contributor", "Contributor"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    # A partner's person (Healthwatch, a trust, a voluntary organisation) contributing to the
    # self-assessment of an ICS or local authority of their system: the partner they speak for,
    # shown beside their name on what they write ("Kiran Shah, Healthwatch Northmoor").
    partner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_memberships",
        limit_choices_to={"type": Organisation.Type.PARTNER},
        verbose_name="speaks for partner",
        help_text="For a partner organisation's person contributing here: the partner they speak for.",
    )

    class Meta:
        db_table = "assessments_membership"
        ordering = ["organisation__name"]
        constraints = [
            # One role per person per organisation: access checks read a single row.
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_person_and_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["lead", "contributor", "viewer"]),
                name="membership_role_is_known",
            ),
            # A partner's people contribute or read; the organisation's own leads submit.
            models.CheckConstraint(
                condition=models.Q(partner__isnull=True) | ~models.Q(role="lead"),
                name="partner_people_are_not_leads",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        super().clean()
        if self.partner_id is None:
            return
        if self.role == self.Role.LEAD:
            raise ValidationError(
                {"role": "A partner's person can be a contributor or a viewer here, not a lead."}
            )
        if (
            self.organisation_id is not None
            and not organisations_in_systems_of(self.organisation)
            .filter(pk=self.partner_id, type=Organisation.Type.PARTNER)
            .exists()
        ):
            raise ValidationError(
                {"partner": "Choose a partner organisation of a system this organisation belongs to."}
            )

    @property
    def can_edit(self) -> bool:
        """Leads and contributors write; viewers (board and lay members) only read."""
        return self.role in {self.Role.LEAD, self.Role.CONTRIBUTOR}


class System(models.Model):
    """An integrated care system's footprint: its ICS organisation, the local authorities in its
    area, and its partner organisations (NHS trusts, Healthwatch, the voluntary sector).

    A local authority whose area spans two systems sits in both; a partner may too. Site admins
    keep systems in site administration. A partner's people contribute to the self-assessment of
    the ICS or a local authority of their system, as members of that organisation whose
    membership names the partner (`Membership.partner`).
    """

    ics = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="system",
        limit_choices_to={"type": Organisation.Type.ICS},
        verbose_name="integrated care system",
        help_text="The ICS organisation whose footprint this is.",
    )
    local_authorities = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="systems_as_local_authority",
        limit_choices_to={"type": Organisation.Type.LOCAL_AUTHORITY},
        help_text="The local authorities in the system's area. One may be in two systems.",
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="systems_as_partner",
        limit_choices_to={"type": Organisation.Type.PARTNER},
        verbose_name="partner organisations",
        help_text="Trusts, Healthwatch, voluntary and community organisations working with the system.",
    )

    class Meta:
        ordering = ["ics__name"]

    def __str__(self) -> str:
        return self.ics.name


def systems_of(organisation: Organisation) -> QuerySet[System]:
    """The systems an organisation is in: as their ICS, one of their local authorities (one may
    be in two), or a partner."""
    return System.objects.filter(
        Q(ics=organisation) | Q(local_authorities=organisation) | Q(partners=organisation)
    ).distinct()


def organisations_in_systems_of(organisation: Organisation) -> QuerySet[Organisation]:
    """Every organisation of the systems this one is in (itself included): their ICSs, local
    authorities and partners. One query when evaluated."""
    systems = System.objects.filter(
        Q(ics=organisation) | Q(local_authorities=organisation) | Q(partners=organisation)
    ).values("pk")
    return Organisation.objects.filter(
        Q(system__in=systems) | Q(systems_as_local_authority__in=systems) | Q(systems_as_partner__in=systems)
    ).distinct()


class Invitation(models.Model):
    """An invitation to join an organisation (as a lead, contributor or viewer, perhaps for a
    partner) or CQC's staff (as an assessor or rubric admin), sent by email.

    The link carries a random token; only its SHA-256 is stored, so the database alone cannot be
    used to accept an invitation. A link works once, for `INVITATION_DAYS` days; sending it again
    makes a new token and the old link stops working.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        CONTRIBUTOR = "contributor", "Contributor"
        VIEWER = "viewer", "Viewer"
        ASSESSOR = "assessor", "Assessor"
        RUBRIC_ADMIN = "rubric_admin", "Rubric admin"

    ORGANISATION_ROLES = (Role.LEAD, Role.CONTRIBUTOR, Role.VIEWER)
    STAFF_ROLES = (Role.ASSESSOR, Role.RUBRIC_ADMIN)

    # None for an invitation to CQC's staff.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices)
    partner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["lead", "contributor", "viewer", "assessor", "rubric_admin"]),
                name="invitation_role_is_known",
            ),
            # An organisation's invitation has an organisation role; CQC staff's has a staff role.
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, role__in=["lead", "contributor", "viewer"])
                    | models.Q(organisation__isnull=True, role__in=["assessor", "rubric_admin"])
                ),
                name="invitation_role_fits_its_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=True) | ~models.Q(role="lead"),
                name="invitation_partner_people_are_not_leads",
            ),
            # One open invitation per address and organisation, and per address to CQC's staff.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(
                    organisation__isnull=True, accepted_at__isnull=True, cancelled_at__isnull=True
                ),
                name="one_open_staff_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation.name if self.organisation_id else "CQC"
        return f"{self.email}, {self.get_role_display()}, {where}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.cancelled_at:
            return "cancelled"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_open(self) -> bool:
        return self.status == "pending"
