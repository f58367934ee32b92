"""
`manage.py generate_site --size S|M|L`: a synthetic service centre for benchmarks (see
lms/synthetic.py). It refuses a database that already holds people unless --force.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from lms.models import User
from lms.synthetic import PASSWORD, PREFIX, SIZES, site_generate


class Command(BaseCommand):
    help = "Build a synthetic centre of size S (~100 staff), M (~1,000) or L (~10,000)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database already holds people (never on real data).",
        )

    def handle(self, *args, size, seed, force, **options):

        existing = User.objects.count()
        if existing and not force:
            raise CommandError(
                f"This database already holds {existing} people. generate_site is for an empty "
                "benchmark database; pass --force only if you are sure no real data is here."
            )
        if User.objects.filter(employee_no__startswith=PREFIX).exists():
            raise CommandError("A synthetic site is already here: start from an empty database.")
        started = time.monotonic()
        counts = site_generate(size, progress=self._progress, seed=seed)
        sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{name} {value:,}" for name, value in counts.items())
        self.stdout.write(f"Size {size} built in {elapsed:.0f} s: {summary}.")
        self.stdout.write(f"Every synthetic account signs in with the password {PASSWORD}.")

    def _progress(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\r{stage:<14} [{bar}] {done:>7,}/{total:,}")
        sys.stderr.flush()
