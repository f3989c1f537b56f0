"""The database itself refuses to change or delete an audit event.

PostgreSQL: a row trigger refuses UPDATE and DELETE whatever path the SQL takes. TRUNCATE,
which needs the table's owner, is left to the owner (the test suite empties tables that way);
production should run the portal as a role that does not own its tables. SQLite (a developer's
machine) gets the same two rules as plain triggers.
"""

from django.db import migrations

POSTGRESQL = r"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit event % refused', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""

SQLITE = [
    "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
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
    _run(schema_editor, POSTGRESQL, SQLITE)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_DROP, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
