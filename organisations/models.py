"""Organisations and the people who belong to them.

The tables keep the names they had when these models lived in `assessments/`
("assessments_organisation", "assessments_membership"): the move changed where the code lives,
not the data (migration `0001_initial` only tells Django's state so).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display()}, {self.organisation}"

    @property
    def can_edit(self) -> bool:
        """Leads and contributors write; viewers (board and lay members) only read."""
        return self.role in {self.Role.LEAD, self.Role.CONTRIBUTOR}
