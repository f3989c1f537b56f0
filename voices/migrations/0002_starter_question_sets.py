"""The 2026 rubric's starter question sets (voices/questions/2026.yaml), as data.

Loaded into the published 2026 version before the freeze triggers exist (0003); the historical
models have no save() guard. A database whose 2026 version is missing (none should be) gets none."""

from django.db import migrations


def load_question_sets(apps, schema_editor):
    from voices import starter

    RubricVersion = apps.get_model("principles", "RubricVersion")
    version = RubricVersion.objects.filter(label="2026").first()
    if version is None:
        return
    starter.load(
        version,
        QuestionSet=apps.get_model("voices", "QuestionSet"),
        Question=apps.get_model("voices", "Question"),
        Criterion=apps.get_model("principles", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("voices", "0001_initial"),
        ("principles", "0003_first_published_rubric"),
    ]

    # Going back leaves the rows: they belong to a published version.
    operations = [migrations.RunPython(load_question_sets, migrations.RunPython.noop)]
