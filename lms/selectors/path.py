"""
A new hire's path: where a lesson stands in its curriculum (第 n / N 课) and what comes after
it. After the last lesson of a module the next step is the module's quiz while it is not
passed, then the next module, or, after the last module, the go-live exam still to pass: a
lesson that describes the exam leads to it.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from lms.models import LessonCompletion, LessonPage, ModulePage, Quiz
from lms.selectors.course import quiz_states
from lms.selectors.golive import golive_checklist, golive_status_of


@dataclass
class NextStep:
    label: str
    url: str
    kind: str  # lesson, module_rest, module_quiz, module, golive_quiz, dashboard


@dataclass
class LessonPath:
    number: int  # this lesson's place in the curriculum, from 1
    total: int
    next_step: NextStep | None


def lesson_path(*, user, lesson: LessonPage) -> LessonPath:
    """Position and next step for this person, in a fixed handful of queries."""
    module = lesson.get_parent()
    curriculum = module.get_parent()
    lessons = list(
        LessonPage.objects.descendant_of(curriculum)
        .live()
        .order_by("path")
        .only("pk", "title", "url_path", "path")
    )
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    number = index + 1 if index is not None else 0
    if not user.is_authenticated or index is None:
        return LessonPath(number, len(lessons), None)
    return LessonPath(number, len(lessons), _next_step(user, lesson, module, lessons, index))


def _next_step(user, lesson, module, lessons, index) -> NextStep:
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    if following and following.path.startswith(module.path):
        return NextStep(following.title, following.url, "lesson")
    # The module's last lesson: anything of it still undone comes first.
    in_module = [item for item in lessons if item.path.startswith(module.path)]
    done = set(
        LessonCompletion.objects.filter(
            user=user, lesson__in=[item.pk for item in in_module]
        ).values_list("lesson_id", flat=True)
    )
    undone = [item for item in in_module if item.pk not in done and item.pk != lesson.pk]
    if undone:
        return NextStep(
            _("Back to “%(title)s”: %(count)s lessons left")
            % {"title": module.title, "count": len(undone)},
            undone[0].url,
            "module_rest",
        )
    module_quiz = _module_quiz_to_take(user, module)
    if module_quiz is not None:
        return NextStep(
            _("Take the module quiz: %(title)s") % {"title": module_quiz.title},
            module_quiz.url,
            "module_quiz",
        )
    if following:
        next_module = ModulePage.objects.filter(path=following.path[: -ModulePage.steplen]).first()
        title = next_module.title if next_module else following.title
        return NextStep(_("Next module: %(title)s") % {"title": title}, following.url, "module")
    status = golive_status_of(user)
    if status is not None:
        for item in golive_checklist(user=user, status=status):
            if item.quiz and not item.done:
                return NextStep(
                    _("Take the go-live exam: %(title)s") % {"title": item.quiz.title},
                    reverse("lms:quiz", args=[item.quiz.pk]),
                    "golive_quiz",
                )
            if item.requirement and not item.done and item.requirement.start_url:
                return NextStep(item.label, item.requirement.start_url, "golive_requirement")
    return NextStep(_("Back to my learning"), reverse("lms:dashboard"), "dashboard")


def _module_quiz_to_take(user, module):
    """The module's end-of-module quiz while this person has not passed it, else None."""
    quiz = Quiz.objects.filter(modules=module.pk).first()
    if quiz is None:
        return None
    state = quiz_states(user=user, quizzes=[quiz])[quiz.pk]
    return None if state.passed else state
