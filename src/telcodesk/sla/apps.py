from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "telcodesk.sla"
    label = "sla"
    verbose_name = _("Time limits")

    def ready(self) -> None:
        from telcodesk.sla.jobs import register_sla_jobs

        register_sla_jobs()
