"""How a clock's time left reads on a console page: ``3 hours left``, ``paused, 2 days
late``. The pages of work orders and complaints word a stopped clock their own way
and pass that wording in."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_UNITS = (
    (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
    (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
    (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
)


def describe_duration(value: dt.timedelta) -> str:
    """``3 hours 20 minutes``, ``1 day 23 hours``, ``25 minutes``: the two largest units,
    the smaller one left out when it is zero. Never reads less than a whole unit more
    than it is: 47 hours 59 minutes left is ``1 day 23 hours``, not ``1 day``."""
    seconds = max(60, abs(int(value.total_seconds())))  # at least a minute
    for index, (size, words) in enumerate(_UNITS):
        if seconds >= size:
            text = words(seconds // size) % {"n": seconds // size}
            if index + 1 < len(_UNITS):
                smaller_size, smaller_words = _UNITS[index + 1]
                smaller = seconds % size // smaller_size
                if smaller:
                    text = _("%(larger)s %(smaller)s") % {
                        "larger": text, "smaller": smaller_words(smaller) % {"n": smaller}}
            return text
    raise AssertionError("unreachable: at least a minute")


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
