from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "telcodesk.sla"
    label = "sla"
    verbose_name = _("Time limits")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from telcodesk.sla.jobs import register_sla_jobs
        from telcodesk.sla.models import ServiceStandard
        from telcodesk.sla.selectors import forget_standards

        register_sla_jobs()
        # standard_in_force remembers its answers for the transaction (core.memo).
        post_save.connect(forget_standards, sender=ServiceStandard,
                          dispatch_uid="sla.forget_standards.save")
        post_delete.connect(forget_standards, sender=ServiceStandard,
                            dispatch_uid="sla.forget_standards.delete")
