# Sessions go back to Django's own engine (django_session): the user column was only
# there to end a person's sessions, and the auth backend already refuses a deactivated
# person on their next request. Sessions still in this table simply end.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0008_staff_import_lease"),
    ]

    operations = [
        migrations.DeleteModel(name="UserSession"),
    ]
