"""
The CMS in Chinese, entirely: trainer, QA specialist and administrator walk the admin in
zh-hans from /cms/, following its links and the sidebar's menu (its JSON props), and no
visible text, title, placeholder or aria-label may hold an English word other than proper
names and codes, words of the demo academy's own content, and time-zone names.

One page per address shape (/cms/pages/12/edit/ stands for every page's edit form) keeps
the walk short; logout, deletion, export and download links are not followed.
"""

import io
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from lms.models import User

SKIP = re.compile(
    r"logout|/delete/|export|download|\.csv|\.xlsx|\.pdf|/preview|/unpublish|/revisions/\d+/"
    r"|/usage/|/history/|/bulk/|/jsi18n/|/api/|/sitemap"
)
# Two letters or more, not part of a code (IM-2025H2-00001), a path or a dotted name.
WORD = re.compile(r"(?<![A-Za-z0-9_./-])[A-Za-z][A-Za-z'’]+(?![A-Za-z0-9_/.-])")
# Content types shown as app_label.model (Wagtail's forms listing, page types report): codes.
DOTTED_NAME = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
ALLOWED = {
    # Proper names and codes.
    "Wagtail", "API", "CSV", "TSV", "PDF", "QR", "URL", "Excel", "HTML", "JavaScript", "JSON",
    "XLSX", "SHA", "Kefu", "Academy", "GIF", "JPG", "JPEG", "PNG", "WEBP", "AVIF", "SVG", "MB",
    "KB", "GB", "ID", "IP", "SMTP", "English", "Open", "Badges", "GIFT", "Aiken", "Moodle",
    "CATEGORY",  # GIFT's $CATEGORY line, named as the format spells it
    "localhost", "http", "https", "www",
    # Keys named on the keyboard-shortcuts dialog.
    "Ctrl", "Shift", "Alt", "Esc", "Enter", "Tab", "Cmd", "Option",
    # <code>from</code>/<code>to</code>: the redirect import's column names, typed as is.
    "from", "to",
}  # fmt: skip
ROLES = ("trainer", "qa", "admin")


def _demo_words() -> set[str]:
    """English words in the demo academy's data files (a case may be about an App)."""
    words = set()
    for path in Path(settings.BASE_DIR).glob("*/demo/data/**/*.yaml"):
        words |= set(WORD.findall(path.read_text(encoding="utf-8")))
    return words


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hidden_depth = 0
        self._hidden_tag, self._hidden_nesting = None, 0
        self.texts, self.links, self.sidebar = [], [], []
        self._in_sidebar = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden_tag == tag:
            self._hidden_nesting += 1
        if self._hidden_tag is None and "hidden" in attrs:
            self._hidden_tag, self._hidden_nesting = tag, 1
            self.hidden_depth += 1
        if tag in ("script", "style", "template"):
            self.hidden_depth += 1
            self._in_sidebar = tag == "script" and "sidebar" in (attrs.get("id") or "")
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.texts += [attrs[name] for name in ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == self._hidden_tag:
            self._hidden_nesting -= 1
            if not self._hidden_nesting:
                self._hidden_tag = None
                self.hidden_depth -= 1
        if tag in ("script", "style", "template"):
            self.hidden_depth -= 1
            self._in_sidebar = False

    def handle_data(self, data):
        if self._in_sidebar:
            self.sidebar.append(data)
        elif not self.hidden_depth and data.strip():
            self.texts.append(data.strip())


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def _walk(client) -> tuple[dict[str, set[str]], set[str]]:
    """English words found per page, and the pages visited."""
    time_zones = zoneinfo.available_timezones()
    allowed = ALLOWED | _demo_words()
    found, seen, shapes, queue = {}, set(), set(), ["/cms/"]
    while queue:
        url = queue.pop(0)
        if url in seen or _shape(url) in shapes:
            continue
        seen.add(url)
        shapes.add(_shape(url))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = VisibleText()
        page.feed(response.content.decode())
        for text in page.texts:
            if text in time_zones or text.split(": ")[-1] in time_zones:
                continue
            words = {w.strip("'’") for w in WORD.findall(DOTTED_NAME.sub("", text))}
            words -= allowed | {""}
            if words:
                found.setdefault(url, set()).update(f"{w} ← {text[:60]}" for w in words)
        menu = re.findall(r'"url": ?"(/cms/[^"]*)"', "".join(page.sidebar))
        for link in [*page.links, *menu]:
            link = link.split("#")[0]
            if link.startswith("/cms/") and "?" not in link and not SKIP.search(link):
                queue.append(link)
    return found, seen


@pytest.mark.django_db
def test_every_admin_page_each_role_reaches_is_in_chinese(client):
    """
    One test for the three roles, so the demo academy is loaded once inside the test's
    transaction and rolled back after it: loading it outside (and flushing after) would
    take the migrated reference rows (the default locale, the root page) from every test
    that runs later.
    """
    call_command("seed_demo", stdout=io.StringIO())
    for username in ROLES:
        client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        found, seen = _walk(client)
        # The walk reached the menu and the add/edit forms, not only the dashboard.
        assert len(seen) > 20, username
        assert any(url.endswith("/edit/") for url in seen), username
        assert any("/add/" in url for url in seen), username
        assert found == {}, f"{username}:\n" + "\n".join(
            f"{url}: {sorted(words)}" for url, words in found.items()
        )
        client.logout()


@pytest.mark.django_db
def test_wagtail_javascript_catalogue_serves_our_translations(client, django_user_model):
    """The strings Wagtail's own zh_Hans djangojs catalogue lacks reach the admin's scripts."""
    user = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    catalogue = client.get("/cms/jsi18n/").content.decode()
    assert '"Insert a block": "\\u63d2\\u5165\\u533a\\u5757"' in catalogue  # 插入区块
    assert '"Autosave in progress\\u2026"' in catalogue


def test_wagtail_missing_translations_are_all_written():
    """After a Wagtail upgrade this fails until the new strings are translated."""
    call_command("wagtail_missing_translations", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _visible_texts(response) -> list[str]:
    page = VisibleText()
    page.feed(response.content.decode())
    return page.texts


@pytest.mark.django_db
def test_wagtail_labels_it_derives_from_field_names_read_in_chinese(client, django_user_model):
    """
    The Sites listing's columns and the page field of the workflow and group forms, which
    Wagtail names from field names without gettext, read in Chinese; a page nobody is on
    record as publishing reads 未知 in the aging-pages report, not "None".
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    home = Page.objects.get(depth=2)
    Page.objects.filter(pk=home.pk).update(live=True, last_published_at="2020-01-01T00:00Z")
    group = Group.objects.create(name="页面编辑")
    GroupPagePermission.objects.create(
        group=group, page=home, permission=Permission.objects.get(codename="change_page")
    )
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    sites = _visible_texts(client.get("/cms/sites/"))
    assert {"端口号", "站点名称", "根页面"} <= set(sites)
    for url in ("/cms/workflows/add/", f"/cms/groups/edit/{group.pk}/"):
        html = client.get(url).content.decode()
        label = re.search(r'<label [^>]*for="id_[a-z_]+-0-page"[^>]*>\s*([^<\s]+)', html)
        assert label and label.group(1) == "页面", url
    aging = _visible_texts(client.get("/cms/reports/aging-pages/"))
    assert "未知" in aging and "None" not in aging
