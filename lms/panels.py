"""
A panel on the lesson editor telling the trainer, before a lesson's first publication,
whom publishing it reaches: learners who already finished the module get it as a new
lesson with its own due date (lms.selectors.deadlines) rather than being overdue at once.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class PublishReachPanel(Panel):
    """Shown on a lesson never yet published; says nothing once it is live."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "lms/admin/publish_reach_panel.html"

        def _module(self):
            instance = self.instance
            if instance.pk:
                return instance.get_parent()
            match = getattr(self.request, "resolver_match", None)
            parent_id = match.kwargs.get("parent_page_id") if match else None
            if parent_id is None:
                return None
            from wagtail.models import Page

            return Page.objects.filter(pk=parent_id).first()

        def is_shown(self):
            return self.instance.first_published_at is None and super().is_shown()

        def get_context_data(self, parent_context=None):
            # Selectors read the models that use this panel: imported here, not at the top.
            from lms.selectors.deadlines import lesson_publish_reach

            context = super().get_context_data(parent_context)
            module = self._module()
            context["reach"] = lesson_publish_reach(module) if module else None
            return context

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Who publishing reaches"))
        super().__init__(**kwargs)
