"""How time left reads on the console: never less than it is by a whole unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from telcodesk.sla.time_left_text import describe_duration, describe_time_left

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@pytest.mark.parametrize(("value", "english", "chinese"), [
    (47 * H + 59 * M, "1 day 23 hours", "1 天 23 小时"),  # a 48-hour limit, just opened
    (48 * H, "2 days", "2 天"),
    (3 * H + 20 * M, "3 hours 20 minutes", "3 小时 20 分钟"),
    (2 * H, "2 hours", "2 小时"),
    (25 * M, "25 minutes", "25 分钟"),
    (dt.timedelta(seconds=20), "1 minute", "1 分钟"),
])
def test_two_units_so_nothing_reads_a_day_shorter(value, english, chinese):
    with translation.override("en"):
        assert describe_duration(value) == english
        assert describe_duration(-value) == english
    with translation.override("zh-hans"):
        assert describe_duration(value) == chinese


def test_left_late_and_paused():
    with translation.override("zh-hans"):
        assert describe_time_left(47 * H + 59 * M, "ok", stopped_early="", stopped_late="") \
            == "剩余 1 天 23 小时"
    with translation.override("en"):
        assert describe_time_left(-(26 * H), "breached", stopped_early="",
                                  stopped_late="") == "1 day 2 hours late"
        assert describe_time_left(None, "none", stopped_early="", stopped_late="") \
            == "no time limit"
