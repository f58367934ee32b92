"""
Chinese search in the CMS's listings and choosers. Wagtail's database search backend cuts
text at spaces and punctuation, so a Chinese word inside a sentence is never a token of its
own (and on SQLite, naming a field to search answers 500). These views look for each of the
query's words (lms.search.analysis.query_words, filler dropped) inside the listed fields
instead: every word must appear in one of them.
"""

from django.db.models import Q

from lms.search.analysis import query_words


def words_filter(queryset, query: str, fields):
    words = query_words(query) or [query.strip()]
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


class ChineseSearchMixin:
    """For a Wagtail listing or chooser view: search `chinese_search_fields` word by word."""

    chinese_search_fields: tuple[str, ...] = ()

    def search_queryset(self, queryset):
        if not getattr(self, "is_searching", False):
            return queryset
        return words_filter(queryset, self.search_query, self.chinese_search_fields)


class ChineseChooserSearchMixin:
    """For a Wagtail chooser's choose and results views: the query's words, not the backend."""

    chinese_search_fields: tuple[str, ...] = ()

    def get_filter_form(self):
        params = self.request.GET.copy()
        self.chinese_query = params.pop("q", [""])[0].strip()
        return self.get_filter_form_class()(params)

    def filter_object_list(self, objects):
        objects = super().filter_object_list(objects)
        if self.chinese_query:
            objects = words_filter(objects, self.chinese_query, self.chinese_search_fields)
        return objects
