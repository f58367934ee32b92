"""`manage.py backup ARCHIVE`: the database and the stored files in one archive (lms/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Write the database, certificate PDFs and uploaded media to one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="where to write it (default: kefu-backup-<date-time>.tar.gz here)",
        )

    def handle(self, *args, archive=None, **options):
        path = Path(archive or f"kefu-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = backup_write(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{len(names)} in {alias}" for alias, names in manifest["files"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database']} database "
                f"({manifest['counts']['people']} people) and files ({files}) to {path}"
            )
        )
