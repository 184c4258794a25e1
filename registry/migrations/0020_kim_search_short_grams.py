"""On PostgreSQL, every one- and two-character piece of each KIM's stored search text
(registry.KimSearchText), kept by the database in a generated column with a GIN index: a search
word such as "12" or "5/" is then found through that index instead of by reading all 50,000 texts
(no trigram index answers fewer than three characters). Nothing changes on SQLite."""

from django.db import migrations

FUNCTION = "registry_short_grams"
COLUMN = "short_grams"
INDEX = "registry_kimsearchtext_grams"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Every substring of one and of two characters, none holding the separator between two fields
    # (core.search.SEPARATOR, "\n"), so that a word is in the array exactly when the text holds it.
    schema_editor.execute(
        f"""CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT coalesce(array_agg(DISTINCT g), '{{}}') FROM (
            SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
            UNION ALL
            SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
          ) AS pieces WHERE strpos(g, chr(10)) = 0
        $$"""
    )
    schema_editor.execute(
        f'ALTER TABLE "registry_kimsearchtext" ADD COLUMN "{COLUMN}" text[] '
        f'GENERATED ALWAYS AS ({FUNCTION}("text")) STORED'
    )
    schema_editor.execute(f'CREATE INDEX "{INDEX}" ON "registry_kimsearchtext" USING gin ("{COLUMN}")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "registry_kimsearchtext" DROP COLUMN IF EXISTS "{COLUMN}"')
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0019_kim_search_text"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
