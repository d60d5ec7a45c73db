"""The hotline figures, checked against numbers worked out by hand.

Sixteen calls in the period 2025-09-01 .. 2025-09-03 (Asia/Shanghai), plus two
just outside it:

| #  | day   | time  | queue           | outcome   | wait |
|----|-------|-------|-----------------|-----------|------|
| 1  | 09-01 | 09:10 | 10000-mobile    | answered  | 5    |
| 2  | 09-01 | 09:20 | 10000-mobile    | answered  | 15   | (= threshold: in time)
| 3  | 09-01 | 10:05 | 10000-mobile    | answered  | 16   |
| 4  | 09-01 | 10:30 | 10000-mobile    | abandoned | 3    | (within the 5 s grace)
| 5  | 09-01 | 10:40 | 10000-mobile    | abandoned | 5    | (within the grace, boundary)
| 6  | 09-01 | 14:00 | 10000-mobile    | abandoned | 40   |
| 7  | 09-01 | 14:10 | 10000-mobile    | timeout   | 120  |
| 8  | 09-01 | 09:15 | 10000-repair    | answered  | 18   | (repair's threshold is 20 s)
| 9  | 09-01 | 09:45 | 10000-repair    | answered  | 25   |
| 10 | 09-01 | 21:05 | 10000-repair    | empty     | 0    |
| -  | 09-02 |       | (no calls)      |           |      |
| 11 | 09-03 | 08:00 | 10000-mobile    | answered  | 10   |
| 12 | 09-03 | 08:30 | 10000-repair    | abandoned | 6    | (just over the grace)
| 13 | 09-03 | 23:30 | 10000-night     | answered  | 14   | (unmapped queue: 15 s)
| 14 | 09-03 | 23:50 | 10000-night     | answered  | 30   |
| 15 | 09-03 | 23:55 | 10000-night     | key       | 9    |
| 16 | 09-03 | 12:00 | 10000-mobile    | unknown   | —    | (no exit, no wait)
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from telcodesk.care.errors import CareError
from telcodesk.care.models import SkillGroup
from telcodesk.care.selectors.hotline_stats import (
    hotline_figures,
    hotline_report,
    last_complete_month,
)
from telcodesk.care.services.ivr import do_map_queue, do_update_skill_group
from tests.care.factories_calls import make_call

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2025, 9, 1), dt.date(2025, 9, 4)


def at(day: int, hh: int, mm: int, month: int = 9) -> dt.datetime:
    return dt.datetime(2025, month, day, hh, mm, tzinfo=SH)


def close(value, expected) -> bool:
    return value is not None and abs(value - float(expected)) < 1e-9


@pytest.fixture
def calls(now):
    repair = SkillGroup.objects.get(code="repair")
    do_update_skill_group(now=now, actor=None, group=repair, service_level_seconds=20)
    table = [
        (1, 9, 10, "10000-mobile", "answered", 5),
        (1, 9, 20, "10000-mobile", "answered", 15),
        (1, 10, 5, "10000-mobile", "answered", 16),
        (1, 10, 30, "10000-mobile", "abandoned", 3),
        (1, 10, 40, "10000-mobile", "abandoned", 5),
        (1, 14, 0, "10000-mobile", "abandoned", 40),
        (1, 14, 10, "10000-mobile", "timeout", 120),
        (1, 9, 15, "10000-repair", "answered", 18),
        (1, 9, 45, "10000-repair", "answered", 25),
        (1, 21, 5, "10000-repair", "empty", 0),
        (3, 8, 0, "10000-mobile", "answered", 10),
        (3, 8, 30, "10000-repair", "abandoned", 6),
        (3, 23, 30, "10000-night", "answered", 14),
        (3, 23, 50, "10000-night", "answered", 30),
        (3, 23, 55, "10000-night", "key", 9),
        (3, 12, 0, "10000-mobile", "unknown", None),
    ]
    for day, hh, mm, queue, outcome, wait in table:
        make_call(queue=queue, at=at(day, hh, mm), outcome=outcome, wait=wait)
    # Just outside the period, on both sides (local midnight is the boundary).
    make_call(queue="10000-mobile", at=at(31, 23, 59, month=8), wait=1)
    make_call(queue="10000-mobile", at=at(4, 0, 0), wait=1)


def by_code(figures):
    return {row.group_code: row for row in figures.rows}


def test_figures_by_skill_group(calls):
    figures = hotline_figures(start=START, end=END, by="group")
    rows = by_code(figures)
    assert [r.group_code for r in figures.rows] == ["mobile", "fixed", "repair", "complaint",
                                                    "gov", "vip", None]
    mobile = rows["mobile"]
    assert (mobile.offered, mobile.answered, mobile.abandoned, mobile.abandoned_in_grace,
            mobile.other_exits, mobile.answered_in_threshold) == (9, 4, 3, 2, 2, 3)
    assert close(mobile.avg_answer_seconds, Fraction(46, 4))
    assert mobile.longest_wait_seconds == 120
    assert mobile.timeliness_base == 7
    assert close(mobile.timeliness_rate, Fraction(3, 7))
    assert close(mobile.answer_rate, Fraction(4, 9))
    assert close(mobile.abandon_rate, Fraction(3, 9))
    assert mobile.threshold_seconds == 15

    repair = rows["repair"]
    assert (repair.offered, repair.answered, repair.abandoned, repair.abandoned_in_grace,
            repair.answered_in_threshold, repair.longest_wait_seconds) == (4, 2, 1, 0, 1, 25)
    assert repair.threshold_seconds == 20
    assert close(repair.avg_answer_seconds, 21.5)
    assert close(repair.timeliness_rate, Fraction(1, 4))

    unmapped = rows[None]
    assert (unmapped.offered, unmapped.answered, unmapped.answered_in_threshold) == (3, 2, 1)
    assert unmapped.threshold_seconds == 15
    assert close(unmapped.avg_answer_seconds, 22)
    assert close(unmapped.timeliness_rate, Fraction(1, 3))

    idle = rows["fixed"]
    assert idle.offered == 0
    assert idle.timeliness_rate is None and idle.answer_rate is None  # "no calls", not 0 %
    assert idle.avg_answer_seconds is None and idle.longest_wait_seconds is None

    total = figures.total
    assert (total.offered, total.answered, total.abandoned, total.abandoned_in_grace,
            total.answered_in_threshold, total.longest_wait_seconds) == (16, 8, 4, 2, 5, 120)
    assert close(total.avg_answer_seconds, Fraction(133, 8))
    assert close(total.timeliness_rate, Fraction(5, 14))
    assert close(total.answer_rate, Fraction(8, 16))


def test_figures_by_day_show_the_day_without_calls(calls):
    figures = hotline_figures(start=START, end=END, by="day")
    assert [row.day for row in figures.rows] == [dt.date(2025, 9, d) for d in (1, 2, 3)]
    first, empty, third = figures.rows
    assert (first.offered, first.answered, first.abandoned, first.abandoned_in_grace,
            first.answered_in_threshold, first.longest_wait_seconds) == (10, 5, 3, 2, 3, 120)
    assert close(first.avg_answer_seconds, Fraction(79, 5))
    assert close(first.timeliness_rate, Fraction(3, 8))
    assert empty.offered == 0 and empty.timeliness_rate is None and empty.answer_rate is None
    assert (third.offered, third.answered, third.abandoned, third.answered_in_threshold,
            third.longest_wait_seconds) == (6, 3, 1, 2, 30)
    assert close(third.avg_answer_seconds, 18)
    assert close(third.timeliness_rate, Fraction(2, 6))


def test_figures_by_hour_and_by_queue(calls):
    hours = hotline_figures(start=START, end=END, by="hour")
    assert [row.hour for row in hours.rows] == list(range(24))
    offered = {row.hour: row.offered for row in hours.rows if row.offered}
    assert offered == {8: 2, 9: 4, 10: 3, 12: 1, 14: 2, 21: 1, 23: 3}
    nine = hours.rows[9]
    assert (nine.answered, nine.answered_in_threshold) == (4, 3)  # 25 s on repair is late
    assert hours.rows[0].timeliness_rate is None

    queues = hotline_figures(start=START, end=END, by="queue")
    assert [(r.queue, r.group_code, r.offered) for r in queues.rows] == [
        ("10000-mobile", "mobile", 9), ("10000-night", None, 3), ("10000-repair", "repair", 4)]


def test_short_abandons_counted_when_the_setting_says_so(calls, settings):
    settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS = False
    figures = hotline_figures(start=START, end=END, by="group")
    assert close(by_code(figures)["mobile"].timeliness_rate, Fraction(3, 9))
    assert close(figures.total.timeliness_rate, Fraction(5, 16))


def test_the_grace_period_is_a_setting(calls, settings):
    settings.TELCODESK_HOTLINE_GRACE_SECONDS = 3
    mobile = by_code(hotline_figures(start=START, end=END, by="group"))["mobile"]
    assert mobile.abandoned_in_grace == 1  # 3 s yes, 5 s no longer
    assert close(mobile.timeliness_rate, Fraction(3, 8))


def test_narrowing_to_a_group_or_a_queue(calls):
    repair = hotline_figures(start=START, end=END, group="repair", by="group")
    assert [r.group_code for r in repair.rows] == ["repair"]
    assert repair.total.offered == 4
    night = hotline_figures(start=START, end=END, queue="10000-night", by="day")
    assert [r.offered for r in night.rows] == [0, 0, 3]
    with pytest.raises(CareError, match="unknown skill group 'nope'"):
        hotline_figures(start=START, end=END, group="nope")
    with pytest.raises(CareError, match="unknown queue"):
        hotline_figures(start=START, end=END, queue="10000-nope")


def test_mapping_an_unknown_queue_moves_its_past_calls_to_the_group(calls, now):
    do_map_queue(now=now, actor=None, queue_name="10000-night", group_code="mobile")
    rows = by_code(hotline_figures(start=START, end=END, by="group"))
    assert None not in rows
    assert rows["mobile"].offered == 12
    assert rows["mobile"].answered_in_threshold == 4  # 14 s within mobile's 15 s


def test_aware_instants_and_bad_periods(calls):
    # 2025-09-03 00:00 .. 23:40 local, given in UTC.
    figures = hotline_figures(start=dt.datetime(2025, 9, 2, 16, 0, tzinfo=dt.UTC),
                              end=dt.datetime(2025, 9, 3, 15, 40, tzinfo=dt.UTC), by="day")
    assert [(r.day, r.offered) for r in figures.rows] == [(dt.date(2025, 9, 3), 4)]
    with pytest.raises(CareError, match="ends before it starts"):
        hotline_figures(start=END, end=START)
    with pytest.raises(CareError, match="time zone"):
        hotline_figures(start=dt.datetime(2025, 9, 1), end=END)


def test_no_calls_at_all_gives_no_rates():
    figures = hotline_figures(start=START, end=END, by="group")
    assert figures.total.offered == 0
    assert figures.total.timeliness_rate is None
    assert figures.total.avg_answer_seconds is None
    assert all(row.timeliness_rate is None for row in figures.rows)


def test_each_grouping_is_one_aggregate_query(calls):
    # Grouping by group or queue also reads the (few) skill groups and queues for names.
    for by, expected in (("day", 1), ("hour", 1), ("queue", 3), ("group", 2)):
        with CaptureQueriesContext(connection) as queries:
            hotline_figures(start=START, end=END, by=by)
        assert len(queries) == expected, [q["sql"] for q in queries]
        assert "GROUP BY" in queries[0]["sql"].upper()


@pytest.mark.parametrize(("group", "queue"), [(None, None), ("mobile", None),
                                              (None, "10000-night")])
def test_the_one_scan_report_gives_the_same_figures(calls, group, queue):
    with CaptureQueriesContext(connection) as queries:
        report = hotline_report(start=START, end=END, group=group, queue=queue)
    assert len([q for q in queries if "GROUP BY" in q["sql"].upper()]) == 1
    for by in ("group", "queue", "day", "hour"):
        single = hotline_figures(start=START, end=END, group=group, queue=queue, by=by)
        assert report[by].rows == single.rows, by
        assert report[by].total == single.total, by


def test_json_shape_has_raw_numbers_and_fractions(calls):
    data = hotline_figures(start=START, end=END, by="day").as_dict()
    assert data["period"]["end_exclusive"] is True
    assert data["rows"][1] == data["rows"][1] | {"day": "2025-09-02", "offered": 0,
                                                 "timeliness_rate": None}
    assert data["total"]["offered"] == 16
    assert close(data["total"]["timeliness_rate"], Fraction(5, 14))


def test_last_complete_month():
    assert last_complete_month(dt.date(2025, 9, 30)) == (dt.date(2025, 8, 1), dt.date(2025, 9, 1))
    assert last_complete_month(dt.date(2025, 1, 1)) == (dt.date(2024, 12, 1), dt.date(2025, 1, 1))
