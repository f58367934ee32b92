"""Simplified Chinese first, English second, everything translated."""

from pathlib import Path

from django.urls import reverse
from django.utils import translation

PO_FILE = Path(__file__).resolve().parents[2] / "lms/locale/zh_Hans/LC_MESSAGES/django.po"


def test_pages_are_in_simplified_chinese_by_default(db, client):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录客服学院" in page


def test_the_language_switch_changes_the_interface_and_stays_chosen(academy, login):
    client = login(academy.agent_a)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("lms:dashboard")}
    )
    assert response.status_code == 302
    page = client.get(reverse("lms:dashboard")).content.decode()
    assert "My learning" in page and "我的学习" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "我的学习" in client.get(reverse("lms:dashboard")).content.decode()


def test_every_interface_string_has_a_chinese_translation():
    import re

    blocks = PO_FILE.read_text(encoding="utf-8").split("\n\n")[1:]
    assert len(blocks) > 300  # the catalogue was read: an empty one would pass below
    untranslated = [
        block for block in blocks
        if re.search(r'^msgstr(\[0\])? ""\s*$', block, re.M)
        and not re.search(r'^msgstr(\[0\])? ""\n"', block, re.M)
    ]  # fmt: skip
    fuzzy = [block for block in blocks if "#, fuzzy" in block]
    assert not untranslated, untranslated[:3]
    assert not fuzzy, fuzzy[:3]


def test_positions_read_as_the_ladder_users_know():
    from lms.models import Position

    with translation.override("zh-hans"):
        assert [str(p.label) for p in Position] == [
            "客服代表", "资深客服", "班组长", "运营主管", "培训专员", "质检专员", "数据分析",
        ]  # fmt: skip


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(db, client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录客服学院" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in to the academy" in client.get(reverse("login")).content.decode()


def test_the_language_switch_needs_no_csrf_token_and_stays_on_this_site(db):
    """Public pages carry no per-visitor token, so the switch must work without one; its
    `next` must still not lead off the site."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    assert "Sign in to the academy" in client.get(reverse("login")).content.decode()
