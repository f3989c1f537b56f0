"""Load the first published rubric, principles/rubric/2026.yaml, as data.

The file is the rubric in shared/domain/rubric-draft.md §5, word for word, in the same format
`manage.py export_rubric` writes. Creating it here (not in seed_demo) means every database,
production included, starts with a published rubric that assessments can pin.
"""

from pathlib import Path
from types import SimpleNamespace

from django.db import migrations
from django.utils import timezone

RUBRIC_FILE = Path(__file__).resolve().parent.parent / "rubric" / "2026.yaml"


def load_rubric(apps, schema_editor):
    from principles.interchange import content_hash, create_version, parse_yaml

    data = parse_yaml(RUBRIC_FILE.read_bytes())
    models = SimpleNamespace(
        **{
            name: apps.get_model("principles", name)
            for name in (
                "RubricVersion",
                "EvidenceCategory",
                "Principle",
                "Criterion",
                "LevelDescriptor",
                "SuggestedEvidence",
            )
        }
    )
    version = create_version(data, models=models)
    # Published straight away: the historical model has no save() guard, and the row is a
    # draft until this update, so the database triggers allow it.
    models.RubricVersion.objects.filter(pk=version.pk).update(
        status="published", published_at=timezone.now(), content_hash=content_hash(data)
    )


class Migration(migrations.Migration):
    dependencies = [("principles", "0002_frozen_versions_in_the_database")]

    # Going back leaves the rows: a published version cannot be deleted, and migrating back past
    # 0001 drops the tables anyway.
    operations = [migrations.RunPython(load_rubric, migrations.RunPython.noop)]
