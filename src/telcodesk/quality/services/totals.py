"""Keep the daily totals the report reads (``quality.models.totals``).

- ``mark_changed`` listens to ``core.changes.days_changed``: the services that stop,
  reopen or import clocks, calls and survey answers send it in their transaction, so
  the days they touched are marked (``TotalsChange``) in that same transaction and are
  read from the rows until recounted.
- ``do_refresh_totals(now=...)`` (job ``quality.refresh_totals``, run by the clock
  process; also ``telcodesk report --refresh-totals``): per source, recounts the
  marked days before the watermark from the rows, then counts every day from the
  watermark up to the start of ``now``'s local day and moves the watermark there.
  Totals kept under other settings (another zone, other queue thresholds or grace
  period) are dropped and counted again.

The marks read at the start of a refresh are deleted with the recount, in one
transaction: a change committed meanwhile leaves its own mark, recounted next time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from telcodesk.core.changes import CALLS, CLOCKS, SOURCES, SURVEYS, days_changed
from telcodesk.core.clock import local
from telcodesk.quality.models import (
    DailyCallTotal,
    DailyClockTotal,
    DailySurveyTotal,
    TotalsChange,
    TotalsState,
)
from telcodesk.quality.selectors import totals as totals_selectors

MODELS: dict[str, Any] = {CLOCKS: DailyClockTotal, SURVEYS: DailySurveyTotal,
                          CALLS: DailyCallTotal}
_DELETE_CHUNK = 500


def mark_changed(*, source: str, first_day: dt.date, last_day: dt.date, **_: Any) -> None:
    """Receiver of ``days_changed``: mark the days to be read from the rows."""
    TotalsChange.objects.create(source=source, first_day=first_day, last_day=last_day)


def connect_receivers() -> None:
    days_changed.connect(mark_changed, dispatch_uid="quality.totals.mark_changed")


def do_refresh_totals(*, now: dt.datetime, sources: tuple[str, ...] = SOURCES) -> str:
    """Recount the changed days and count the days up to ``now``'s local day, for each
    of ``sources``; a one-line summary."""
    today = local(now).date()
    return "; ".join(_refresh(source, today=today, now=now) for source in sources)


def do_rebuild_totals(*, now: dt.datetime, sources: tuple[str, ...] = SOURCES) -> str:
    """Drop the totals and count every day again (after records were written around
    the services, e.g. loaded in bulk)."""
    with transaction.atomic():
        for source in sources:
            TotalsState.objects.filter(source=source).update(counted_until=None,
                                                             fingerprint="")
    return do_refresh_totals(now=now, sources=sources)


@transaction.atomic
def _refresh(source: str, *, today: dt.date, now: dt.datetime) -> str:
    TotalsState.objects.get_or_create(source=source)
    state = TotalsState.objects.select_for_update().get(source=source)
    current = totals_selectors.fingerprint(source)
    if state.fingerprint != current or state.counted_until is None:
        MODELS[source].objects.all().delete()
        state.counted_until = None
        state.fingerprint = current
    changes = list(TotalsChange.objects.filter(source=source).values_list(
        "pk", "first_day", "last_day"))
    recounted = 0
    if state.counted_until is not None:
        until = state.counted_until
        marked: set[dt.date] = set()
        for _, first, last in changes:
            day = first
            while day <= last and day < until:
                marked.add(day)
                day += dt.timedelta(days=1)
        for first, end in _ranges(sorted(marked)):
            _count(source, first=first, end=end)
        recounted = len(marked)
    ids = [pk for pk, _, _ in changes]
    for index in range(0, len(ids), _DELETE_CHUNK):
        TotalsChange.objects.filter(pk__in=ids[index:index + _DELETE_CHUNK]).delete()
    start = state.counted_until
    if start is None:
        start = totals_selectors.first_day(source) or today
    counted = 0
    if start < today:
        counted = (today - start).days
        _count(source, first=start, end=today)
        state.counted_until = today
    elif state.counted_until is None:
        state.counted_until = start
    state.refreshed_at = now
    state.save()
    return (f"{source}: {counted} days counted, {recounted} recounted, "
            f"until {state.counted_until.isoformat()}")


def _ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + dt.timedelta(days=1))
        else:
            ranges.append((day, day + dt.timedelta(days=1)))
    return ranges


def _count(source: str, *, first: dt.date, end: dt.date) -> None:
    """Replace the totals of the days ``[first, end)`` with what the rows give."""
    model = MODELS[source]
    model.objects.filter(day__gte=first, day__lt=end).delete()
    rows = totals_selectors.daily_rows(source, first=first, end=end)
    objects: list[Any] = []
    for day, keys in rows.items():
        for key in keys:
            if source == CLOCKS:
                (service, kind, area, unit, limit_unit, request_types, count, timely,
                 duration_sum, duration_max) = key
                objects.append(DailyClockTotal(
                    day=day, service=service, kind=kind, area=area, org_unit_id=unit,
                    limit_unit=limit_unit, request_types=request_types, count=count,
                    timely=timely, duration_sum=duration_sum, duration_max=duration_max))
            elif source == SURVEYS:
                unit, area, satisfied, fairly, dissatisfied = key
                objects.append(DailySurveyTotal(
                    day=day, org_unit_id=unit, area=area, satisfied=satisfied,
                    fairly_satisfied=fairly, dissatisfied=dissatisfied))
            else:
                offered, answered, waited, seconds, in_time, in_grace = key
                objects.append(DailyCallTotal(
                    day=day, offered=offered, answered=answered, answered_with_wait=waited,
                    wait_seconds_answered=seconds, answered_in_threshold=in_time,
                    abandoned_in_grace=in_grace))
    model.objects.bulk_create(objects, batch_size=1000)
