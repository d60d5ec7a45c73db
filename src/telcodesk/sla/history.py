"""Clocks of finished requests written in bulk (historical imports).

A request imported after the fact never ran its clock through
``do_start_clock`` … ``do_stop_clock``; this module computes the rows those
functions would have left behind — the standard in force at acceptance (its
snapshot), the due and warning instants, the counted duration, timely,
breached, the pauses — with the same arithmetic (``sla.computation``) and the
same glue (``stop_figures``, ``standard_snapshot``, shared with
``sla.services``), and writes them through ``core.bulk.BulkTable``.

Other apps call it through ``sla.services.do_record_finished_clocks``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from telcodesk.core.bulk import BulkTable, instant_column
from telcodesk.core.calendar import WorkingCalendar, load_calendar
from telcodesk.core.changes import CLOCKS, records_changed
from telcodesk.core.errors import DomainError
from telcodesk.sla import computation
from telcodesk.sla.errors import SlaError, SlaErrorCode
from telcodesk.sla.models import ClockState, PauseReason, ServiceStandard, SlaClock, SlaPause
from telcodesk.sla.selectors import standard_edges, standard_in_force

PAUSE_REASONS = frozenset(PauseReason.values)
STOPPED = ClockState.STOPPED.value


class FinishedPause(NamedTuple):
    reason: str  # PauseReason value
    started_at: dt.datetime
    ended_at: dt.datetime
    note: str = ""


class FinishedClock(NamedTuple):
    """What a finished request's clock needs; ``ref`` names the request in errors."""

    service: str
    kind: str  # RequestKind value
    area: str
    tier: str
    org_unit_id: int
    accepted_at: dt.datetime
    stopped_at: dt.datetime
    subject_label: str
    subject_url: str = ""
    assignee_id: int | None = None
    pauses: tuple[FinishedPause, ...] = ()
    ref: str = ""
    request_types: str = ""  # what was asked for (SlaClock.request_types)


@dataclass(frozen=True)
class StopFigures:
    """What a stop stores: the counted duration (limit's unit, four decimals), timely."""

    counted: Decimal
    timely: bool

    @property
    def breached(self) -> bool:
        return not self.timely


def stop_figures(*, accepted_at: dt.datetime, until: dt.datetime, unit: str, limit: Decimal,
                 pauses: Sequence[computation.Interval],
                 cal: WorkingCalendar | None) -> StopFigures:
    """The figures a clock stopped at ``until`` stores (``do_stop_clock`` uses this too)."""
    value = computation.as_decimal(computation.counted(
        accepted_at=accepted_at, until=until, unit=unit, pauses=pauses, cal=cal))
    return StopFigures(counted=value, timely=computation.is_timely(value, limit))


def standard_snapshot(standard: ServiceStandard) -> dict[str, Any]:
    """The standard's terms a clock keeps (``do_start_clock`` uses this too)."""
    return {"limit_value": standard.limit_value, "limit_unit": standard.limit_unit,
            "warning_ratio": standard.warning_ratio,
            "excluded_reasons": list(standard.excluded_pause_reasons)}


def indicator_snapshot(standard: ServiceStandard,
                       regulator: ServiceStandard | None) -> dict[str, Any]:
    """The regulator's limit a clock is judged against by the indicators: the ``any``-tier
    standard of its service, kind and area (``regulator``); the clock's own standard
    when there is none (``do_start_clock`` uses this too)."""
    judged = regulator or standard
    return {"indicator_standard_id": judged.pk, "indicator_limit_value": judged.limit_value,
            "indicator_limit_unit": judged.limit_unit}


def indicator_figures(*, own: StopFigures, own_unit: str, accepted_at: dt.datetime,
                      until: dt.datetime, unit: str, limit: Decimal,
                      pauses: Sequence[computation.Interval]) -> StopFigures:
    """The counted duration and verdict under the regulator's limit (``unit``,
    ``limit``): the same excluded pauses as the request's own clock, measured in the
    regulator's unit (the own figure when the units agree)."""
    if unit == own_unit:
        return StopFigures(counted=own.counted,
                           timely=computation.is_timely(own.counted, limit))
    return stop_figures(accepted_at=accepted_at, until=until, unit=unit, limit=limit,
                        pauses=pauses, cal=calendar_for(unit))


