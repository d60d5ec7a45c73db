from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "telcodesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from telcodesk.notify.jobs import register_notify_jobs

        register_notify_jobs()
