"""
Synonym groups as a search uses them: word → the other words of its groups, normalised the
way queries are. Read from the shared cache (emptied when a trainer saves a group), so a
search costs no query for them; a group's words also join jieba's dictionary, so a query
keeps them whole (没货 rather than 没 + 货).
"""

from django.core.cache import cache

from lms.search.analysis import add_query_words, normalise

SEED_FILE = "synonyms.yaml"


def synonym_map() -> dict[str, tuple[str, ...]]:
    """
    The shared cache holds the finished map, not the groups: building it normalises every
    word of a few hundred groups (about 2 ms), which every judged practice reply and every
    search would otherwise pay again.
    """
    from cases.models.search import SYNONYMS_CACHE_KEY

    mapping = cache.get(SYNONYMS_CACHE_KEY)
    if mapping is None:
        mapping = _built_map()
        cache.set(SYNONYMS_CACHE_KEY, mapping, 3600)
    add_query_words(mapping)  # this process's jieba learns each word once
    return mapping


def _built_map() -> dict[str, tuple[str, ...]]:
    from cases.models.search import SynonymGroup

    mapping: dict[str, list[str]] = {}
    for group in SynonymGroup.objects.all():
        words = list(dict.fromkeys(normalise(w) for w in group.word_list()))
        for word in words:
            mapping.setdefault(word, [])
            mapping[word].extend(w for w in words if w != word and w not in mapping[word])
    return {word: tuple(others) for word, others in mapping.items()}