def calendar_for(unit: str) -> WorkingCalendar | None:
    return load_calendar() if unit == computation.WORKING_DAYS else None


class StandardsInForce:
    """``selectors.standard_in_force``, asked once per key and period.

    Which standard is in force can only change at an ``active_from`` or
    ``active_to`` of some standard; between two such instants the answer for a
    key is the same, so it is asked once per key and stretch.
    """

    def __init__(self) -> None:
        edges: set[dt.datetime] = set()
        for start, end in standard_edges():
            edges.add(start)
            if end is not None:
                edges.add(end)
        self.edges = sorted(edges)
        self.found: dict[tuple[str, str, str, str, int], ServiceStandard | DomainError] = {}

    def get(self, *, service: str, kind: str, area: str, tier: str,
            at: dt.datetime) -> ServiceStandard:
        key = (service, kind, area, tier, bisect_right(self.edges, at))
        answer = self.found.get(key)
        if answer is None:
            try:
                answer = standard_in_force(service=service, kind=kind, area=area, tier=tier,
                                           at=at)
            except DomainError as exc:
                answer = exc
            self.found[key] = answer
        if isinstance(answer, DomainError):
            raise answer
        return answer

    def regulator(self, *, service: str, kind: str, area: str,
                  at: dt.datetime) -> ServiceStandard | None:
        """The ``any``-tier standard (the regulator's limit); None when there is none."""
        try:
            return self.get(service=service, kind=kind, area=area, tier="any", at=at)
        except DomainError:
            return None


CLOCK_FIELDS = ("id", "standard_id", "limit_value", "limit_unit", "warning_ratio",
                "excluded_reasons", "service", "kind", "area", "tier", "org_unit_id",
                "assignee_id", "subject_label", "subject_url", "accepted_at", "due_at",
                "warn_at", "stopped_at", "state", "counted_duration", "timely", "breached",
                "request_types", "indicator_standard_id", "indicator_limit_value",
                "indicator_limit_unit", "indicator_duration", "indicator_timely")
_TIMELY_AT = CLOCK_FIELDS.index("timely")
PAUSE_FIELDS = ("clock_id", "reason", "note", "started_at", "ended_at", "excluded")


def _invalid(clock: FinishedClock, message: str) -> SlaError:
    where = clock.ref or clock.subject_label
    return SlaError(SlaErrorCode.INVALID, f"{where}: {message}")


