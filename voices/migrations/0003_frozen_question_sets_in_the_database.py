"""The database refuses changes to the question sets of a published or retired rubric version,
as principles/0002 does for the rubric's own rows: a question set can be inserted, updated or
deleted only while its version is a draft, on PostgreSQL and on SQLite alike."""

from django.db import migrations

TABLES = {
    # table: how to reach the version id from a row called {row}
    "voices_questionset": "{row}.version_id",
    "voices_question": "(SELECT version_id FROM voices_questionset WHERE id = {row}.question_set_id)",
}

CREATE = r"""
CREATE OR REPLACE FUNCTION voices_version_of(tbl text, r jsonb) RETURNS bigint AS $$
    SELECT CASE tbl
        WHEN 'voices_questionset' THEN (r->>'version_id')::bigint
        WHEN 'voices_question' THEN
            (SELECT version_id FROM voices_questionset WHERE id = (r->>'question_set_id')::bigint)
    END;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION voices_refuse_frozen_questions() RETURNS trigger AS $$
DECLARE
    frozen text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO frozen FROM principles_rubricversion
         WHERE id = voices_version_of(TG_TABLE_NAME, to_jsonb(OLD)) AND status <> 'draft';
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION '% row belongs to a % rubric version, which cannot change', TG_TABLE_NAME, frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO frozen FROM principles_rubricversion
         WHERE id = voices_version_of(TG_TABLE_NAME, to_jsonb(NEW)) AND status <> 'draft';
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
""" + "".join(
    f"""
CREATE TRIGGER {table}_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION voices_refuse_frozen_questions();
"""
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS voices_refuse_frozen_questions();\n"
    "DROP FUNCTION IF EXISTS voices_version_of(text, jsonb);\n"
)


def _sqlite_statements() -> list[str]:
    statements = []
    for table, version_of in TABLES.items():
        old = f"(SELECT status FROM principles_rubricversion WHERE id = {version_of.format(row='OLD')})"
        new = f"(SELECT status FROM principles_rubricversion WHERE id = {version_of.format(row='NEW')})"
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
    return [
        f"DROP TRIGGER IF EXISTS {table}_frozen_{op}"
        for table in TABLES
        for op in ("insert", "update", "delete")
    ]


def _run(schema_editor, postgresql: str, sqlite: list[str]) -> None:
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
    dependencies = [("voices", "0002_starter_question_sets")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
