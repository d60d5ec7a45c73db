"""The hotline figures (应答平均时间, 应答及时率 and what they are made of).

A **call** counts once (STANDARDS.md): one row of ``HotlineCall`` is one visit of
a call to an agent queue, and a call that left one queue (timeout, queue empty,
key, transfer) and went on into another is counted on its first visit
(``counted``), with the call's outcome (``call_outcome``: answered if any of its
visits was answered, else how its last visit ended) and its wait from the first
entry into an agent queue (``call_wait_seconds``). Its later visits are not
counted. Over a period ``[start, end)`` of first entries (``entered_at``), for
each skill group, queue, day or hour of the day (of the first visit):

- **offered**: calls that asked for an agent, whatever happened next;
- **answered**: answered by an agent;
- **abandoned**: the caller hung up in the queue;
- **timeout**, **empty**, **key**: left at the queue's timeout, no agent could
  take calls, the caller left with a key;
- **unknown**: no exit recorded (the log ended or was cut while it waited);
- offered = answered + abandoned + timeout + empty + key + unknown, always;
  **other exits** is the sum of the last four;
- **abandoned within the grace period**: abandoned with a wait of at most
  ``settings.TELCODESK_HOTLINE_GRACE_SECONDS`` (default 5 s);
- **average answer time** (应答平均时间): mean wait (first entry into an agent
  queue → agent answer) over the answered calls, in seconds; ``None`` when
  nothing was answered;
- **answered within the threshold**: answered with a wait of at most the skill
  group's ``service_level_seconds`` (15 s by default; 15 s for a queue not
  mapped to any group);
- **timeliness rate** (应答及时率): answered within the threshold ÷ (offered −
  abandoned within the grace period) when
  ``settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS`` is on (the default),
  otherwise ÷ offered;
- **answer rate**: answered ÷ offered; **abandon rate**: abandoned ÷ offered;
- **longest wait**: the largest wait over all calls.

Every rate is a fraction (0.9041, not 90.41) and is ``None`` — "no calls", never
0 % — when its denominator is 0. A call without a wait counts as offered (and by
its outcome) but never as within the threshold or the grace period.

Each grouping is ONE aggregate query over ``HotlineCall`` (``GROUP BY`` the queue's
skill group, the queue, ``entered_date`` or ``entered_hour``, with conditional
``COUNT(...) FILTER``/``CASE``, ``SUM`` and ``MAX``): no per-call Python, so the
figures scale to the regulator's half-year volume. Every measure is additive
(the average is kept as a sum of waits and a count), so the totals are added up
from the grouped rows without a second scan, and ``hotline_report`` gives all four
groupings from one scan grouped by (queue, day, hour) — at most queues × days ×
24 small rows, added up in Python. Days, hours and active skill groups without
calls are added as empty rows, so tables and charts show the gaps (one more small
query, on the skill groups).

The figures are operator-wide (the hotline is provincial): no branch scoping;
pages and the command show them to staff only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import CallOutcome, HotlineCall, HotlineQueue, SkillGroup
from telcodesk.core.clock import operator_zone

Grouping = Literal["group", "queue", "day", "hour"]
GROUPINGS: tuple[str, ...] = get_args(Grouping)
# Threshold for calls in a queue no skill group claims (STANDARDS.md: N = 15 s).
DEFAULT_THRESHOLD_SECONDS = 15

_GROUP = "queue__skill_group__"
# Grouped by ids (small integer keys keep the aggregation in memory); the names and
# thresholds are read from the few skill group and queue rows afterwards.
_KEYS: dict[str, tuple[str, ...]] = {
    "group": ("queue__skill_group_id",),
    "queue": ("queue_id",),
    "day": ("entered_date",),
    "hour": ("entered_hour",),
}
_COUNTS = ("offered", "answered", "abandoned", "timeout", "empty", "key", "unknown",
           "abandoned_in_grace", "answered_in_threshold", "answer_wait_total",
           "answered_with_wait")
# The outcomes a call is counted under besides answered and abandoned, in the order
# pages and exports show them.
OTHER_OUTCOMES = ("timeout", "empty", "key", "unknown")


@dataclass(frozen=True)
class FigureRow:
    """The figures of one skill group, queue, day or hour (or of the whole selection)."""

    offered: int
    answered: int
    abandoned: int
    # The other outcomes, each named: offered = answered + abandoned + these four.
    timeout: int
    empty: int
    key: int
    unknown: int
    abandoned_in_grace: int
    answered_in_threshold: int
    # Sum of the waits of the answered visits, and how many of them had a wait:
    # the average answer time is their quotient (kept apart so rows add up).
    answer_wait_total: int
    answered_with_wait: int
    longest_wait_seconds: int | None
    # Denominator of the timeliness rate (offered, less the short abandons if excluded).
    timeliness_base: int
    group_code: str | None = None  # None: not mapped to a group (or not grouped by group)
    group_name_zh: str = ""
    group_name_en: str = ""
    threshold_seconds: int | None = None
    queue: str | None = None
    day: dt.date | None = None
    hour: int | None = None

    @property
    def avg_answer_seconds(self) -> float | None:
        """应答平均时间: mean wait of the answered visits (None when none was answered)."""
        if not self.answered_with_wait:
            return None
        return self.answer_wait_total / self.answered_with_wait

    @property
    def other_exits(self) -> int:
        """Offered calls neither answered nor abandoned (timeout, empty, key, unknown)."""
        return self.timeout + self.empty + self.key + self.unknown

    @property
    def answer_rate(self) -> float | None:
        return _rate(self.answered, self.offered)

    @property
    def abandon_rate(self) -> float | None:
        return _rate(self.abandoned, self.offered)

    @property
    def timeliness_rate(self) -> float | None:
        return _rate(self.answered_in_threshold, self.timeliness_base)

    def group_name(self, language: str) -> str:
        return self.group_name_en if language.startswith("en") else self.group_name_zh

    def as_dict(self) -> dict[str, Any]:
        """Raw numbers for JSON: counts, seconds, rates as fractions (None: no calls)."""
        data = asdict(self)
        data["day"] = self.day.isoformat() if self.day else None
        data.update(avg_answer_seconds=self.avg_answer_seconds, other_exits=self.other_exits,
                    answer_rate=self.answer_rate, abandon_rate=self.abandon_rate,
                    timeliness_rate=self.timeliness_rate)
        return data


@dataclass(frozen=True)
class HotlineFigures:
    start: dt.datetime
    end: dt.datetime  # exclusive
    by: str
    rows: list[FigureRow]
    total: FigureRow
    grace_seconds: float
    exclude_short_abandons: bool
    group: SkillGroup | None = None
    queue: HotlineQueue | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat(),
                       "end_exclusive": True},
            "by": self.by,
            "group": self.group.code if self.group else None,
            "queue": self.queue.name if self.queue else None,
            "grace_seconds": self.grace_seconds,
            "exclude_short_abandons": self.exclude_short_abandons,
            "rates": "fractions of 1; null when the denominator is 0 (no calls)",
            "outcomes": "offered = answered + abandoned + timeout + empty + key + unknown",
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- the period --------------------------------------------------------------------------


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=operator_zone())


def _instant(value: dt.date | dt.datetime, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise CareError(CareErrorCode.INVALID,
                            f"{name}: a date-time needs a time zone (or give a date)")
        return value
    return local_midnight(value)


def last_complete_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """``[first day, first day of the next month)`` of the month before ``today``'s."""
    first_this = today.replace(day=1)
    first_last = (first_this - dt.timedelta(days=1)).replace(day=1)
    return first_last, first_this


