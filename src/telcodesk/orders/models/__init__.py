from telcodesk.orders.models.work_orders import *  # noqa: F403
