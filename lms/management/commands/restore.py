"""`manage.py restore ARCHIVE`: bring a backup back into an empty installation (lms/backup.py)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore the database and stored files from a `manage.py backup` archive into an empty "
        "installation (--force replaces a non-empty one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and stored files of a non-empty installation",
        )

    def handle(self, *args, archive, force, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            restored = restore_read(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # An archive from an earlier version of the academy is brought up to date.
        call_command("migrate", interactive=False, verbosity=0)
        files = ", ".join(f"{count} in {alias}" for alias, count in restored.files.items())
        if restored.replaced:
            self.stdout.write(self.style.WARNING("Replaced: " + "; ".join(restored.replaced)))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database ({restored.manifest['counts']['people']} people) and "
                f"files ({files}) from {path} (made {restored.manifest['created_at']})."
            )
        )
