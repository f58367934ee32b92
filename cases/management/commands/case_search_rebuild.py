"""`manage.py case_search_rebuild`: every case indexed again, after the analysis changed
(lms/search/analysis.py); synonyms need no rebuild, they apply when a search runs."""

from django.core.management.base import BaseCommand

from cases.models import CasePage
from cases.search import case_search_text
from cases.search.index import case_index_update, frequencies_rebuild
from lms.routing import pages_changed


class Command(BaseCommand):
    help = "Index every case again for the case search."

    def handle(self, *args, **options):
        done = 0
        for case in CasePage.objects.select_related("scenario", "product").iterator(200):
            case.search_text = case_search_text(case)
            CasePage.objects.filter(pk=case.pk).update(search_text=case.search_text)
            case_index_update(case)
            done += 1
        frequencies_rebuild()  # exact again, whatever the saves in between did
        pages_changed()  # the cases' text changed past the signals
        self.stdout.write(f"{done} cases indexed.")
