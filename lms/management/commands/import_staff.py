from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.services.staff_import import describe_error, staff_file_import


class Command(BaseCommand):
    help = "Import staff from an HR file (CSV or XLSX). Nothing is saved unless every row is valid."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--create-teams",
            action="store_true",
            help="Create teams the file names but the academy lacks.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file without saving.")

    def handle(self, *args, path: Path, create_teams: bool, dry_run: bool, **options):
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        result = staff_file_import(
            name=path.name,
            content=path.read_bytes(),
            create_missing_teams=create_teams,
            dry_run=dry_run,
        )
        if result.errors:
            for error in result.errors:
                prefix = _("Row %(row)s: ") % {"row": error.row} if error.row else ""
                self.stderr.write(prefix + describe_error(error))
            raise CommandError(
                _("Nothing was imported: %(count)s problem(s) in %(name)s.")
                % {"count": len(result.errors), "name": path.name}
            )
        if dry_run:
            self.stdout.write(
                _("%(count)s rows are valid (dry run, nothing saved).")
                % {"count": len(result.rows)}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(total)s rows: %(created)s new, %(updated)s updated, "
                    "%(deactivated)s deactivated."
                )
                % {
                    "total": len(result.rows),
                    "created": result.created,
                    "updated": result.updated,
                    "deactivated": result.deactivated,
                }
            )
        )
