"""Organisation and Membership moved to `organisations/`, their tables and rows kept.

State only: the assessment's foreign key now names `organisations.organisation` (the same table,
so the database's constraint is untouched), and the two models leave this app's state. The
tables stay as they are ("assessments_organisation", "assessments_membership"), now named by
`db_table` in `organisations/models.py`.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_draft_report_render"),
        ("organisations", "0001_initial"),
        # Every other foreign key to these models points to `organisations` first.
        ("evidence", "0005_organisation_moved"),
        ("activities", "0006_organisation_moved"),
        ("voices", "0005_organisation_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="organisations.organisation",
                    ),
                ),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Organisation"),
            ],
            database_operations=[],
        ),
    ]
