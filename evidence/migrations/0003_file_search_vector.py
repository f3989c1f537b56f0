"""Each file's search vector, stored and kept by a trigger, on PostgreSQL.

Migration 0002 indexed the expression to_tsvector('english', text): a search could then only
find the files that match in the whole country (the index) and keep those of one organisation,
which costs more the more evidence the country holds (about 90 ms for a common word in the
national benchmark dataset, bench/seed.py). With the vector stored, a search of one library
checks its own files' vectors (about 10 ms there). The column is filled for every existing file,
then a trigger keeps it whenever a file's text is written; the expression index 0002 made for
files is replaced by a GIN index on the column.

The column is not a field of the model: only evidence/search.py reads it (in SQL), so no other
query loads a vector with every file it reads. SQLite has no such column (search there is a
substring match).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

TRIGGER = """
CREATE FUNCTION evidence_file_search_vector() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text
       OR NEW.search_vector IS DISTINCT FROM OLD.search_vector THEN
        NEW.search_vector := to_tsvector('english'::regconfig, COALESCE(NEW.text, ''));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER evidence_file_search_vector
    BEFORE INSERT OR UPDATE ON evidence_evidencefile
    FOR EACH ROW EXECUTE FUNCTION evidence_file_search_vector();
"""

UNDO_TRIGGER = """
DROP TRIGGER IF EXISTS evidence_file_search_vector ON evidence_evidencefile;
DROP FUNCTION IF EXISTS evidence_file_search_vector();
"""

EXPRESSION_INDEX = GinIndex(SearchVector("text", config="english"), name="evidence_file_search")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    EvidenceFile = apps.get_model("evidence", "EvidenceFile")
    schema_editor.execute("ALTER TABLE evidence_evidencefile ADD COLUMN search_vector tsvector")
    schema_editor.execute(
        "UPDATE evidence_evidencefile SET search_vector = to_tsvector('english'::regconfig, COALESCE(text, ''))"
    )
    schema_editor.execute(TRIGGER)
    schema_editor.execute(
        "CREATE INDEX evidence_file_vector ON evidence_evidencefile USING gin (search_vector)"
    )
    schema_editor.remove_index(EvidenceFile, EXPRESSION_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    EvidenceFile = apps.get_model("evidence", "EvidenceFile")
    schema_editor.add_index(EvidenceFile, EXPRESSION_INDEX)
    schema_editor.execute(UNDO_TRIGGER)
    schema_editor.execute("ALTER TABLE evidence_evidencefile DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
