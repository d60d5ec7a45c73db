from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "telcodesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from telcodesk.core import panels
        from telcodesk.notify.jobs import register_notify_jobs
        from telcodesk.notify.models import MessageTemplate
        from telcodesk.notify.selectors import customer_page_panel
        from telcodesk.notify.services import forget_templates

        register_notify_jobs()
        # template_for remembers the templates for the transaction (core.memo).
        post_save.connect(forget_templates, sender=MessageTemplate,
                          dispatch_uid="notify.forget_templates.save")
        post_delete.connect(forget_templates, sender=MessageTemplate,
                            dispatch_uid="notify.forget_templates.delete")
        # The customer page (customers, below notify) shows the customer's latest SMS.
        panels.contribute(panels.CUSTOMER_PAGE, customer_page_panel)
