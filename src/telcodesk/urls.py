"""Top-level URL map.

- ``/``            landing page (web)
- ``/console/``    staff console; each app contributes its ``console_patterns``
- ``/tmf-api/``    TMF Open API (one django-ninja API, one router per specification)
- ``/admin/``      Django admin for reference data
"""

from django.contrib import admin
from django.urls import include, path

from telcodesk.api import api
from telcodesk.care import urls as care_urls
from telcodesk.core import urls as core_urls
from telcodesk.customers import urls as customer_urls
from telcodesk.notify import urls as notify_urls
from telcodesk.orders import urls as orders_urls
from telcodesk.quality import urls as quality_urls
from telcodesk.web import urls as web_urls

console_patterns = [
    *web_urls.console_patterns,
    *core_urls.console_patterns,
    *customer_urls.console_patterns,
    *notify_urls.console_patterns,
    *orders_urls.console_patterns,
    *care_urls.console_patterns,
    *quality_urls.console_patterns,
]

urlpatterns = [
    path("", include(web_urls.public_patterns)),
    path("my/", include((care_urls.public_patterns, "my"))),
    path("console/", include((console_patterns, "console"))),
    path("tmf-api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("standards/", include(quality_urls.public_patterns)),
]

handler403 = "telcodesk.web.views.error_403"
handler404 = "telcodesk.web.views.error_404"
handler500 = "telcodesk.web.views.error_500"
