"""On PostgreSQL, the database itself refuses changes to a published or retired rubric version.

The model layer already refuses, but raw SQL, a bulk operation that skips the model, or a
future bug would not pass through it. These triggers make the guarantee hold whatever path a
write takes:
- a published or retired version's row can change only by being retired (status, retired_at,
  retired_by), and can never be deleted;
- rows inside a version (categories, principles, criteria, descriptors, suggested evidence) can
  be inserted, updated or deleted only while their version is a draft.
SQLite (a developer's machine) gets the same rules as plain triggers, so the tests that prove
them run on both databases. Its version trigger names the columns a retirement must leave
alone; the PostgreSQL one compares whole rows, so it needs no list.
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


# SQLite: how to find a row's version status, per table, for a row called OLD or NEW.
SQLITE_STATUS_OF = {
    "principles_evidencecategory": "(SELECT status FROM principles_rubricversion WHERE id = {row}.version_id)",
    "principles_principle": "(SELECT status FROM principles_rubricversion WHERE id = {row}.version_id)",
    "principles_criterion": "(SELECT v.status FROM principles_rubricversion v JOIN principles_principle p "
    "ON p.version_id = v.id WHERE p.id = {row}.principle_id)",
    "principles_suggestedevidence": "(SELECT v.status FROM principles_rubricversion v JOIN principles_principle p "
    "ON p.version_id = v.id WHERE p.id = {row}.principle_id)",
    "principles_leveldescriptor": "(SELECT v.status FROM principles_rubricversion v JOIN principles_principle p "
    "ON p.version_id = v.id JOIN principles_criterion c ON c.principle_id = p.id WHERE c.id = {row}.criterion_id)",
}
SQLITE_UNCHANGED_ON_RETIREMENT = [
    "id",
    "label",
    "title",
    "scoring_rule",
    "content_hash",
    "based_on_id",
    "created_at",
    "created_by_id",
    "published_at",
    "published_by_id",
]


def _sqlite_statements() -> list[str]:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in SQLITE_UNCHANGED_ON_RETIREMENT)
    statements = [
        "CREATE TRIGGER principles_rubricversion_frozen_delete BEFORE DELETE ON principles_rubricversion "
        "WHEN OLD.status <> 'draft' BEGIN "
        "SELECT RAISE(ABORT, 'rubric version is published or retired, so it cannot be deleted'); END",
        "CREATE TRIGGER principles_rubricversion_frozen_update BEFORE UPDATE ON principles_rubricversion "
        f"WHEN OLD.status <> 'draft' AND NOT (OLD.status = 'published' AND NEW.status = 'retired' AND {unchanged}) "
        "BEGIN SELECT RAISE(ABORT, 'rubric version is published or retired, so it cannot be changed'); END",
    ]
    for table, status_of in SQLITE_STATUS_OF.items():
        old, new = status_of.format(row="OLD"), status_of.format(row="NEW")
        message = f"'{table} row belongs to a published or retired rubric version, which cannot change'"
        statements += [
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} WHEN {new} <> 'draft' "
            f"BEGIN SELECT RAISE(ABORT, {message}); END",
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {old} <> 'draft' OR {new} <> 'draft' BEGIN SELECT RAISE(ABORT, {message}); END",
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} WHEN {old} <> 'draft' "
            f"BEGIN SELECT RAISE(ABORT, {message}); END",
        ]
    return statements


def _sqlite_drop_statements() -> list[str]:
    names = ["principles_rubricversion_frozen_delete", "principles_rubricversion_frozen_update"]
    names += [f"{table}_frozen_{op}" for table in SQLITE_STATUS_OF for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _run(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    # Straight to the cursor with no parameters: RAISE's '%' placeholders are PL/pgSQL's own.
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(postgresql)
        elif vendor == "sqlite":
            for statement in sqlite:
                cursor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, CREATE, _sqlite_statements())


def drop_triggers(apps, schema_editor):
    _run(schema_editor, DROP, _sqlite_drop_statements())


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
