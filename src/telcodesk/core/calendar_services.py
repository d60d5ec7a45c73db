"""Writes of the working calendar: holiday notices and single-day overrides.

Every function is ``do_*``, takes keyword-only arguments and ``now`` from the
caller, runs in one transaction and leaves an entry in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from telcodesk.core.calendar import PACKAGE, CalendarNotCovered
from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.models import CalendarDay, HolidayNotice, User
from telcodesk.core.selectors import may_edit_calendar
from telcodesk.core.services import do_audit

# A notice day: (date, is it a working day, name such as "春节" or "春节调休").
NoticeDay = tuple[dt.date, bool, str]

FIRST_YEAR = 1949
LAST_YEAR = 2999


def _check_actor(actor: User | None) -> None:
    """``None`` is the system or the command line; a person needs the calendar role."""
    if actor is not None and not may_edit_calendar(actor):
        raise CoreError(CoreErrorCode.FORBIDDEN,
                        _("only a quality manager or an administrator may change the calendar"))


def _day_label(is_working_day: bool) -> str:
    return "workday" if is_working_day else "holiday"


@transaction.atomic
def do_enter_holiday_notice(
    *,
    now: dt.datetime,
    actor: User | None,
    year: int,
    title: str,
    source: str,
    days: Sequence[NoticeDay],
    channel: str,
) -> HolidayNotice:
    """Record a year's State Council holiday notice and its days; the year becomes covered.

    Refused: a year the ``chinesecalendar`` package already covers (correct single
    days with ``do_set_calendar_day`` instead), a year that already has a notice,
    an empty list of days, a day outside the year, a date listed twice, and a
    working day that is not a Saturday or Sunday (only weekends are adjusted).
    """
    _check_actor(actor)
    title = title.strip()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CoreError(CoreErrorCode.INVALID,
                        _("%(year)s is not a plausible year") % {"year": year})
    if year in PACKAGE.years:
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(year)s is already covered by the holiday data shipped with telcodesk; "
              "correct single days instead") % {"year": year},
        )
    if HolidayNotice.objects.filter(year=year).exists():
        raise CoreError(CoreErrorCode.CONFLICT,
                        _("the holiday notice for %(year)s is already entered") % {"year": year})
    if not title:
        raise CoreError(CoreErrorCode.INVALID, _("the notice needs a title"))
    if not days:
        raise CoreError(CoreErrorCode.INVALID, _("the notice lists no days"))
    seen: set[dt.date] = set()
    for day, is_working_day, _name in days:
        if day.year != year:
            raise CoreError(
                CoreErrorCode.INVALID,
                _("%(date)s is not in %(year)s") % {"date": day.isoformat(), "year": year},
            )
        if day in seen:
            raise CoreError(CoreErrorCode.INVALID,
                            _("%(date)s is listed twice") % {"date": day.isoformat()})
        seen.add(day)
        if is_working_day and day.weekday() < 5:
            raise CoreError(
                CoreErrorCode.INVALID,
                _("%(date)s is a weekday: only a Saturday or Sunday can be an adjusted "
                  "working day") % {"date": day.isoformat()},
            )
    taken = sorted(CalendarDay.objects.filter(date__in=seen).values_list("date", flat=True))
    if taken:
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(date)s already has an override") % {"date": taken[0].isoformat()},
        )
    try:
        with transaction.atomic():
            notice = HolidayNotice.objects.create(
                year=year, title=title, source=source.strip(), entered_by=actor, entered_at=now,
            )
            CalendarDay.objects.bulk_create(
                CalendarDay(date=day, is_working_day=working, name=name.strip(), notice=notice)
                for day, working, name in sorted(days)
            )
    except IntegrityError as exc:  # a concurrent entry of the same year or day
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("the holiday notice for %(year)s is already entered") % {"year": year},
        ) from exc
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.notice.enter",
        target_type="holiday_notice", target_id=notice.pk, summary=f"{year} {title}",
        details={
            "year": year,
            "source": notice.source,
            "days": [[d.isoformat(), _day_label(w), n] for d, w, n in sorted(days)],
        },
    )
    return notice


@transaction.atomic
def do_set_calendar_day(
    *,
    now: dt.datetime,
    actor: User | None,
    date: dt.date,
    is_working_day: bool,
    name: str,
    channel: str,
) -> CalendarDay:
    """Override one day of a covered year (a correction, or a local decision).

    A day of a year covered only by a notice joins that notice. An uncovered year
    is refused: enter its notice first.
    """
    _check_actor(actor)
    notice = HolidayNotice.objects.filter(year=date.year).first()
    if date.year not in PACKAGE.years and notice is None:
        raise CalendarNotCovered(date.year)
    name = name.strip()
    before = CalendarDay.objects.select_for_update().filter(date=date).first()
    previous = None if before is None else [_day_label(before.is_working_day), before.name]
    try:
        with transaction.atomic():
            day, _created = CalendarDay.objects.update_or_create(
                date=date,
                defaults={"is_working_day": is_working_day, "name": name, "notice": notice},
            )
    except IntegrityError as exc:  # created concurrently
        raise CoreError(
            CoreErrorCode.CONFLICT,
            _("%(date)s was changed at the same time; try again") % {"date": date.isoformat()},
        ) from exc
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.day.set",
        target_type="calendar_day", target_id=date.isoformat(),
        summary=f"{date.isoformat()} {_day_label(is_working_day)} {name}".strip(),
        details={"before": previous, "after": [_day_label(is_working_day), name]},
    )
    return day


@transaction.atomic
def do_remove_calendar_day(
    *, now: dt.datetime, actor: User | None, date: dt.date, channel: str
) -> None:
    """Drop the override of one day: the day falls back to the package or to its weekday."""
    _check_actor(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise CoreError(CoreErrorCode.NOT_FOUND,
                        _("%(date)s has no override") % {"date": date.isoformat()})
    previous = [_day_label(day.is_working_day), day.name]
    day.delete()
    do_audit(
        now=now, actor=actor, channel=channel, action="calendar.day.remove",
        target_type="calendar_day", target_id=date.isoformat(),
        summary=f"{date.isoformat()} {previous[0]} {previous[1]}".strip(),
        details={"before": previous},
    )
