"""Tables of the orders app, one module per capability:

- ``product_orders``  customer orders (TMF622), items, value-added subscriptions, cancellations
- ``work_orders``     teams, work orders / trouble tickets (TMF621), timeline, checklist, files
- ``history``         finished requests imported about lines telcodesk never knew
"""

from telcodesk.orders.models.history import *  # noqa: F403
from telcodesk.orders.models.product_orders import *  # noqa: F403
from telcodesk.orders.models.work_orders import *  # noqa: F403
