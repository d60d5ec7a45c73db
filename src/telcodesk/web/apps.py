from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "telcodesk.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from telcodesk.web import ratelimit

        ratelimit.register()