# --- rows ------------------------------------------------------------------------------------


def _measures() -> dict[str, Any]:
    """Over counted calls (``_calls``): by the call's outcome and its wait."""
    grace = settings.TELCODESK_HOTLINE_GRACE_SECONDS
    threshold = Coalesce(F(f"{_GROUP}service_level_seconds"), Value(DEFAULT_THRESHOLD_SECONDS))
    answered = Q(call_outcome=CallOutcome.ANSWERED)
    abandoned = Q(call_outcome=CallOutcome.ABANDONED)
    named = [CallOutcome.ANSWERED, CallOutcome.ABANDONED, CallOutcome.TIMEOUT,
             CallOutcome.EMPTY, CallOutcome.KEY]
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=answered),
        "abandoned": Count("pk", filter=abandoned),
        "timeout": Count("pk", filter=Q(call_outcome=CallOutcome.TIMEOUT)),
        "empty": Count("pk", filter=Q(call_outcome=CallOutcome.EMPTY)),
        "key": Count("pk", filter=Q(call_outcome=CallOutcome.KEY)),
        # Everything else, so that the outcomes always add up to the offered calls.
        "unknown": Count("pk", filter=~Q(call_outcome__in=named)),
        "abandoned_in_grace": Count("pk", filter=abandoned & Q(call_wait_seconds__lte=grace)),
        "answered_in_threshold": Count("pk",
                                       filter=answered & Q(call_wait_seconds__lte=threshold)),
        "answer_wait_total": Sum("call_wait_seconds", filter=answered),
        "answered_with_wait": Count("call_wait_seconds", filter=answered),
        "longest_wait_seconds": Max("call_wait_seconds"),
    }


