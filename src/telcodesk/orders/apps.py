from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "telcodesk.orders"
    label = "orders"
    verbose_name = _("Orders and work orders")

    def ready(self) -> None:
        from telcodesk.core.events import register_event_subject
        from telcodesk.notify.services import register_reply_handler
        from telcodesk.orders.jobs import register_orders_jobs
        from telcodesk.orders.models import CustomerOrder, WorkOrder
        from telcodesk.orders.selectors import product_orders as order_selectors
        from telcodesk.orders.selectors import work_orders as work_order_selectors
        from telcodesk.orders.services import product_orders as order_services

        # TMF events reach a listener only if its user could GET the record.
        register_event_subject(CustomerOrder, order_selectors.orders_visible_to)
        register_event_subject(WorkOrder, work_order_selectors.work_orders_visible_to)

        register_orders_jobs()
        register_reply_handler(order_services.handle_confirmation_reply)
