"""What the orders API modules share (private to ``orders.api``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from telcodesk.core import tmf
from telcodesk.core.models import User
from telcodesk.core.tmf import ErrorOut
from telcodesk.orders.models import OrderChannel

TICKET_COLLECTION = "troubleTicket-collection"
ORDER_COLLECTION = "productOrder-collection"

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 405, 409, 415)}



def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _require(allowed: bool, what: str) -> None:
    """Refuse a write the user's roles do not allow (``orders.permissions`` decides)."""
    if not allowed:
        raise PermissionDenied(f"your role may read {what} but not change them")



def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


def _created_after(raw: str) -> Q:
    return Q(created_at__gte=tmf.parse_datetime(raw))




def _ticket_base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{TICKET_COLLECTION}"))


def _order_base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{ORDER_COLLECTION}"))



def _request_channel(raw: str | None, default: str) -> str:
    if raw is None:
        return default
    if raw not in OrderChannel.values:
        raise _body_error(f"channel.id: {raw!r} is not one of {', '.join(OrderChannel.values)}")
    return raw
