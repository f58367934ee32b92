"""
Every page of the academy as each role sees it, in Chinese and English, on a desktop and a
phone, audited by axe (tests/browser/axe.py) on the demo academy: the pages a real centre
fills with lessons, cases, certificates and teams, not an empty shell.
"""

import io

from django.core.management import call_command
from django.urls import reverse

from cases.models import CasePage, Refresher
from certification.models import Certificate
from lms.demo.people import DEMO_PASSWORD
from lms.models import CurriculumPage, LessonPage, Quiz, User
from tests.browser.axe import AxeAudit
from tests.browser.conftest import _restore_reference_data

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}


def _pages_by_role() -> dict[str | None, list[str]]:
    """The addresses each demo role uses, read from the demo academy just loaded."""
    lesson = LessonPage.objects.live().order_by("path").first()
    curriculum = CurriculumPage.objects.live().order_by("path").first()
    case = CasePage.objects.live().order_by("-first_published_at").first()
    quiz = Quiz.objects.order_by("pk").first()
    newhire = User.objects.get(username="newhire")
    valid = Certificate.objects.filter(revoked_at=None, superseded_by=None).first()
    revoked = Certificate.objects.exclude(revoked_at=None).first()
    refresher = Refresher.objects.filter(user__username="agent").first()
    # A lesson the demo agent read before the product changed: its page asks for a new reading.
    lesson_to_reread = refresher.change.lessons.live().order_by("path").last().url
    return {
        None: [
            reverse("login"),
            reverse("certification:verify", args=[valid.verification_code]),
            reverse("certification:verify", args=[revoked.verification_code]),
        ],
        "newhire": [
            reverse("lms:dashboard"),
            curriculum.url,
            lesson.url,
            reverse("lms:quiz", args=[quiz.pk]),
            reverse("certification:mine"),
        ],
        "agent": [
            reverse("lms:dashboard"),
            reverse("cases:week"),
            case.url,
            case.get_parent().url + "?q=退款",
            reverse("certification:mine"),
            reverse("cases:refreshers"),
            reverse("cases:refresher", args=[refresher.change_id]),
            reverse("cases:practice"),
            lesson_to_reread,
        ],
        "lead": [
            reverse("lms:team_roster"),
            reverse("lms:golive_history", args=[newhire.pk]),
            reverse("lms:person_detail", args=[newhire.pk]),
            reverse("lms:review_queue"),
            reverse("certification:team"),
            reverse("cases:team_reads"),
            reverse("lms:team_training"),
            reverse("cases:team_refreshers"),
        ],
        "admin": [
            reverse("certification_admin_index"),
            reverse("cases_planning"),
            "/cms/quiz-stats/",
            "/cms/staff-import/",
            "/cms/",
        ],
    }


def _sign_in(page, base_url, username):
    page.goto(base_url + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def test_every_page_for_every_role_language_and_size_passes_axe(
    browser, live_server, django_db_serialized_rollback, transactional_db
):
    _restore_reference_data()  # an earlier live-server test's flush took the root page
    call_command("seed_demo", stdout=io.StringIO())
    pages = _pages_by_role()
    audit = AxeAudit("every-page")
    for language, locale in LANGUAGES.items():
        for size, options in SIZES.items():
            for role, addresses in pages.items():
                context = browser.new_context(locale=locale, **options)
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                page = context.new_page()
                if role:
                    _sign_in(page, live_server.url, role)
                for address in addresses:
                    response = page.goto(live_server.url + address)
                    assert response.ok, f"{role} {address} [{language}, {size}]: {response.status}"
                    page.wait_for_load_state()
                    audit.check(page, who=role or "visitor")
                context.close()
    audit.write_report()
    # Every address was audited in every language and size (none skipped as seen before).
    assert len(audit.seen) == len(LANGUAGES) * len(SIZES) * sum(map(len, pages.values()))
    blocking = audit.blocking()
    assert not blocking, "\n".join(map(str, blocking))
