from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "telcodesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from telcodesk.core.jobs import register_core_jobs
        from telcodesk.core.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        register_core_jobs()
