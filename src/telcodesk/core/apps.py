from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "telcodesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from telcodesk.core.events import forget_listeners
        from telcodesk.core.jobs import register_core_jobs
        from telcodesk.core.models import HubRegistration
        from telcodesk.core.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        # has_listeners remembers its answer for the transaction (core.memo).
        post_save.connect(forget_listeners, sender=HubRegistration,
                          dispatch_uid="core.forget_listeners.save")
        post_delete.connect(forget_listeners, sender=HubRegistration,
                            dispatch_uid="core.forget_listeners.delete")
        register_core_jobs()
