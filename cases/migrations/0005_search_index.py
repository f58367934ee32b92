"""
The case search's own index (cases/search/): each case's terms with their BM25 weights, the
sound of every term, synonym groups trainers keep (seeded from cases/search/synonyms.yaml)
and the record of every search. The word list and its GIN index (0004) are replaced:
search_text now holds the case's readable text, which the snippets quote.
"""

from pathlib import Path

import yaml

import django.db.models.deletion
from django.db import migrations, models


SYNONYMS = Path(__file__).resolve().parents[1] / "search" / "synonyms.yaml"


def old_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_casepage_search_words")


def cases_index(apps, schema_editor):
    from cases.search import case_search_text
    from cases.search.index import case_index_update

    CasePage = apps.get_model("cases", "CasePage")
    models = (apps.get_model("cases", "CaseSearchTerm"), apps.get_model("cases", "SearchTermSound"))
    for case in CasePage.objects.select_related("scenario", "product").iterator(chunk_size=200):
        case.search_text = case_search_text(case)
        CasePage.objects.filter(pk=case.pk).update(search_text=case.search_text)
        case_index_update(case, models=models)


def synonyms_seed(apps, schema_editor):
    SynonymGroup = apps.get_model("cases", "SynonymGroup")
    if SynonymGroup.objects.exists():
        return
    groups = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))["groups"]
    SynonymGroup.objects.bulk_create([SynonymGroup(words=words) for words in groups])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_search_words"),
        ("lms", "0009_delete_usersession"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTermSound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=32, unique=True)),
                ("pinyin", models.CharField(db_index=True, max_length=200)),
            ],
        ),
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        help_text="Words that mean the same, separated by spaces or commas: 退款 退钱 返款.",
                        max_length=300,
                        verbose_name="words",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
            ],
            options={
                "verbose_name": "search synonyms",
                "verbose_name_plural": "search synonyms",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="CaseSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(max_length=100, verbose_name="query")),
                ("words", models.CharField(db_index=True, max_length=200)),
                ("results", models.PositiveIntegerField(verbose_name="results")),
                (
                    "searched_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="searched at"
                    ),
                ),
                (
                    "opened_case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="cases.casepage",
                        verbose_name="case opened",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="lms.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "case search",
                "verbose_name_plural": "case searches",
                "ordering": ["-searched_at"],
            },
        ),
        migrations.CreateModel(
            name="CaseSearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=32)),
                ("weight", models.PositiveIntegerField()),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_terms",
                        to="cases.casepage",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("term", "case"), name="case_search_term_once"
                    )
                ],
            },
        ),
        migrations.RunPython(old_index_drop, migrations.RunPython.noop),
        migrations.RunPython(cases_index, migrations.RunPython.noop),
        migrations.RunPython(synonyms_seed, migrations.RunPython.noop),
    ]
