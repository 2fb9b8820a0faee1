"""PostgreSQL only: a trigram index makes the search box (LIKE '%woord%') fast on 100,000
conversations; SQLite (first run, small) scans."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS conv_search_trgm ON review_conversation USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS conv_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
