"""Writes of the orders app, one module per capability: ``product_orders``,
``work_orders``, ``history``. Import the module you need, e.g.
``from telcodesk.orders.services import work_orders as work_order_services``.
"""
