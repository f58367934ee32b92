"""
Cases keep their words once each between spaces, and PostgreSQL indexes them (GIN over
to_tsvector('simple', search_text)), so a search no longer reads every case's text.
"""

from django.db import migrations

INDEX = "cases_casepage_search_words"


def words_again(apps, schema_editor):
    from cases.search import words_text

    CasePage = apps.get_model("cases", "CasePage")
    # The old text began with the words and went on with the whole text in lower case:
    # cutting it again gives the same words.
    for case in CasePage.objects.only("pk", "search_text").iterator(chunk_size=500):
        CasePage.objects.filter(pk=case.pk).update(search_text=words_text(case.search_text))


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_casepage "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_check_quiz")]

    operations = [
        migrations.RunPython(words_again, migrations.RunPython.noop),
        migrations.RunPython(index_create, index_drop),
    ]
