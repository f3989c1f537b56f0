"""On PostgreSQL, the database itself refuses changes to a published or retired rubric version.

The model layer already refuses, but raw SQL, a bulk operation that skips the model, or a
future bug would not pass through it. These triggers make the guarantee hold whatever path a
write takes:
- a published or retired version's row can change only by being retired (status, retired_at,
  retired_by), and can never be deleted;
- rows inside a version (categories, principles, criteria, descriptors, suggested evidence) can
  be inserted, updated or deleted only while their version is a draft.
SQLite (a developer's machine) relies on the model layer alone.
"""

from django.db import migrations

CONTENT_TABLES = [
    "principles_evidencecategory",
    "principles_principle",
    "principles_criterion",
    "principles_leveldescriptor",
    "principles_suggestedevidence",
]

CREATE = r"""
CREATE OR REPLACE FUNCTION principles_refuse_frozen_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'rubric version % is %, so it cannot be deleted', OLD.label, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'published' AND NEW.status = 'retired'
       AND (to_jsonb(NEW) - 'status' - 'retired_at' - 'retired_by_id')
           = (to_jsonb(OLD) - 'status' - 'retired_at' - 'retired_by_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'rubric version % is %, so it cannot be changed', OLD.label, OLD.status
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION principles_version_of(tbl text, r jsonb) RETURNS bigint AS $$
    SELECT CASE tbl
        WHEN 'principles_evidencecategory' THEN (r->>'version_id')::bigint
        WHEN 'principles_principle' THEN (r->>'version_id')::bigint
        WHEN 'principles_criterion' THEN
            (SELECT version_id FROM principles_principle WHERE id = (r->>'principle_id')::bigint)
        WHEN 'principles_suggestedevidence' THEN
            (SELECT version_id FROM principles_principle WHERE id = (r->>'principle_id')::bigint)
        WHEN 'principles_leveldescriptor' THEN
            (SELECT p.version_id FROM principles_criterion c
               JOIN principles_principle p ON p.id = c.principle_id
              WHERE c.id = (r->>'criterion_id')::bigint)
    END;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION principles_refuse_frozen_content() RETURNS trigger AS $$
DECLARE
    frozen text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO frozen FROM principles_rubricversion
         WHERE id = principles_version_of(TG_TABLE_NAME, to_jsonb(OLD)) AND status <> 'draft';
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION '% row belongs to a % rubric version, which cannot change', TG_TABLE_NAME, frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO frozen FROM principles_rubricversion
         WHERE id = principles_version_of(TG_TABLE_NAME, to_jsonb(NEW)) AND status <> 'draft';
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION '% row would join a % rubric version, which cannot change', TG_TABLE_NAME, frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER principles_rubricversion_frozen
    BEFORE UPDATE OR DELETE ON principles_rubricversion
    FOR EACH ROW EXECUTE FUNCTION principles_refuse_frozen_version();
""" + "".join(
    f"""
CREATE TRIGGER {table}_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION principles_refuse_frozen_content();
"""
    for table in CONTENT_TABLES
)

DROP = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};\n" for table in CONTENT_TABLES)
    + """
DROP TRIGGER IF EXISTS principles_rubricversion_frozen ON principles_rubricversion;
DROP FUNCTION IF EXISTS principles_refuse_frozen_content();
DROP FUNCTION IF EXISTS principles_version_of(text, jsonb);
DROP FUNCTION IF EXISTS principles_refuse_frozen_version();
"""
)


def _run(schema_editor, sql: str) -> None:
    # Straight to the cursor with no parameters: RAISE's '%' placeholders are PL/pgSQL's own.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def create_triggers(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
