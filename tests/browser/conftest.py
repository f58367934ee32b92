"""
Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a live server.
Screenshots of each step land in var/screenshots/ so a person can look at what was tested.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import AxeAudit

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Without the background-networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The mark (not only the fixture) tells pytest-django to keep a serialized copy
            # of the migrated database to restore after each live-server test's flush.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Browser:
    """A page at a live server, with the few steps every flow needs."""

    def __init__(self, page, base_url, name):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.axe = AxeAudit(name)

    def go(self, path):
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def check(self):
        """axe on the page as it is now: every go(), every screenshot, and the last page."""
        self.page.wait_for_load_state()
        return self.axe.check(self.page)

    def sign_in(self, username, password):
        """Sign in from the login page in either language (the choice outlives sign-out)."""
        self.go("/accounts/login/")
        self.page.get_by_label(re.compile("^(用户名|User name)$")).fill(username)
        self.page.get_by_label(re.compile("^(密码|Password)$")).fill(password)
        self.page.get_by_role("button", name=re.compile("^(登录|Sign in)$")).click()
        self.page.wait_for_load_state()

    def editor_ready(self):
        """Wait until Wagtail's editor watches for edits (autosave saves only those)."""
        self.page.wait_for_function("() => window.kefuEditorWatching === true")

    def autosaved_new_page(self):
        """
        Wait until autosave has created the page being added: its address becomes the page's
        edit form, and the form posts there. Saving or publishing before that would post to
        the add form again, beside autosave's draft.
        """
        expect(self.page).to_have_url(re.compile(r"/cms/pages/\d+/edit/"), timeout=30_000)

    def menu(self):
        """The header's menu, opened first on a phone where it folds behind a button."""
        toggle = self.page.locator(".menu-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        return self.page.locator("#topbar-menu")

    def language(self, name):
        """Switch the interface language with the header's switch ("English", "简体中文")."""
        self.menu().get_by_role("button", name=name).click()
        self.page.wait_for_load_state()

    def sign_out(self):
        self.menu().get_by_role("button", name=re.compile("^(退出登录|Sign out)$")).click()
        self.page.wait_for_load_state()

    def heading(self):
        return self.page.get_by_role("heading", level=1)

    def region(self, name):
        """A section of the page by its heading (aria-labelledby), as a screen reader lists it."""
        return self.page.get_by_role("region", name=name)

    def table_rows(self, table=None):
        """The body rows of the (only) table: rows holding cells, not column headers."""
        table = table or self.page.get_by_role("table")
        return table.get_by_role("row").filter(has=self.page.get_by_role("cell"))

    def shot(self, label):
        self.check()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{label}.png"), full_page=True)


def _restore_reference_data():
    """
    Rows that Wagtail's data migrations create (default locale, root page and collection)
    are gone after an earlier live-server test's flush; put them back, then the role
    grants that hang off them.
    """
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    from lms.services.roles import roles_sync

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    roles_sync()


# Wagtail's editor notes the form as it is 2 s after loading and autosaves only changes
# made after that; a test that types faster than a person would otherwise type into the
# starting point. The flag lets Browser.editor_ready() wait for that moment.
EDITOR_WATCH = """
document.addEventListener("w-unsaved:watch-edits", () => { window.kefuEditorWatching = true; });
"""


def _make(browser, live_server, request, **context_args):
    _restore_reference_data()
    context = browser.new_context(locale="zh-CN", **context_args)
    context.add_init_script(EDITOR_WATCH)
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, Browser(page, live_server.url, request.node.name)


def _finish(context, wrapped):
    """Check the last page too, keep the report, and fail on what blocks."""
    try:
        if not wrapped.page.is_closed():
            wrapped.check()
    finally:
        wrapped.axe.write_report()
        context.close()
    blocking = wrapped.axe.blocking()
    if blocking:
        pytest.fail(
            "accessibility (axe, WCAG 2.2 A/AA):\n" + "\n".join(map(str, blocking)),
            pytrace=False,
        )


# Live-server tests commit for real and the database is flushed after each; serialized
# rollback restores what migrations put there (Wagtail's root page, role groups).
@pytest.fixture
def desktop(browser, django_db_serialized_rollback, live_server, transactional_db, request):
    context, wrapped = _make(browser, live_server, request, viewport={"width": 1280, "height": 800})
    yield wrapped
    _finish(context, wrapped)


@pytest.fixture
def phone(browser, django_db_serialized_rollback, live_server, transactional_db, request):
    iphone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
    context, wrapped = _make(
        browser, live_server, request, is_mobile=True, has_touch=True, **iphone
    )
    yield wrapped
    _finish(context, wrapped)


# The CMS steps of a trainer's week, shared by the browser tests that take them (each test
# asserts what its step did; these only take it).


def cms_publish(browser):
    """Publish from the editor's footer, where Wagtail folds 发布 behind 更多动作."""
    browser.page.get_by_role("button", name="更多动作").click()
    browser.page.get_by_role("button", name="发布").click()


def cms_quiz_block(browser, quiz_title, intro):
    """Add a quiz block at the end of a lesson's body: choose the quiz, say why to take it."""
    page = browser.page
    page.get_by_title("插入区块").last.click()
    page.get_by_role("option", name="测验").click()
    page.get_by_role("button", name="选择 测验").click()
    page.get_by_role("dialog").get_by_role("link", name=quiz_title).click()
    page.get_by_label("测验说明").last.fill(intro)


def question_workbook(tmp_path, name, rows):
    """An .xlsx file in the question bank's template columns holding these rows."""
    from openpyxl import Workbook

    from tests.lms.test_question_import import HEADER

    workbook = Workbook()
    workbook.active.append(HEADER)
    for cells in rows:
        workbook.active.append(cells)
    path = tmp_path / name
    workbook.save(path)
    return path


def cms_questions_import(browser, path, *, create_categories=False):
    """Upload a question file from the question bank's 导入题目 page."""
    page = browser.page
    browser.go(reverse("wagtailsnippets_lms_question:list"))
    page.get_by_role("link", name="导入题目").click()
    page.get_by_label("题目文件").set_input_files(path)
    if create_categories:
        page.get_by_label("自动创建尚不存在的分类").check()
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_load_state()


def cms_case_for_week(browser, week, *, title, scenario, channel, transcript):
    """A new case for `week` from the planning view, a conversation pasted, saved as draft."""
    page = browser.page
    browser.go(reverse("cases_planning"))
    page.get_by_role("link", name=f"为 {week:%Y-%m-%d} 这一周新建案例").click()
    page.wait_for_load_state()
    browser.editor_ready()
    page.get_by_role("textbox", name="标题").fill(title)
    page.get_by_role("button", name="选择 场景").click()
    page.get_by_role("dialog").get_by_role("link", name=scenario).click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.get_by_role("combobox", name="渠道").select_option(label=channel)
    page.get_by_role("textbox", name="粘贴对话记录").fill(transcript)
    browser.shot("case-pasted")
    browser.autosaved_new_page()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()


def cms_case_duplicate(browser, case, title):
    """Start a new case from `case` with its 复制此案例 form."""
    page = browser.page
    browser.go(reverse("cases_duplicate", args=[case.pk]))
    expect(browser.heading()).to_contain_text("复制此案例")
    page.get_by_role("textbox", name="新案例标题").fill(title)
    browser.shot("case-duplicate-form")
    page.get_by_role("button", name="新建案例").click()
    page.wait_for_load_state()


def cms_cases_bulk(browser, action, cases, *, confirm):
    """Wagtail's bulk action on these cases as the library listing sends it, confirmed."""
    ids = "&".join(f"id={case.pk}" for case in cases)
    listing = reverse("wagtailadmin_explore", args=[cases[0].get_parent().pk])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    browser.go(f"{url}?{ids}&next={listing}")
    browser.shot(action)
    browser.page.get_by_role("button", name=confirm).click()
    browser.page.wait_for_load_state()


def cms_case_schedule(browser, title, week):
    """Give a dated case that is not live yet another week from the planning view."""
    browser.go(reverse("cases_planning"))
    dated = browser.page.get_by_role("region", name="已定日期、尚未上线")
    dated.get_by_role("combobox", name=f"“{title}”的上线周").select_option(f"{week:%Y-%m-%d}")
    dated.get_by_role("button", name=f"排期“{title}”").click()
    browser.page.wait_for_load_state()