def _base(offered: int, in_grace: int) -> int:
    return offered - in_grace if settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS else offered


def _row(values: dict[str, Any], **labels: Any) -> FigureRow:
    counts: dict[str, Any] = {name: int(values.get(name) or 0) for name in _COUNTS}
    longest = values.get("longest_wait_seconds")
    return FigureRow(**counts,
                     longest_wait_seconds=int(longest) if longest is not None else None,
                     timeliness_base=_base(counts["offered"], counts["abandoned_in_grace"]),
                     **labels)


def _empty_row(**labels: Any) -> FigureRow:
    return _row({}, **labels)


def _combine(rows: Iterable[FigureRow], **labels: Any) -> FigureRow:
    """Rows added up (counts and sums added, the longest wait the largest)."""
    rows = list(rows)
    counts: dict[str, Any] = {name: sum(getattr(row, name) for row in rows) for name in _COUNTS}
    waits = [row.longest_wait_seconds for row in rows if row.longest_wait_seconds is not None]
    return FigureRow(**counts, longest_wait_seconds=max(waits) if waits else None,
                     timeliness_base=_base(counts["offered"], counts["abandoned_in_grace"]),
                     **labels)


@dataclass
class _Names:
    """Skill groups and queues by id, read once per computation (a few rows each)."""

    groups: dict[int, SkillGroup]
    queues: dict[int, HotlineQueue]

    @classmethod
    def load(cls, by: Iterable[str]) -> _Names:
        wanted = set(by)
        groups = ({g.pk: g for g in SkillGroup.objects.all()}
                  if wanted & {"group", "queue"} else {})
        queues = {q.pk: q for q in HotlineQueue.objects.all()} if "queue" in wanted else {}
        return cls(groups, queues)

    def group_labels(self, group_id: int | None) -> dict[str, Any]:
        group = self.groups.get(group_id) if group_id is not None else None
        if group is None:
            return {"group_code": None, "threshold_seconds": DEFAULT_THRESHOLD_SECONDS}
        return {"group_code": group.code, "group_name_zh": group.name_zh,
                "group_name_en": group.name_en,
                "threshold_seconds": group.service_level_seconds}

    def labels(self, by: str, key: Any) -> dict[str, Any]:
        if by == "day":
            return {"day": key}
        if by == "hour":
            return {"hour": key}
        if by == "group":
            return self.group_labels(key)
        queue = self.queues[key]
        return {"queue": queue.name, **self.group_labels(queue.skill_group_id)}

    def active_groups(self, only: SkillGroup | None) -> list[SkillGroup]:
        if only is not None:
            return [only]
        return sorted((g for g in self.groups.values() if g.active),
                      key=lambda g: (g.position, g.code))


def _days(start: dt.datetime, end: dt.datetime) -> Iterable[dt.date]:
    zone = operator_zone()
    day = start.astimezone(zone).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _arrange(by: str, rows: list[FigureRow], start: dt.datetime, end: dt.datetime,
             names: _Names, only: SkillGroup | None) -> list[FigureRow]:
    """Rows in their order, with empty ones for the days, hours and active skill groups
    without calls, so a gap shows as "no calls"."""
    if by == "day":
        have = {row.day: row for row in rows}
        return [have.get(day) or _empty_row(day=day) for day in _days(start, end)]
    if by == "hour":
        hours = {row.hour: row for row in rows}
        return [hours.get(hour) or _empty_row(hour=hour) for hour in range(24)]
    if by == "queue":
        return sorted(rows, key=lambda row: row.queue or "")
    groups = names.active_groups(only)
    with_calls = {row.group_code for row in rows}
    idle = [_empty_row(**names.group_labels(g.pk)) for g in groups if g.code not in with_calls]
    order = {g.code: (g.position, g.code) for g in groups}
    mapped = sorted([r for r in rows if r.group_code is not None] + idle,
                    key=lambda r: order.get(r.group_code or "", (1 << 15, r.group_code or "")))
    return mapped + [r for r in rows if r.group_code is None]


# --- the selection ------------------------------------------------------------------------------


def _calls(start: dt.datetime, end: dt.datetime, group: SkillGroup | None,
           queue: HotlineQueue | None) -> QuerySet[HotlineCall]:
    # Each call once: on its first visit (its later visits in other queues are not counted).
    calls = HotlineCall.objects.filter(entered_at__gte=start, entered_at__lt=end, counted=True)
    if group is not None:
        calls = calls.filter(queue__skill_group=group)
    if queue is not None:
        calls = calls.filter(queue=queue)
    return calls