def _check(clock: FinishedClock) -> None:
    for value, label in ((clock.accepted_at, "acceptance"), (clock.stopped_at, "finish")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _invalid(clock, f"the {label} time needs a time zone")
    if clock.stopped_at < clock.accepted_at:
        raise _invalid(clock, "finished before it was accepted")
    if not clock.subject_label.strip():
        raise _invalid(clock, "the clock needs the request's label")
    previous_end: dt.datetime | None = None
    for pause in sorted(clock.pauses, key=lambda p: (p.started_at, p.ended_at)):
        if pause.reason not in PAUSE_REASONS:
            raise _invalid(clock, f"unknown pause reason {pause.reason!r}")
        if pause.ended_at < pause.started_at:
            raise _invalid(clock, "a pause ends before it starts")
        if pause.started_at < clock.accepted_at or pause.ended_at > clock.stopped_at:
            raise _invalid(clock, "a pause lies outside the request (acceptance to finish)")
        if previous_end is not None and pause.started_at < previous_end:
            raise _invalid(clock, "pauses overlap")
        previous_end = pause.ended_at


class _Terms(NamedTuple):
    """A standard's snapshot as the rows need it (once per standard)."""

    standard_id: int
    limit: Decimal
    unit: str
    warning_ratio: Decimal
    reasons: frozenset[str]
    reasons_column: Any  # the excluded reasons as the JSON column takes them


class FinishedClockWriter:
    """Builds and writes the rows of finished clocks, batch after batch."""

    def __init__(self) -> None:
        self.standards = StandardsInForce()
        self.calendar: WorkingCalendar | None = None
        self.clocks = BulkTable(SlaClock, CLOCK_FIELDS)
        self.pauses = BulkTable(SlaPause, PAUSE_FIELDS)
        self._json_field = SlaClock._meta.get_field("excluded_reasons")
        self._by_standard: dict[int, _Terms] = {}
        self.instant = instant_column()
        self.written = 0
        self.timely = 0  # of the clocks written so far

    def _calendar(self) -> WorkingCalendar:
        if self.calendar is None:
            self.calendar = load_calendar()
        return self.calendar

    def _terms(self, standard: ServiceStandard) -> _Terms:
        terms = self._by_standard.get(standard.pk)
        if terms is None:
            snapshot = standard_snapshot(standard)
            reasons = snapshot["excluded_reasons"]
            terms = _Terms(standard.pk, snapshot["limit_value"], snapshot["limit_unit"],
                           snapshot["warning_ratio"], frozenset(reasons),
                           self._json_field.get_db_prep_save(reasons, connection))
            self._by_standard[standard.pk] = terms
        return terms

    def build_rows(self, clocks: Sequence[FinishedClock], ids: Sequence[int]
                   ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Rows of ``SlaClock`` (``CLOCK_FIELDS``) and ``SlaPause`` (``PAUSE_FIELDS``)."""
        clock_rows: list[tuple[Any, ...]] = []
        pause_rows: list[tuple[Any, ...]] = []
        text = self.instant  # datetimes as the columns take them (rows are ``prepared``)
        for clock, clock_id in zip(clocks, ids, strict=True):
            _check(clock)
            try:
                terms = self._terms(self.standards.get(
                    service=clock.service, kind=clock.kind, area=clock.area, tier=clock.tier,
                    at=clock.accepted_at))
            except DomainError as exc:
                raise _invalid(clock, exc.message) from exc
            regulator = self.standards.regulator(service=clock.service, kind=clock.kind,
                                                 area=clock.area, at=clock.accepted_at)
            judged = self._terms(regulator) if regulator is not None else terms
            unit, limit, reasons = terms.unit, terms.limit, terms.reasons
            excluded = [(p.started_at, p.ended_at) for p in clock.pauses
                        if p.reason in reasons]
            try:
                cal = self._calendar() if unit == computation.WORKING_DAYS else None
                found = computation.deadlines(
                    accepted_at=clock.accepted_at, limit=limit,
                    warning_ratio=terms.warning_ratio, unit=unit, pauses=excluded, cal=cal)
                figures = stop_figures(accepted_at=clock.accepted_at, until=clock.stopped_at,
                                       unit=unit, limit=limit, pauses=excluded, cal=cal)
                judged_figures = indicator_figures(
                    own=figures, own_unit=unit, accepted_at=clock.accepted_at,
                    until=clock.stopped_at, unit=judged.unit, limit=judged.limit,
                    pauses=excluded)
            except DomainError as exc:
                raise _invalid(clock, exc.message) from exc
            clock_rows.append((
                clock_id, terms.standard_id, limit, unit, terms.warning_ratio,
                terms.reasons_column, clock.service, clock.kind, clock.area, clock.tier,
                clock.org_unit_id, clock.assignee_id, clock.subject_label.strip()[:120],
                clock.subject_url, text(clock.accepted_at), text(found.due_at),
                text(found.warn_at), text(clock.stopped_at), STOPPED, figures.counted,
                figures.timely, not figures.timely, clock.request_types[:200],
                judged.standard_id, judged.limit, judged.unit, judged_figures.counted,
                judged_figures.timely))
            if clock.pauses:
                pause_rows += [(clock_id, p.reason, p.note[:300], text(p.started_at),
                                text(p.ended_at), p.reason in reasons) for p in clock.pauses]
        return clock_rows, pause_rows

    def write(self, clocks: Sequence[FinishedClock]) -> list[int]:
        """Check, compute and insert ``clocks``; returns their ids, in order."""
        ids = self.clocks.reserve_ids(len(clocks))
        clock_rows, pause_rows = self.build_rows(clocks, ids)
        self.clocks.insert(clock_rows, prepared=True)
        self.pauses.insert(pause_rows, prepared=True)
        records_changed(source=CLOCKS, instants=[clock.stopped_at for clock in clocks])
        self.written += len(clock_rows)
        self.timely += sum(1 for row in clock_rows if row[_TIMELY_AT])
        return ids


def build_finished_clock_rows(clocks: Sequence[FinishedClock], *, ids: Sequence[int]
                              ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The ``SlaClock`` and ``SlaPause`` rows of ``clocks`` for ``ids`` (nothing written;
    the rows hold what the columns take, for ``BulkTable.insert(prepared=True)``)."""
    return FinishedClockWriter().build_rows(clocks, ids)
