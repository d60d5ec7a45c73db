from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "telcodesk.care"
    label = "care"
    verbose_name = _("Hotline and complaints")

    def ready(self) -> None:
        # Complaint jobs and the survey reply handler are registered by
        # telcodesk.care.services.complaints.register (kept there with the rules).
        from telcodesk.care.services import register

        register()
