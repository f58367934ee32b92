"""`manage.py search_eval`: the case search against its evaluation set, on this database."""

from django.core.management.base import BaseCommand, CommandError

from cases.search.engines import ENGINES
from cases.search.evaluation import eval_read, evaluate


class Command(BaseCommand):
    help = "Measure the case search on cases/search/eval.yaml (needs the demo cases loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=sorted(ENGINES), default="library")

    def handle(self, *args, engine, **options):
        from cases.models import CasePage

        if not CasePage.objects.filter(slug="case-001").exists():
            raise CommandError("The demo cases are not loaded: run `manage.py seed_demo` first.")
        report = evaluate(ENGINES[engine](), eval_read())
        self.stdout.write(f"engine: {engine}")
        for line in report.lines():
            self.stdout.write(line)
