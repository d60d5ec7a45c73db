"""The hotline figures of the regulator's report, in ONE query over the calls.

The definitions are those of ``care.selectors.hotline_stats`` (read its docstring):
each call counts once, on its first visit to an agent queue (``counted``), by its
first entry time (``entered_at``), with the call's outcome (``call_outcome``) and
its wait from that first entry (``call_wait_seconds``);

- **average answer time** (应答平均时间) = sum of the waits ÷ number of the calls
  answered by an agent (calls without a recorded wait left out of both);
- **timely rate** (应答及时率) = calls answered within their skill group's
  threshold (``service_level_seconds``; 15 s for a queue no group claims) ÷
  (calls offered − calls abandoned within the grace period when
  ``TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS`` is on, else ÷ calls offered).

``hotline_totals`` groups by month of the entry time (cut further at the given
split points), queue and outcome, with plain counts and sums; each queue's
threshold is applied to its group afterwards, so the query needs no join. The
hotline is provincial: the figures are operator-wide, never scoped to a branch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Sum, Value, When

from telcodesk.care.models import CallOutcome, HotlineCall, HotlineQueue
from telcodesk.care.selectors.contacts import calls_visible_to
from telcodesk.care.selectors.hotline_stats import DEFAULT_THRESHOLD_SECONDS
from telcodesk.core.clock import operator_zone
from telcodesk.core.models import User
from telcodesk.core.ranges import rows_per_range
from telcodesk.sla.selectors import bucket_starts, day_bucket_index


@dataclass(frozen=True)
class HotlineTotals:
    """The calls that entered a queue in one bucket (a month, or part of one)."""

    month: dt.date  # local first day of the bucket
    offered: int
    answered: int
    answered_with_wait: int  # answered visits with a recorded wait (the mean's base)
    wait_seconds_answered: int  # sum of their waits
    answered_in_threshold: int
    abandoned_in_grace: int
    exclude_short_abandons: bool

    @property
    def timeliness_base(self) -> int:
        if self.exclude_short_abandons:
            return self.offered - self.abandoned_in_grace
        return self.offered


def queue_thresholds() -> dict[int, int]:
    """Each queue's answer threshold in seconds (its skill group's, else the default)."""
    return {queue_id: seconds or DEFAULT_THRESHOLD_SECONDS
            for queue_id, seconds in HotlineQueue.objects.values_list(
                "pk", "skill_group__service_level_seconds")}


def threshold_case() -> Case:
    """Each queue's answer threshold as ``CASE queue_id …`` (queues are few)."""
    by_threshold: dict[int, list[int]] = defaultdict(list)
    for queue_id, threshold in queue_thresholds().items():
        if threshold != DEFAULT_THRESHOLD_SECONDS:
            by_threshold[threshold].append(queue_id)
    whens = [When(queue_id__in=ids, then=Value(seconds))
             for seconds, ids in sorted(by_threshold.items())]
    return Case(*whens, default=Value(DEFAULT_THRESHOLD_SECONDS), output_field=IntegerField())


def _on_time(threshold: Case | None = None) -> Q:
    return Q(call_outcome=CallOutcome.ANSWERED,
             call_wait_seconds__lte=threshold if threshold is not None else threshold_case())


def _short_abandon() -> Q:
    return Q(call_outcome=CallOutcome.ABANDONED,
             call_wait_seconds__lte=settings.TELCODESK_HOTLINE_GRACE_SECONDS)


def _counted_calls(start: dt.datetime, end: dt.datetime) -> QuerySet[HotlineCall]:
    """Each call once, on its first visit (the later visits of a call are not counted)."""
    return HotlineCall.objects.filter(entered_at__gte=start, entered_at__lt=end, counted=True)


def hotline_totals(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None,
                   splits: Sequence[dt.datetime] = ()) -> list[HotlineTotals]:
    """The figures' inputs of the calls that entered a queue in ``[start, end)``, one row
    per bucket (local month of ``entered_at``, further cut at ``splits``) that has calls.

    ONE query, reading each call once. PostgreSQL groups by (bucket, queue, outcome)
    with plain counts and sums (its hash aggregation runs in parallel); each queue's own
    threshold is applied here, per group. SQLite sorts every row of a ``GROUP BY``, so
    there the query is one aggregate per bucket (each a range of the entry-time index)
    joined by ``UNION ALL``, with conditional counts and no grouping at all.
    """
    zone = zone or operator_zone()
    starts = bucket_starts(start=start, end=end, zone=zone, splits=splits)
    days = [s.astimezone(zone).date() for s in starts]
    exclude = bool(settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS)
    sums = (_grouped_sums(start, end, days) if connection.vendor == "postgresql"
            else _bucket_sums([*starts, end]))
    return [HotlineTotals(month=days[bucket], offered=offered, answered=answered,
                          answered_with_wait=waited, wait_seconds_answered=wait,
                          answered_in_threshold=on_time, abandoned_in_grace=short,
                          exclude_short_abandons=exclude)
            for bucket, (offered, answered, waited, wait, on_time, short)
            in sorted(sums.items()) if offered]


