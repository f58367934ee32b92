"""
Quiz statistics in the CMS: per quiz, the learners' results (the spread of scores, who
passed, each learner's counted attempt) and the per-question difficulty, filtered by
cohort, team and date, and the learners' table downloadable as it is filtered. Learners
are those the viewer may read by name (lms.selectors.people.learners_visible_to).
"""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.exports import spreadsheet_text, table_response
from lms.filters import QuizResultsFilter
from lms.formatting import percent_display
from lms.models import Attempt, Quiz
from lms.selectors.people import learners_visible_to
from lms.selectors.quiz_stats import (
    quiz_learner_results,
    quiz_question_stats,
    quiz_summary,
    quizzes_with_results,
)

LEARNERS_PAGE_SIZE = 50


class QuizStatsPermissionMixin(PermissionRequiredMixin):
    permission_required = "lms.view_quiz"
    raise_exception = True


class QuizStatsIndexView(QuizStatsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/admin/quiz_stats_index.html"
    page_title = gettext_lazy("Quiz statistics")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "quizzes": quizzes_with_results()}


def _filtered_attempts(request, quiz):
    """The quiz's attempts by learners the viewer may see, narrowed by the filters."""
    attempts = Attempt.objects.filter(
        quiz=quiz, user__in=learners_visible_to(request.user).values("pk")
    )
    # A filter value that does not validate is reported on its field and left out.
    filterset = QuizResultsFilter(request.GET, queryset=attempts, request=request)
    return filterset, filterset.qs


class QuizStatsView(QuizStatsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """How the learners did, and which questions they get wrong and with which option."""

    template_name = "lms/admin/quiz_stats.html"
    page_title = gettext_lazy("Quiz statistics")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("lms_quiz_stats_index"), "label": _("Quiz statistics")},
            {"url": "", "label": self.quiz.title},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_object_or_404(Quiz, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.quiz.title

    def get_context_data(self, **kwargs):
        filterset, attempts = _filtered_attempts(self.request, self.quiz)
        results = quiz_learner_results(self.quiz, attempts)
        page = Paginator(results, LEARNERS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "quiz": self.quiz,
            "form": filterset.form,
            "query": query.urlencode(),
            "summary": quiz_summary(self.quiz, results),
            "page": page,
            "stats": quiz_question_stats(self.quiz, attempts),
        }


def _result_label(result) -> str:
    if result.counted is None:
        return _("Awaiting review") if result.awaiting_review else _("Not finished")
    return _("Passed") if result.passed else _("Not passed")


@permission_required("lms.view_quiz", raise_exception=True)
def quiz_stats_export(request, pk, fmt):
    """The learners' table as filtered on the page: the same counted results and formats."""
    quiz = get_object_or_404(Quiz, pk=pk)
    _filterset, attempts = _filtered_attempts(request, quiz)
    results = quiz_learner_results(quiz, attempts)

    def rows():
        for result in results:
            user = result.user
            submitted = result.last_submitted_at
            yield [
                spreadsheet_text(user.employee_no or ""),
                spreadsheet_text(user.get_full_name()),
                spreadsheet_text(user.team.name if user.team else ""),
                percent_display(result.percent),
                _result_label(result),
                result.attempts_used,
                timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "",
            ]

    headers = [
        _("Employee number"),
        _("Name"),
        _("Team"),
        _("Score"),
        pgettext("result", "Outcome"),
        _("Attempts"),
        _("Last handed in"),
    ]
    return table_response(
        fmt=fmt,
        filename=f"quiz-{quiz.pk}-results.{fmt}",
        headers=headers,
        rows=rows(),
        sheet_title=_("Quiz statistics"),
    )
