"""Reads of the orders app, one module per capability: ``product_orders``, ``work_orders``."""
