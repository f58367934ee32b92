"""`manage.py search_eval_prepare`: a scratch database made into the demo academy, for
`make search-eval`. Everything in it is dropped first, so every run starts alike."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Empty this scratch database and load the demo academy for the search evaluation."

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            else:
                tables = connection.introspection.table_names(cursor)
                cursor.execute("PRAGMA foreign_keys = OFF")
                for table in tables:
                    cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
                cursor.execute("PRAGMA foreign_keys = ON")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", verbosity=0)
