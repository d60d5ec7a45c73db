"""Authentication of the TMF Open API.

Two ways in, tried in this order:

1. ``Authorization: Bearer tdk_...`` — an API token (``telcodesk token create
   USERNAME``). A token that is unknown, revoked or belongs to an inactive user
   is refused with 401 at once, even when a session cookie is also present.
2. The staff console's session cookie, so a logged-in staff member can open
   ``/tmf-api/...`` in the browser. Unsafe methods (POST, PATCH, ...) through a
   session need Django's CSRF token, as any console form does.

Either way ``request.user`` is the authenticated staff user, so selectors scope
the answer to that user's branch subtree.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from telcodesk.core import clock
from telcodesk.core.models import User
from telcodesk.core.selectors import active_token
from telcodesk.core.services import do_touch_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Bearer tokens issued by ``core.services.do_issue_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = active_token(token.strip())
        if found is None:
            raise AuthenticationError(message="the bearer token is unknown or revoked")
        do_touch_token(now=clock.now(), token=found)
        request.user = found.user
        return found.user


class ConsoleSessionAuth(AuthBase):
    """The staff console's login session (cookie), CSRF-checked for unsafe methods."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and not getattr(
            request, "_ninja_csrf_exempt", False
        ) and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return user


token_auth = TokenAuth()
session_auth = ConsoleSessionAuth()

# The authentication of every TMF resource (``NinjaAPI(auth=API_AUTH)``).
API_AUTH = [token_auth, session_auth]
