"""How a clock's time left reads on a console page: ``3 hours left``, ``paused, 2 days
late``. The pages of work orders and complaints word a stopped clock their own way
and pass that wording in."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def describe_duration(value: dt.timedelta) -> str:
    """``3 hours``, ``2 days``, ``25 minutes``: the largest whole unit, for a glance."""
    seconds = abs(int(value.total_seconds()))
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def describe_time_left(left: dt.timedelta | None, status: str, *, stopped_early: str,
                       stopped_late: str) -> str:
    """``left`` (negative: late) of a clock in ``status``; a stopped clock reads
    ``stopped_early`` or ``stopped_late`` (translated texts with ``%(d)s``)."""
    if left is None:
        return _("no time limit")
    if status == "stopped":
        return (stopped_early if left >= dt.timedelta(0)
                else stopped_late) % {"d": describe_duration(left)}
    if left < dt.timedelta(0):
        text = _("%(d)s late") % {"d": describe_duration(left)}
    else:
        text = _("%(d)s left") % {"d": describe_duration(left)}
    return _("paused, %(t)s") % {"t": text} if status == "paused" else text
