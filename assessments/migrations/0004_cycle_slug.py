"""Cycles get a slug for web addresses: "2026/27" cannot appear in a path, "2026-27" can.

Added in three steps so that any cycle already created gets a slug from its label first."""

from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    AssessmentCycle = apps.get_model("assessments", "AssessmentCycle")
    for cycle in AssessmentCycle.objects.all():
        cycle.slug = slugify(cycle.label.replace("/", "-")) or f"cycle-{cycle.pk}"
        cycle.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessments")]

    operations = [
        migrations.AddField(
            model_name="assessmentcycle",
            name="slug",
            field=models.SlugField(max_length=20, null=True, db_index=False),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assessmentcycle",
            name="slug",
            field=models.SlugField(
                help_text='The label for web addresses, such as "2026-27".', max_length=20, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="assessmentcycle",
            name="label",
            field=models.CharField(help_text='A name such as "2026/27".', max_length=20, unique=True),
        ),
    ]
