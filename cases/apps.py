from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Case library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the modules use models, which exist once the registry is ready.
        from cases.plugins import register_with_core

        register_with_core()
