"""Install the search functions from their one home, ``replies/search/sql/*.sql``.

The bodies are those of migrations 0003–0008 (unchanged); from now on a function changes by
editing its file and adding a migration that runs ``schema.install`` again.
"""

from django.db import migrations

from replies.search import schema


def install(apps, schema_editor):
    schema.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("replies", "0015_cache_follows_replies")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
