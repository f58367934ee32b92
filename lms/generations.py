"""
Entries of the shared cache that every worker and server can trust: a kind of entry (the
library's filter fields, search results) has a *generation* number in the shared cache,
moved on whenever what its entries were built from changes, and an entry is used only while
it carries the current generation. The number moves at once and again when the change
commits, so a request that read the old rows in between cannot store them as current.
Reading an entry and its generation is one round trip (get_many); the entries every page
asks for (its site, the person's permissions, the bell) are read ahead together in one
(`reading_ahead`, from lms.middleware.KeptSiteMiddleware).
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# What the request being served fetched ahead: {key: value or None}.
_read_ahead: ContextVar[dict | None] = ContextVar("generations_read_ahead", default=None)


@contextmanager
def reading_ahead(keys: Iterable[str]):
    """
    Within the block, `generation_cached` finds these keys (entries and their generations,
    fetched now in one round trip) without asking the shared cache again. An entry is taken
    once, and any bump in the block drops them all: a request that writes reads afresh.
    """
    keys = list(dict.fromkeys(keys))
    found = cache.get_many(keys) if keys else {}
    token = _read_ahead.set({key: found.get(key) for key in keys})
    try:
        yield
    finally:
        _read_ahead.reset(token)


def _taken_from_read_ahead(keys: list[str]) -> dict | None:
    ahead = _read_ahead.get()
    if not ahead or any(key not in ahead for key in keys):
        return None
    found = {key: ahead[key] for key in keys if ahead[key] is not None}
    del ahead[keys[-1]]  # the entry: asked again, it may be the one this request stored
    return found


def generation_bump(generation_key: str) -> None:
    """Every entry kept under `generation_key` is stale from now on."""
    generations_bump([generation_key])


def generations_bump(generation_keys) -> None:
    """`generation_bump` for many keys in one round trip (each recipient of a notice)."""
    # Sorted: on the database cache two writers bumping the same keys lock them in one order.
    keys = sorted(set(generation_keys))
    if not keys:
        return

    def bump():
        now = time.time_ns()
        cache.set_many(dict.fromkeys(keys, now), None)
        ahead = _read_ahead.get()
        if ahead:
            ahead.clear()

    bump()
    transaction.on_commit(bump)


def generation_cached(
    generation_key: str | tuple[str, ...],
    key: str,
    build: Callable[[], T],
    timeout: int,
    fresh: Callable[[T], bool] | None = None,
) -> T:
    """The value kept under `key` if it was built in the current generation, else `build()`,
    kept for the next request. With several generation keys, the value is current only while
    none of them has moved (a person's own, and one that moves for everyone at once).
    `fresh(value)`, if given, may refuse a kept value for reasons no write marks (time)."""
    generation_keys = (generation_key,) if isinstance(generation_key, str) else generation_key
    wanted = [*generation_keys, key]
    found = _taken_from_read_ahead(wanted)
    if found is None:
        found = cache.get_many(wanted)
    for one_key in generation_keys:
        if found.get(one_key) is None:
            # A new or emptied cache: start from a number no kept entry can carry.
            cache.add(one_key, time.time_ns(), None)
            found[one_key] = cache.get(one_key)
    current = tuple(found[one_key] for one_key in generation_keys)
    kept = found.get(key)
    if kept is not None and kept[0] == current and (fresh is None or fresh(kept[1])):
        return kept[1]
    value = build()
    cache.set(key, (current, value), timeout)
    return value


@functools.cache
def code_release() -> str:
    """
    A fingerprint of the code, templates and translations this process runs, for keys of
    kept rendered pages: a new version builds them afresh on every server, and a server
    not yet restarted keeps to its own. Read once a process (about 40 ms, at start).
    """
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder in ("lms", "cases", "certification", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".mo"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
