"""
The case search at size: each term's document frequency in a table of its own (counted here
from the postings, then kept by cases.search.index), and the postings of a term readable best
first, so a search reads a common word's top postings rather than all of them.
"""

from django.db import migrations, models


def frequencies_count(apps, schema_editor):
    from cases.search.index import frequencies_rebuild

    frequencies_rebuild(db=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTermFrequency",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=32, unique=True)),
                ("cases", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name="casesearchterm",
            index=models.Index(fields=["term", "-weight", "case"], name="case_search_term_impact"),
        ),
        migrations.RunPython(frequencies_count, migrations.RunPython.noop),
    ]
