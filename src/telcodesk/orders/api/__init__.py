"""The orders app's TMF APIs: TMF621 Trouble Ticket and TMF622 Product Ordering.

``router`` holds both specifications under their own base paths; the root API
mounts it at ``BASE_PATH`` (the API's root).
"""

from ninja import Router

from telcodesk.orders.api import product_orders, trouble_tickets

BASE_PATH = ""

router = Router()
router.add_router(trouble_tickets.BASE_PATH, trouble_tickets.router)
router.add_router(product_orders.BASE_PATH, product_orders.router)
