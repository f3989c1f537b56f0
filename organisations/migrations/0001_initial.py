"""Organisations and memberships, moved here from `assessments/` without touching the database.

The tables keep their names ("assessments_organisation", "assessments_membership", through
`db_table`) and their rows: this migration only tells Django's migration state that the models
now belong to this app. `assessments/0009` removes them from that app's state, after the foreign
keys of the other apps are pointed here (`evidence/0005`, `activities/0006`, `voices/0005`, and
`assessments/0009` itself).
Migration `0002` moves their content types, and with them the permissions groups hold.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The tables were made there: they must exist before this app claims them.
        ("assessments", "0008_draft_report_render"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "type",
                            models.CharField(
                                choices=[
                                    ("ics", "Integrated care system"),
                                    ("la", "Local authority"),
                                    ("partner", "Partner organisation"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("code", models.CharField(max_length=20, unique=True)),
                        (
                            "region",
                            models.CharField(
                                choices=[
                                    ("east", "East of England"),
                                    ("london", "London"),
                                    ("midlands", "Midlands"),
                                    ("ney", "North East and Yorkshire"),
                                    ("nw", "North West"),
                                    ("se", "South East"),
                                    ("sw", "South West"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "legal_hold",
                            models.BooleanField(
                                default=False,
                                help_text="While on, nothing of this organisation's is deleted by the retention policy.",
                                verbose_name="legal hold",
                            ),
                        ),
                        (
                            "legal_hold_reason",
                            models.TextField(
                                blank=True,
                                help_text="Why the hold is on, such as a case reference.",
                                verbose_name="reason for the legal hold",
                            ),
                        ),
                        ("legal_hold_set_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "legal_hold_set_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assessments_organisation",
                        "ordering": ["name"],
                        "permissions": [
                            (
                                "review_assessments",
                                "Can review any organisation's submitted self-assessments",
                            ),
                            ("edit_rubrics", "Can edit and publish rubric versions"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("lead", "Lead"),
                                    ("contributor", "Contributor"),
                                    ("viewer", "Viewer"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assessments_membership",
                        "ordering": ["organisation__name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organisation"),
                                name="one_membership_per_person_and_organisation",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("role__in", ["lead", "contributor", "viewer"])),
                                name="membership_role_is_known",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