def resolve_group(code: str | None) -> SkillGroup | None:
    if not code:
        return None
    group = SkillGroup.objects.filter(code=code).first()
    if group is None:
        known = ", ".join(SkillGroup.objects.order_by("position", "code")
                          .values_list("code", flat=True)) or "none"
        raise CareError(CareErrorCode.NOT_FOUND,
                        f"unknown skill group {code!r} (known: {known})")
    return group


def resolve_queue(name: str | None) -> HotlineQueue | None:
    if not name:
        return None
    queue = HotlineQueue.objects.select_related("skill_group").filter(name=name).first()
    if queue is None:
        raise CareError(CareErrorCode.NOT_FOUND, f"unknown queue {name!r}")
    return queue


@dataclass(frozen=True)
class _Selection:
    start: dt.datetime
    end: dt.datetime
    group: SkillGroup | None
    queue: HotlineQueue | None

    def calls(self) -> QuerySet[HotlineCall]:
        return _calls(self.start, self.end, self.group, self.queue)

    def figures(self, by: str, rows: list[FigureRow], names: _Names) -> HotlineFigures:
        return HotlineFigures(
            start=self.start, end=self.end, by=by,
            rows=_arrange(by, rows, self.start, self.end, names, self.group),
            total=_combine(rows), group=self.group, queue=self.queue,
            grace_seconds=float(settings.TELCODESK_HOTLINE_GRACE_SECONDS),
            exclude_short_abandons=bool(settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS))


def _selection(start: dt.date | dt.datetime, end: dt.date | dt.datetime, group: str | None,
               queue: str | None) -> _Selection:
    start_at, end_at = _instant(start, "start"), _instant(end, "end")
    if end_at <= start_at:
        raise CareError(CareErrorCode.INVALID, "the period ends before it starts")
    return _Selection(start_at, end_at, resolve_group(group), resolve_queue(queue))


def hotline_figures(
    *,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    group: str | None = None,
    queue: str | None = None,
    by: Grouping = "group",
) -> HotlineFigures:
    """The figures of the calls that entered a queue in ``[start, end)``, grouped ``by``.

    ``start``/``end`` are aware instants, or dates meaning midnight in the
    operator's zone (so ``end`` = the day after the last day counted). ``group``
    (a skill group code) and ``queue`` (a queue name) narrow the selection; an
    unknown one raises ``CareError`` (not found). ``total`` covers the whole
    selection. One aggregate query, plus one on the skill groups (and one on the
    queues) for their names when grouping by group or queue.
    """
    if by not in GROUPINGS:
        raise CareError(CareErrorCode.INVALID,
                        f"group the figures by one of {', '.join(GROUPINGS)}, not {by!r}")
    selection = _selection(start, end, group, queue)
    (key,) = _KEYS[by]
    grouped = list(selection.calls().values(key).annotate(**_measures()).order_by(key))
    names = _Names.load([by])
    rows = [_row(values, **names.labels(by, values[key])) for values in grouped]
    return selection.figures(by, rows, names)


def hotline_report(
    *,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    group: str | None = None,
    queue: str | None = None,
) -> dict[str, HotlineFigures]:
    """``hotline_figures`` by group, queue, day and hour at once, from ONE scan.

    The calls are grouped by (queue, day, hour) in the database; the four
    groupings are those rows added up (the measures are additive). Same
    arguments and results as four calls of ``hotline_figures``.
    """
    selection = _selection(start, end, group, queue)
    keys = ("queue_id", "entered_date", "entered_hour")
    fine = list(selection.calls().values(*keys).annotate(**_measures()).order_by(*keys))
    names = _Names.load(GROUPINGS)
    key_of: dict[str, Callable[[dict[str, Any]], Any]] = {
        "group": lambda v: names.queues[v["queue_id"]].skill_group_id,
        "queue": lambda v: v["queue_id"],
        "day": lambda v: v["entered_date"],
        "hour": lambda v: v["entered_hour"],
    }
    rows = [(values, _row(values)) for values in fine]
    report = {}
    for by in GROUPINGS:
        buckets: dict[Any, list[FigureRow]] = defaultdict(list)
        for values, row in rows:
            buckets[key_of[by](values)].append(row)
        combined = [_combine(parts, **names.labels(by, key)) for key, parts in buckets.items()]
        report[by] = selection.figures(by, combined, names)
    return report
