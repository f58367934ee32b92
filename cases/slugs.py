"""A case's address among its siblings: a taken slug gets the next free suffix."""


def case_free_slug(*, parent, base: str, page=None) -> str:
    """
    `base`, or `base-2`, `base-3`... the first no sibling holds. An abandoned draft with the
    same title (autosave keeps one when a tab closes) never blocks a new case: the new one
    takes the next suffix. One query whatever the number of siblings.
    """
    base = base or "case"
    siblings = parent.get_children().filter(slug__startswith=base)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
