"""HTTP-level security headers not covered by Django's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Adds the ``Content-Security-Policy`` header from ``settings.CONTENT_SECURITY_POLICY``.

    Pages load scripts and styles from ``/static/`` only: no inline script, so
    HTMX is configured through ``hx-*`` attributes and ``static/web/app.js``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
