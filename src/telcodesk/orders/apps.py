import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "telcodesk.orders"
    label = "orders"
    verbose_name = _("Orders and work orders")

    def ready(self) -> None:
        from telcodesk.core.events import register_event_subject
        from telcodesk.core.scheduler import Job, register
        from telcodesk.notify.services import register_reply_handler
        from telcodesk.orders.models import CustomerOrder, WorkOrder
        from telcodesk.orders.selectors import work_orders as selectors
        from telcodesk.orders.services import work_orders as services

        # TMF events reach a listener only if its user could GET the record.
        register_event_subject(CustomerOrder, selectors.orders_visible_to)
        register_event_subject(WorkOrder, selectors.work_orders_visible_to)

        register(Job("orders.expire_unconfirmed", dt.timedelta(minutes=1),
                     services.expire_unconfirmed))
        register(Job("orders.close_resolved", dt.timedelta(minutes=15),
                     services.close_unconfirmed_repairs))
        register_reply_handler(services.handle_confirmation_reply)
