"""What the orders views modules share (private to ``orders.views``)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from django.utils.translation import gettext as _

from telcodesk.core.models import User
from telcodesk.sla import time_left_text


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_fragment_request(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def describe_time_left(left: dt.timedelta | None, status: str) -> str:
    return time_left_text.describe_time_left(
        left, status,
        stopped_early=_("finished %(d)s early"), stopped_late=_("finished %(d)s late"))

