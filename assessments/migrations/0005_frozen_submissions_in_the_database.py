"""The database itself refuses changes to a submitted self-assessment and to any submission.

The model layer and the services already refuse, but raw SQL, a bulk operation that skips the
model, or a future bug would not pass through them. These triggers make the guarantee hold
whatever path a write takes:
- answers (assessments_criterionresponse) and citations (evidence_citation) can be inserted,
  updated or deleted only while their assessment is with the organisation (draft or returned);
- a submission (assessments_submission) is never updated or deleted.

PostgreSQL in production and CI; SQLite (a developer's machine) gets the same rules as plain
triggers so the tests that prove them run on both databases. The end-to-end tests empty the
database between tests: PostgreSQL's TRUNCATE fires no row triggers, and on SQLite
tests/e2e/conftest.py lifts every trigger around the flush.
"""

from django.db import migrations

EDITABLE = "('draft', 'returned')"

CREATE = rf"""
CREATE OR REPLACE FUNCTION assessments_refuse_frozen_answer() RETURNS trigger AS $$
DECLARE
    frozen text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO frozen FROM assessments_assessment
         WHERE id = OLD.assessment_id AND status NOT IN {EDITABLE};
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION 'the answer belongs to a % self-assessment, which cannot change', frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO frozen FROM assessments_assessment
         WHERE id = NEW.assessment_id AND status NOT IN {EDITABLE};
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION 'the answer would join a % self-assessment, which cannot change', frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION assessments_refuse_frozen_citation() RETURNS trigger AS $$
DECLARE
    frozen text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT a.status INTO frozen FROM assessments_assessment a
          JOIN assessments_criterionresponse r ON r.assessment_id = a.id
         WHERE r.id = OLD.response_id AND a.status NOT IN {EDITABLE};
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION 'the citation belongs to a % self-assessment, which cannot change', frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT a.status INTO frozen FROM assessments_assessment a
          JOIN assessments_criterionresponse r ON r.assessment_id = a.id
         WHERE r.id = NEW.response_id AND a.status NOT IN {EDITABLE};
        IF frozen IS NOT NULL THEN
            RAISE EXCEPTION 'the citation would join a % self-assessment, which cannot change', frozen
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION assessments_refuse_submission_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'submission % of assessment % is a permanent record and cannot change',
        OLD.number, OLD.assessment_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assessments_criterionresponse_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON assessments_criterionresponse
    FOR EACH ROW EXECUTE FUNCTION assessments_refuse_frozen_answer();

CREATE TRIGGER evidence_citation_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON evidence_citation
    FOR EACH ROW EXECUTE FUNCTION assessments_refuse_frozen_citation();

CREATE TRIGGER assessments_submission_permanent
    BEFORE UPDATE OR DELETE ON assessments_submission
    FOR EACH ROW EXECUTE FUNCTION assessments_refuse_submission_change();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_submission_permanent ON assessments_submission;
DROP TRIGGER IF EXISTS evidence_citation_frozen ON evidence_citation;
DROP TRIGGER IF EXISTS assessments_criterionresponse_frozen ON assessments_criterionresponse;
DROP FUNCTION IF EXISTS assessments_refuse_submission_change();
DROP FUNCTION IF EXISTS assessments_refuse_frozen_citation();
DROP FUNCTION IF EXISTS assessments_refuse_frozen_answer();
"""

# SQLite: how to find a row's assessment status, per table, for a row called OLD or NEW.
SQLITE_STATUS_OF = {
    "assessments_criterionresponse": "(SELECT status FROM assessments_assessment WHERE id = {row}.assessment_id)",
    "evidence_citation": "(SELECT a.status FROM assessments_assessment a JOIN assessments_criterionresponse r "
    "ON r.assessment_id = a.id WHERE r.id = {row}.response_id)",
}


def _sqlite_statements() -> list[str]:
    statements = []
    for table, status_of in SQLITE_STATUS_OF.items():
        old, new = status_of.format(row="OLD"), status_of.format(row="NEW")
        message = f"'{table} row belongs to a submitted self-assessment, which cannot change'"
        statements += [
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
            f"WHEN {new} NOT IN {EDITABLE} BEGIN SELECT RAISE(ABORT, {message}); END",
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {old} NOT IN {EDITABLE} OR {new} NOT IN {EDITABLE} "
            f"BEGIN SELECT RAISE(ABORT, {message}); END",
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
            f"WHEN {old} NOT IN {EDITABLE} BEGIN SELECT RAISE(ABORT, {message}); END",
        ]
    message = "'a submission is a permanent record and cannot change'"
    statements += [
        "CREATE TRIGGER assessments_submission_permanent_update BEFORE UPDATE ON assessments_submission "
        f"BEGIN SELECT RAISE(ABORT, {message}); END",
        "CREATE TRIGGER assessments_submission_permanent_delete BEFORE DELETE ON assessments_submission "
        f"BEGIN SELECT RAISE(ABORT, {message}); END",
    ]
    return statements


def _sqlite_drop_statements() -> list[str]:
    names = [f"{table}_frozen_{op}" for table in SQLITE_STATUS_OF for op in ("insert", "update", "delete")]
    names += ["assessments_submission_permanent_update", "assessments_submission_permanent_delete"]
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
    dependencies = [
        ("assessments", "0004_cycle_slug"),
        ("evidence", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
