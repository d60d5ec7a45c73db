from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "telcodesk.quality"
    label = "quality"
    verbose_name = _("Service quality")

    def ready(self) -> None:
        from telcodesk.quality.jobs import register_quality_jobs
        from telcodesk.quality.services.totals import connect_receivers

        register_quality_jobs()
        connect_receivers()
