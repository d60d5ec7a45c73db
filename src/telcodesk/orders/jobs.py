"""Periodic jobs of the orders app, run by the clock process (see ``OrdersConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from telcodesk.core.scheduler import Job, register
from telcodesk.orders.services import product_orders as order_services
from telcodesk.orders.services import work_orders as work_order_services


def register_orders_jobs() -> None:
    # Value-added service orders not confirmed in their window are cancelled.
    register(Job("orders.expire_unconfirmed", dt.timedelta(minutes=1),
                 order_services.expire_unconfirmed))
    # Resolved repairs nobody confirmed or reopened close.
    register(Job("orders.close_resolved", dt.timedelta(minutes=15),
                 work_order_services.close_unconfirmed_repairs))
