"""The one place that reads the time.

Domain code never calls ``timezone.now()``: the edge (a view, a task, a command)
asks this module for ``now`` and passes it down. Tests freeze time by passing
their own instant, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    """The current aware instant."""
    return timezone.now()


def wall_clock() -> dt.datetime:
    """The current aware instant (UTC) for programs that run without Django settings,
    such as the SMS-centre simulator's own process."""
    return dt.datetime.now(dt.UTC)


def operator_zone() -> ZoneInfo:
    """The operator's time zone (``TELCODESK_TIME_ZONE``)."""
    return ZoneInfo(settings.TIME_ZONE)


def local(instant: dt.datetime) -> dt.datetime:
    """An aware instant seen in the operator's zone."""
    if timezone.is_naive(instant):
        raise ValueError("naive datetime given where an aware instant is required")
    return instant.astimezone(operator_zone())


def today() -> dt.date:
    """Today's date in the operator's zone."""
    return local(now()).date()


def make_aware(value: dt.datetime) -> dt.datetime:
    """Attach the operator's zone to a naive local datetime (as typed by a user)."""
    if timezone.is_aware(value):
        return value
    return value.replace(tzinfo=operator_zone())
