"""
Wagtail's API tokens (Settings → API tokens) with the academy's rules: a token is issued
only to a person still on the staff, and owners are named with their employee number,
since two colleagues may share a name.

Wagtail registers its token viewset itself and offers no setting to swap it, so the
academy's index and add views are served at the same addresses, ahead of Wagtail's own
(lms.wagtail_hooks registers them first); every other token page stays Wagtail's.
"""

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.users.views import api_tokens as wagtail_tokens

from lms.refusals import Refused
from lms.services.people import api_token_owner_check


def owner_label(user) -> str:
    """王芳（KF1002）: the name and the employee number that tells two 王芳 apart."""
    name = user.get_full_name()
    return f"{name}（{user.employee_no}）" if user.employee_no else name


class OwnerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return owner_label(obj)


class AcademyAPITokenForm(wagtail_tokens.APITokenForm):
    """Owners offered are the active people; one who left meanwhile is refused by name."""

    def __init__(self, *args, manageable_users, **kwargs):
        super().__init__(*args, manageable_users=manageable_users, **kwargs)
        field = OwnerChoiceField(
            queryset=manageable_users.select_related(None).order_by("employee_no", "username"),
            label=_("Owner"),
        )
        # Validated against every manageable person, so a stale choice gets the rule's
        # own message rather than "not a valid choice"; only the active are listed.
        active = field.queryset.filter(is_active=True)
        field.choices = [("", "---------"), *((u.pk, owner_label(u)) for u in active)]
        self.fields["user"] = field
        self.fields["name"].label = _("Token name")

    def clean_user(self):
        owner = self.cleaned_data["user"]
        try:
            api_token_owner_check(owner=owner)
        except Refused as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from None
        return owner


class AcademyAPITokenCreateView(wagtail_tokens.CreateView):
    def get_form_class(self):
        return AcademyAPITokenForm


class AcademyAPITokenIndexView(wagtail_tokens.IndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "prefix", label=_("Token"), get_url=self.get_edit_url
            ),
            Column("name", label=_("Name")),
            Column("owner", accessor=lambda token: owner_label(token.user), label=_("Owner")),
            Column("created", label=_("Created")),
            Column("last_used_at", label=_("Last used")),
            Column("revoked_at", label=_("Revoked")),
        ]


class AcademyAPITokenViewSet(wagtail_tokens.APITokenViewSet):
    index_view_class = AcademyAPITokenIndexView
    add_view_class = AcademyAPITokenCreateView


def api_token_urls():
    """The index, its results and the add form, at Wagtail's own addresses."""
    viewset = AcademyAPITokenViewSet("wagtailusers_api_tokens", url_prefix="api-tokens")
    return [
        path("api-tokens/", viewset.index_view, name="lms_api_tokens"),
        path("api-tokens/results/", viewset.index_results_view, name="lms_api_tokens_results"),
        path("api-tokens/new/", viewset.add_view, name="lms_api_token_add"),
    ]
