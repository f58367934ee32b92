"""
The demo academy: a realistic service centre with Chinese names, used by `make run` and for
trying the product. Each app registers the loader of its part (`lms.features.DemoLoader`,
from its AppConfig.ready()); this command runs them in order in one transaction, so a mistake
in a data file leaves the database as it was. Idempotent: running it twice changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lms.demo.data import DemoDataError
from lms.features import demo_loaders


class Command(BaseCommand):
    help = "Create the demo academy (people, curricula, cases, certification). Idempotent."

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                for loader in demo_loaders():
                    loader.run(stdout=self.stdout)
        except DemoDataError as exc:
            raise CommandError(f"Demo data is wrong, nothing was loaded. {exc}") from exc
