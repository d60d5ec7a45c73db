from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "telcodesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from telcodesk.core import panels
        from telcodesk.notify.jobs import register_notify_jobs
        from telcodesk.notify.selectors import customer_page_panel

        register_notify_jobs()
        # The customer page (customers, below notify) shows the customer's latest SMS.
        panels.contribute(panels.CUSTOMER_PAGE, customer_page_panel)
