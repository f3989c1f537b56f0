"""pg_trgm, for the overlap check's similarity of titles and purposes (activities/overlaps.py).
PostgreSQL only: on SQLite the operation does nothing and the check computes the same measure in
Python."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_controlled_lists")]

    operations = [TrigramExtension()]
