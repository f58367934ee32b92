"""
The CMS side of refreshers: a trainer marks a product changed (标记产品变更) from the
product listing, choosing the lessons and questions that changed among those about the
product; imported by cases.wagtail_hooks.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from cases.models import Product
from cases.refreshers.services import product_change_mark
from lms.converters import LARGEST_ID
from lms.models import LessonPage, Question
from lms.refusals import Refused


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of rows: a value past a primary key's range is refused, not sent to the
    database (SQLite would overflow: lms.converters)."""

    def _check_values(self, value):
        for pk in value:
            if not (str(pk).isascii() and str(pk).isdigit()) or int(pk) > LARGEST_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )  # fmt: skip
        return super()._check_values(value)


class ProductChangeForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What changed"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Learners read this first, in their refresher."),
    )
    lessons = IdsChoiceField(
        label=gettext_lazy("Changed lessons"),
        queryset=LessonPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions = IdsChoiceField(
        label=gettext_lazy("Changed questions"),
        queryset=Question.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The refresher quiz draws up to five of them."),
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("Days to complete"), min_value=1, max_value=90, initial=7
    )

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lessons"].queryset = product.lessons.live().order_by("path")
        self.fields["questions"].queryset = product.questions.order_by("pk")


class ProductChangeView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission_required = "cases.add_productchange"
    raise_exception = True
    form_class = ProductChangeForm
    template_name = "cases/admin/product_change.html"
    page_title = gettext_lazy("Mark the product changed")
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(Product, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.product.name

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("wagtailsnippets_cases_product:list"), "label": _("Products")},
            {"url": "", "label": self.product.name},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "product": self.product}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "product": self.product}

    def form_valid(self, form):
        try:
            change = product_change_mark(
                product=self.product,
                summary=form.cleaned_data["summary"],
                lessons=form.cleaned_data["lessons"],
                questions=form.cleaned_data["questions"],
                due_days=form.cleaned_data["due_days"],
                by=self.request.user,
            )
        except Refused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(product)s” marked changed: %(count)s people were assigned a refresher.")
            % {"product": self.product.name, "count": change.refreshers.count()},
        )
        return redirect("wagtailsnippets_cases_product:list")


@hooks.register("register_admin_urls")
def _product_change_urls():
    return [
        path("products/<id:pk>/changed/", ProductChangeView.as_view(), name="cases_product_changed")
    ]


@hooks.register("register_snippet_listing_buttons")
def _product_change_button(snippet, user, next_url=None):
    if isinstance(snippet, Product) and user.has_perm("cases.add_productchange"):
        yield Button(
            _("Mark changed"), reverse("cases_product_changed", args=[snippet.pk]), priority=30
        )
