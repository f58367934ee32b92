"""
The shared cache's table, when the shared cache lives in the database (no Redis): created
by migrate itself, so no deployment can forget `createcachetable`, and it exists before the
role groups are declared after migrate (declaring them clears cached permissions there).
"""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("lms", "0006_user_position_since")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
