"""Curriculum pages in the CMS: tree rules, sign-in, progress and feedback."""

from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cases.models import CaseLibraryPage
from lms.models import (
    AcademyHomePage,
    CurriculumPage,
    FeedbackFormField,
    FeedbackFormPage,
    LessonPage,
    ModulePage,
)
from lms.services.learning import lesson_complete
from tests.factories.learning import build_curriculum


class PageTreeRules(WagtailPageTestCase):
    def test_curricula_hold_modules_which_hold_lessons_and_feedback(self):
        self.assertAllowedSubpageTypes(AcademyHomePage, {CurriculumPage, CaseLibraryPage})
        self.assertAllowedSubpageTypes(CurriculumPage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage, FeedbackFormPage})
        self.assertAllowedSubpageTypes(LessonPage, set())


def test_training_pages_ask_visitors_to_sign_in(db, client):
    curriculum = build_curriculum()
    response = client.get(curriculum.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_curriculum_page_shows_progress_per_module(academy, login):
    curriculum = build_curriculum(modules=2, lessons=2)
    lesson_complete(
        user=academy.agent_a, lesson=LessonPage.objects.descendant_of(curriculum).first()
    )
    page = login(academy.agent_a).get(curriculum.url).content.decode()
    assert "已完成 1 / 4 个课时" in page
    assert "模块1" in page and "第2.2课" in page


def test_marking_a_lesson_done_twice_keeps_one_completion_and_moves_on(academy, login):
    curriculum = build_curriculum(modules=1, lessons=2)
    first, second = LessonPage.objects.descendant_of(curriculum).order_by("path")
    client = login(academy.agent_a)
    for _ in range(2):
        response = client.post(reverse("lms:lesson_complete", args=[first.pk]))
    assert response["Location"] == second.url
    assert first.completions.filter(user=academy.agent_a).count() == 1


def test_module_feedback_is_stored_for_trainers_to_read(academy, login):
    curriculum = build_curriculum(modules=1, lessons=1)
    module = ModulePage.objects.child_of(curriculum).get()
    form_page = module.add_child(instance=FeedbackFormPage(title="培训反馈", slug="feedback"))
    field = FeedbackFormField.objects.create(page=form_page, label="建议", field_type="multiline")
    field.refresh_from_db()
    login(academy.newhire_a).post(form_page.url, {field.clean_name: "多一些情景演练"})
    submissions = form_page.get_submission_class().objects.filter(page=form_page)
    assert submissions.count() == 1
    assert "多一些情景演练" in str(submissions.get().form_data)
    trainer_view = login(academy.trainer).get(
        reverse("wagtailforms:list_submissions", args=[form_page.pk])
    )
    assert trainer_view.status_code == 200


def test_trainers_preview_a_new_and_an_existing_lesson(academy, login):
    curriculum = build_curriculum(modules=1, lessons=1)
    module = ModulePage.objects.child_of(curriculum).get()
    lesson = LessonPage.objects.child_of(module).get()
    client = login(academy.trainer)
    data = nested_form_data(
        {
            "title": "预览课",
            "slug": "preview-lesson",
            "summary": "摘要",
            "estimated_minutes": "10",
            "body": streamfield(
                [
                    ("standard", {"title": "响应时效", "value": "30秒内响应", "detail": ""}),
                    ("paragraph", rich_text("<p>先<b>致歉</b>，再给方案。</p>")),
                ]
            ),
        }
    )
    new_url = reverse("wagtailadmin_pages:preview_on_add", args=["lms", "lessonpage", module.pk])
    edit_url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    for url in (new_url, edit_url):
        assert client.post(url, data).json()["is_valid"], url
        preview = client.get(url)
        assert preview.status_code == 200, url
        assert "30秒内响应" in preview.content.decode()
        assert "先<b>致歉</b>，再给方案。" in preview.content.decode()


def test_trainers_preview_curriculum_and_module_pages(academy, login):
    curriculum = build_curriculum(modules=1, lessons=1)
    module = ModulePage.objects.child_of(curriculum).get()
    client = login(academy.trainer)
    curriculum_data = nested_form_data(
        {
            "title": "新员工入职培训（草稿）",
            "slug": curriculum.slug,
            "kind": "onboarding",
            "audience": "新人",
            "expected_days": "30",
            "intro": rich_text("<p>三十天上线。</p>"),
            "golive_requires_signoff": "on",
        }
    )
    module_data = nested_form_data(
        {"title": "模块一（草稿）", "slug": module.slug, "due_offset_days": "5"}
    )
    cases = [(curriculum, curriculum_data), (module, module_data)]
    for page, data in cases:
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        assert client.post(url, data).json()["is_valid"], page
        preview = client.get(url)
        assert preview.status_code == 200
        assert "（草稿）" in preview.content.decode()
