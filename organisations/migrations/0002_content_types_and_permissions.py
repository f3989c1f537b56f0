"""Move the content types of Organisation and Membership from `assessments` to `organisations`,
and with them every permission of those models, held by the same groups and people.

The permission rows keep their ids: the CQC staff groups (`assessments/0002_staff_groups`) and
anyone granted a permission directly keep it. Only the name code uses changes, from
`assessments.review_assessments` to `organisations.review_assessments` (and `edit_rubrics`,
`view_organisation`, ...): `organisations/roles.py` checks the new names.

Renaming the content type rows (not making new ones) also keeps site administration's history
of these objects. Should the new content type already exist (Django makes content types and
permissions after every `migrate`, so a database migrated to `0001` only has both), each
permission's holders are moved to the new permission and the old one removed.
"""

from django.contrib.contenttypes.models import ContentType as LiveContentType
from django.db import migrations

MOVED_MODELS = ["organisation", "membership"]


def _move(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(using=db, update_fields=["app_label"])
            continue
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = Permission.objects.using(db).filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(using=db, update_fields=["content_type"])
                continue
            for group in permission.group_set.all():
                group.permissions.add(twin)
            for user in permission.user_set.all():
                user.user_permissions.add(twin)
            permission.delete()
        LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()
    # The process-wide cache of content types may still hold the old rows.
    LiveContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "assessments", "organisations")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "organisations", "assessments")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("assessments", "0002_staff_groups"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
