"""The TMF Open API: one django-ninja API, one router per TMF specification."""

from ninja import NinjaAPI

api = NinjaAPI(title="telcodesk TMF Open API", version="4.0.0", urls_namespace="tmf")
