"""
Wagtail's starter project puts a "Moderators approval" workflow on the root page, so
every page waits for a Moderators group nobody is in. Here trainers publish curricula
themselves and only cases go through review (the case library's own workflow).
"""

from django.db import migrations


def detach_default_workflow(apps, schema_editor):
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(page__depth=1, workflow__name="Moderators approval").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(detach_default_workflow, migrations.RunPython.noop)]
