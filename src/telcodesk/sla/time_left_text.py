"""How a clock's time left reads on a console page: ``3 hours left``, ``paused, 2 days
late``. The pages of work orders and complaints word a stopped clock their own way
and pass that wording in."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def describe_duration(value: dt.timedelta) -> str:
    """``3 hours 20 minutes``, ``1 day 23 hours``, ``25 minutes``: the two largest units,
    the smaller one left out when it is zero. Never reads less than a whole unit more
    than it is: 47 hours 59 minutes left is ``1 day 23 hours``, not ``1 day``."""
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        if hours:
            text = _("%(larger)s %(smaller)s") % {
                "larger": text, "smaller": ngettext("%(n)d hour", "%(n)d hours", hours)
                % {"n": hours}}
        return text
    if hours:
        text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        if minutes:
            text = _("%(larger)s %(smaller)s") % {
                "larger": text, "smaller": ngettext("%(n)d minute", "%(n)d minutes", minutes)
                % {"n": minutes}}
        return text
    minutes = max(1, minutes)
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
