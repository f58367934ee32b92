"""
The question bank in the CMS: a form that shows only the chosen kind's fields and refuses
questions that cannot be marked, a learner's-eye preview, and import and export buttons.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from lms.models import Question, QuestionCategory
from lms.models.question_rules import MESSAGES, question_problems
from lms.search.admin import ChineseChooserSearchMixin, ChineseSearchMixin
from lms.selectors.question_bank import questions_for_export
from lms.services.question_bank import QuestionFileError, question_file_import, questions_workbook


class QuestionAdminForm(WagtailAdminModelForm):
    """Checks the options (an inline formset the model cannot see) with the model's rule."""

    class Media:
        js = ["js/question_form.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two clear answers instead of Django's "unknown / yes / no" select.
        self.fields["true_false_answer"].widget = forms.RadioSelect(
            choices=[("True", _("True")), ("False", _("False"))]
        )

    def _kept_choices(self) -> list[tuple[str, bool]]:
        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return []
        return [
            (form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct")))
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            code = question_problems(kind=kind, choices=self._kept_choices()).get("choices")
            if code:
                self.add_error(None, MESSAGES[code])
        return cleaned


def _for(kinds: str) -> dict:
    return {"data-question-kinds": kinds}


question_edit_handler = ObjectList(
    [
        FieldPanel("category"),
        FieldPanel("kind"),
        FieldPanel("prompt"),
        FieldPanel("points"),
        FieldPanel("tags"),
        InlinePanel(
            "choices",
            label=_("Options"),
            help_text=_("Tick the correct option (single choice: exactly one)."),
            attrs=_for("single multiple"),
        ),
        FieldPanel("true_false_answer", attrs=_for("true_false")),
        MultiFieldPanel(
            [FieldPanel("required_phrases"), FieldPanel("forbidden_phrases"), FieldPanel("rubric")],
            heading=_("Written reply"),
            attrs=_for("written"),
        ),
        FieldPanel("explanation"),
    ],
    base_form_class=QuestionAdminForm,
)


QUESTION_SEARCH_FIELDS = ("prompt", "explanation", "category__name")


class QuestionIndexView(ChineseSearchMixin, IndexView):
    chinese_search_fields = QUESTION_SEARCH_FIELDS

    @cached_property
    def header_buttons(self):
        # Beside "add", not in the "more" menu: importing is how most questions arrive.
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("lms.add_question"):
            buttons.append(
                HeaderButton(
                    _("Import questions"), url=reverse("lms_question_import"), icon_name="upload"
                )
            )
        # The export follows the listing's category filter: the bank, or the category shown.
        export_url = reverse("lms_question_export")
        if self.request.GET.get("category", "").isdigit():
            export_url += "?category=" + self.request.GET["category"]
        buttons.append(HeaderButton(_("Export to Excel"), url=export_url, icon_name="download"))
        return buttons


class QuestionChooseView(ChineseChooserSearchMixin, snippet_chooser.ChooseView):
    chinese_search_fields = QUESTION_SEARCH_FIELDS


class QuestionChooseResultsView(ChineseChooserSearchMixin, snippet_chooser.ChooseResultsView):
    chinese_search_fields = QUESTION_SEARCH_FIELDS


class QuestionChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    index_view_class = QuestionIndexView
    edit_handler = question_edit_handler
    list_display = ["__str__", "category", "kind", "points"]
    list_filter = ["category", "kind"]
    search_fields = ["prompt"]
    chooser_viewset_class = QuestionChooserViewSet


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Question file"),
        help_text=_(
            "The Excel template (.xlsx), or Moodle's GIFT or Aiken format (.txt). "
            "Nothing is saved unless every question is valid."
        ),
    )
    category = forms.ModelChoiceField(
        QuestionCategory.objects.all(),
        label=_("Category"),
        required=False,
        help_text=_(
            "For questions whose file names no category (Aiken always, GIFT without $CATEGORY)."
        ),
    )
    create_missing_categories = forms.BooleanField(
        label=_("Create categories that do not exist yet"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".txt", ".gift")):
            raise forms.ValidationError(
                _("Only .xlsx (the template), GIFT and Aiken .txt files can be imported.")
            )
        return upload


class QuestionImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """
    Checks the whole file and saves it at once, in the request: 500 questions import well
    within a request's time (test_five_hundred_questions_import_in_the_request), so unlike
    the staff import there is no background job.
    """

    permission_required = "lms.add_question"
    raise_exception = True
    template_name = "lms/admin/question_import.html"
    form_class = QuestionImportForm
    page_title = _("Import questions")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("wagtailsnippets_lms_question:list"), "label": _("Question bank")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        category = form.cleaned_data["category"]
        try:
            result = question_file_import(
                name=upload.name,
                content=upload.read(),
                default_category=category.name if category else "",
                create_missing_categories=form.cleaned_data["create_missing_categories"],
            )
        except QuestionFileError as exc:
            form.add_error("file", exc.problem.message)
            return self.form_invalid(form)
        if result.problems:
            return self.render_to_response(
                self.get_context_data(form=form, problems=result.problems)
            )
        messages.success(
            self.request,
            ngettext(
                "%(count)s question imported.", "%(count)s questions imported.", result.created
            )
            % {"count": result.created},
        )
        return redirect("wagtailsnippets_lms_question:list")


@permission_required("lms.add_question", raise_exception=True)
def question_import_template(request):
    """The Excel template with an example question of each kind."""
    return _xlsx_response(questions_workbook(None), "question-template.xlsx")


@permission_required("lms.view_question", raise_exception=True)
def question_export(request):
    """The bank, or one category (?category=<id>), in the import template's columns."""
    form = QuestionExportForm(request.GET)
    if not form.is_valid():
        # A category that is not one (a typo'd or stale link): say so, never a 500.
        return HttpResponseBadRequest(form.errors.get("category", [_("Unknown category.")])[0])
    category = form.cleaned_data["category"]
    questions = questions_for_export(category_id=category.pk if category else None)
    return _xlsx_response(questions_workbook(questions), "questions.xlsx")


class QuestionExportForm(forms.Form):
    """What the export link may carry: an existing category, or none for the whole bank."""

    category = forms.ModelChoiceField(queryset=QuestionCategory.objects.all(), required=False)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
