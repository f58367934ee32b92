"""Every page's frame reads its kept entries (site, permissions, bell) in one round trip."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from lms.auth import permissions_cache_keys
from lms.generations import generation_bump, generation_cached, reading_ahead
from lms.selectors.notices import notices_unread_cache_keys

pytestmark = pytest.mark.django_db


def asked(client, path: str, method: str = "get") -> list[list[str]]:
    """The keys of each get_many the request made of the shared cache."""
    calls = []
    real = cache.get_many

    def spy(keys, *args, **kwargs):
        keys = list(keys)
        calls.append(keys)
        return real(keys, *args, **kwargs)

    with mock.patch.object(cache, "get_many", spy):
        response = getattr(client, method)(path)
    assert response.status_code in (200, 302)
    return calls


def test_a_signed_in_page_reads_site_permissions_and_bell_at_once(academy, login):
    client = login(academy.agent_b)
    client.get(reverse("lms:notices"))  # entries built and kept
    calls = asked(client, reverse("lms:notices"))
    perms = permissions_cache_keys(academy.agent_b.pk)[1]
    bell = notices_unread_cache_keys(academy.agent_b.pk)[2]
    together = [keys for keys in calls if perms in keys and bell in keys]
    assert len(together) == 1 and any(key.startswith("wagtail:site-for:") for key in together[0])
    # ...and neither is asked for again on its own.
    assert [keys for keys in calls if perms in keys or bell in keys] == together


def test_a_write_reads_as_it_goes(academy, login):
    client = login(academy.agent_b)
    calls = asked(client, reverse("lms:notices_read_all"), method="post")
    perms = permissions_cache_keys(academy.agent_b.pk)[1]
    bell = notices_unread_cache_keys(academy.agent_b.pk)[2]
    assert not any(perms in keys or bell in keys for keys in calls[:1])


def test_a_bump_in_the_request_drops_what_was_read_ahead():
    generation_cached("test:gen", "test:entry", lambda: "old", 60)
    with reading_ahead(["test:gen", "test:entry"]):
        generation_bump("test:gen")  # the request writes
        assert generation_cached("test:gen", "test:entry", lambda: "new", 60) == "new"
    with reading_ahead(["test:gen", "test:entry"]):
        assert generation_cached("test:gen", "test:entry", lambda: "newer", 60) == "new"
        cache.delete("test:entry")
        # Taken once: asked again, the cache answers (it may hold what this request stored).
        assert generation_cached("test:gen", "test:entry", lambda: "rebuilt", 60) == "rebuilt"
