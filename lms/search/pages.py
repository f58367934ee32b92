"""
Pages found by a Chinese word of their title in the CMS (the page explorer's search, the
page chooser), whose search goes through Wagtail's own backend.

That backend cuts text at spaces and punctuation, so a Chinese title is one token and only
the whole title finds it. Every academy page therefore also indexes its title's terms (the
same bigrams and long words the case search uses, `lms.search.analysis.index_terms`), and
`lms.search.backend` cuts a Chinese query the same way before the backend sees it.
"""

from wagtail.models import Page
from wagtail.search import index

from lms.search.analysis import index_terms


class ChineseTitleIndexed:
    """Mix into a Page class, before `Page`; `page_search_fields` for its `search_fields`."""

    def title_terms(self) -> str:
        return " ".join(index_terms(self.title))


def page_search_fields(*extra) -> list:
    """Wagtail's page search fields, the title's Chinese terms, and the page's own fields."""
    return [
        *Page.search_fields,
        index.SearchField("title_terms"),
        index.AutocompleteField("title_terms"),
        *extra,
    ]
