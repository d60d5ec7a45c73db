"""The TMF Open API: one django-ninja API, one router per TMF specification.

Every resource answers errors with the TMF ``Error`` body (``core.tmf``) and
authenticates with a bearer token or the console session (``core.api_auth``).
Add a specification's router with ``api.add_router(<app>.api.BASE_PATH, router)``.
"""

from telcodesk.care import api as care_api
from telcodesk.core.api_auth import API_AUTH
from telcodesk.core.tmf import TmfNinjaAPI
from telcodesk.customers import api as customers_api
from telcodesk.notify import api as notify_api
from telcodesk.orders import api as orders_api

api = TmfNinjaAPI(
    title="telcodesk TMF Open API",
    version="4.0.0",
    urls_namespace="tmf",
    auth=API_AUTH,
    # /tmf-api/docs (Swagger UI, from local static files since "ninja" is an
    # installed app) and /tmf-api/openapi.json are public: they hold no data.
)

api.add_router(customers_api.BASE_PATH, customers_api.router)
api.add_router(notify_api.BASE_PATH, notify_api.router)
api.add_router(orders_api.BASE_PATH, orders_api.router)
api.add_router(care_api.BASE_PATH, care_api.router)
