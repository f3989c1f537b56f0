"""Organisation moved to `organisations/` (its table kept): the foreign keys of activities,
register imports and register snapshots, in Django's state only (the columns and join tables are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_register_snapshot"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activity",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="activities",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True, related_name="activities_as_partner", to="organisations.organisation"
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="places",
                    field=models.ManyToManyField(
                        blank=True, related_name="activities_here", to="organisations.organisation"
                    ),
                ),
                migrations.AlterField(
                    model_name="registerimport",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="registersnapshot",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
