"""GIN indexes for the library's full-text search, on PostgreSQL only.

Each index is built from exactly the expression evidence/search.py queries with (item_vector()
and file_vector()), so the planner can use it; tests/evidence/test_search.py checks that it
does. SQLite has no GIN indexes: the search there is a plain substring match.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "EvidenceItem": GinIndex(
        SearchVector("title", "description", config="english"), name="evidence_item_search"
    ),
    "EvidenceFile": GinIndex(SearchVector("text", config="english"), name="evidence_file_search"),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("evidence", model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("evidence", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
