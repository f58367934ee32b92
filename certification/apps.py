from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        # Imported here: the modules use models, which exist once the registry is ready.
        from certification import checks  # noqa: F401 - registers the deploy check
        from certification.plugins import register_with_core

        register_with_core()
