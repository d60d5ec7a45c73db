"""HTTP-level security headers not covered by Django's own middleware, and the
input-cleaning rule every request passes (no NUL characters)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from telcodesk.core import tmf


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


# --- input cleaning -----------------------------------------------------------------------

NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _query_dict_has_nul(data: QueryDict | MultiValueDict[str, Any]) -> bool:
    return any(NUL in key or _has_nul(str(v) for v in data.getlist(key)) for key in data)


def _json_has_nul(node: Any) -> bool:
    if isinstance(node, str):
        return NUL in node
    if isinstance(node, dict):
        return any(NUL in key or _json_has_nul(value) for key, value in node.items())
    if isinstance(node, list):
        return any(_json_has_nul(item) for item in node)
    return False


def nul_byte_in(request: HttpRequest) -> str | None:
    """Where the request carries a NUL character (path, query, cookie, form, JSON), or None.

    No database stores NUL in text (PostgreSQL refuses it outright), no name or
    number contains one, and a filter holding one would fail deep in a query:
    such a request is refused at the edge, whatever view it was meant for.
    File contents of multipart uploads are not text and are not looked at.
    """
    if NUL in request.path_info or NUL in request.path:
        return "path"
    if _query_dict_has_nul(request.GET):
        return "query"
    if _has_nul(request.COOKIES) or _has_nul(request.COOKIES.values()):
        return "cookie"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = (request.content_type or "").lower()
    if content_type in _FORM_TYPES:
        if _query_dict_has_nul(request.POST):
            return "body"
        if any(NUL in (upload.name or "") for name in request.FILES
               for upload in request.FILES.getlist(name)):
            return "body"
        return None
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\x00" in body:
            return "body"
        if b"\\u0000" in body:  # the JSON escape of NUL
            try:
                return "body" if _json_has_nul(json.loads(body)) else None
            except ValueError:
                return None  # not JSON: the view answers that
        return None
    if content_type.startswith("text/") and b"\x00" in request.body:
        return "body"
    return None


class RefuseNulBytesMiddleware:
    """Answers 400 to a request with a NUL character anywhere in its text (``nul_byte_in``).

    The TMF Open API (``/tmf-api/``) answers with a TMF ``Error`` body; pages with
    a plain 400 page. The view is never reached, so nothing is read or written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = nul_byte_in(request)
        if where is None:
            return self.get_response(request)
        if request.path_info.startswith(TMF_PREFIX):
            return tmf.error_response(
                status=400, code=_TMF_CODES[where],
                message=f"the request's {where} contains a NUL character (%00), which no "
                        "attribute, filter or path may hold")
        return HttpResponseBadRequest(
            gettext("Bad request: the address or the form contains a NUL character."),
            content_type="text/plain; charset=utf-8")


TMF_PREFIX = "/tmf-api"
_TMF_CODES = {"path": tmf.TmfErrorCode.BAD_REQUEST, "cookie": tmf.TmfErrorCode.BAD_REQUEST,
              "query": tmf.TmfErrorCode.INVALID_PARAMETER, "body": tmf.TmfErrorCode.INVALID_BODY}