def _grouped_sums(start: dt.datetime, end: dt.datetime,
                  days: list[dt.date]) -> dict[int, list[int]]:
    thresholds = queue_thresholds()
    levels = sorted({*thresholds.values(), DEFAULT_THRESHOLD_SECONDS})
    grace = settings.TELCODESK_HOTLINE_GRACE_SECONDS
    within = {f"within_{level}": Count("call_wait_seconds",
                                       filter=Q(call_wait_seconds__lte=level))
              for level in levels}
    # Buckets by the stored local day of entry (the buckets start at local midnights).
    rows = (_counted_calls(start, end)
            .annotate(bucket=day_bucket_index("entered_date", days))
            .values("bucket", "queue_id", "call_outcome")
            .annotate(n=Count("*"), waited=Count("call_wait_seconds"),
                      wait=Sum("call_wait_seconds"),
                      in_grace=Count("call_wait_seconds",
                                     filter=Q(call_wait_seconds__lte=grace)),
                      **within)
            .order_by())
    sums: dict[int, list[int]] = {}
    for found in rows:
        row: dict[str, Any] = dict(found)
        total = sums.setdefault(row["bucket"], [0, 0, 0, 0, 0, 0])
        total[0] += row["n"]
        if row["call_outcome"] == CallOutcome.ANSWERED:
            threshold = thresholds.get(row["queue_id"], DEFAULT_THRESHOLD_SECONDS)
            total[1] += row["n"]
            total[2] += row["waited"]
            total[3] += int(row["wait"] or 0)
            total[4] += row[f"within_{threshold}"]
        elif row["call_outcome"] == CallOutcome.ABANDONED:
            total[5] += row["in_grace"]
    return sums


def _bucket_sums(bounds: list[dt.datetime]) -> dict[int, list[int]]:
    answered = Q(call_outcome=CallOutcome.ANSWERED)
    with_wait = answered & Q(call_wait_seconds__isnull=False)
    on_time = _on_time(threshold_case())

    def aggregate(start: dt.datetime, end: dt.datetime, index: int) -> QuerySet[Any, Any]:
        return (_counted_calls(start, end)
                .annotate(bucket=Value(index, output_field=IntegerField()))
                .values("bucket")
                .annotate(offered=Count("*"), answered=Count("pk", filter=answered),
                          waited=Count("pk", filter=with_wait),
                          wait=Sum("call_wait_seconds", filter=with_wait),
                          on_time=Count("pk", filter=on_time),
                          short=Count("pk", filter=_short_abandon()))
                .order_by())

    return {row["bucket"]: [row["offered"], row["answered"], row["waited"],
                            int(row["wait"] or 0), row["on_time"], row["short"]]
            for row in rows_per_range(aggregate, bounds)}


def calls_behind(*, start: dt.datetime, end: dt.datetime, statistic: str, user: User,
                 only_late: bool = False) -> QuerySet[HotlineCall]:
    """The calls behind a hotline figure that ``user`` may see (the contacts' rule,
    ``calls_visible_to``: calls of customers in their branch subtree and calls linked to
    no customer), each call once on its first visit. ``statistic`` ``mean``: the answered
    calls (``only_late``: those answered after their threshold); ``timely_rate``: the
    calls in the rate's base (``only_late``: those not answered within the threshold)."""
    calls = calls_visible_to(user).filter(entered_at__gte=start, entered_at__lt=end,
                                          counted=True)
    if statistic == "mean":
        calls = calls.filter(call_outcome=CallOutcome.ANSWERED, call_wait_seconds__isnull=False)
    elif settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS:
        calls = calls.exclude(_short_abandon())
    if only_late:
        calls = calls.exclude(_on_time())
    return calls.select_related("queue", "queue__skill_group").order_by("entered_at", "pk")


def first_counted_call_at() -> dt.datetime | None:
    """When the earliest counted call entered its queue (None: no call yet); where
    daily totals of the calls start (``quality.services.totals``)."""
    return (HotlineCall.objects.filter(counted=True)
            .aggregate(first=Min("entered_at"))["first"])


def thresholds_fingerprint() -> str:
    """What the answered-in-time and short-abandon counts depend on besides the calls
    (each queue's threshold, the grace period): daily totals kept under other values
    are void (``quality.services.totals``)."""
    thresholds = sorted(queue_thresholds().items())
    return (f"grace={settings.TELCODESK_HOTLINE_GRACE_SECONDS};"
            f"default={DEFAULT_THRESHOLD_SECONDS};" + ",".join(f"{q}:{s}" for q, s in thresholds))
