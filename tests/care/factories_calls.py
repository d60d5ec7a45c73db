"""Hand-built hotline calls for the tests (no log parsing involved).

    call = make_call(queue="10000-mobile", at=T, outcome="answered", wait=12)

A queue name that does not exist yet is created unmapped, as an import of an
unknown queue would leave it. ``entered_date``/``entered_hour`` are the local
(Asia/Shanghai) date and hour of ``at``, as the import stores them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from telcodesk.care.models import CallLogSource, CallOutcome, HotlineCall, HotlineQueue
from tests.factories import CallLogSourceFactory, HotlineCallFactory, HotlineQueueFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
_refs = itertools.count(1)


def log_source() -> CallLogSource:
    stamp = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
    return CallLogSourceFactory(created_at=stamp, updated_at=stamp)


def queue_named(name: str) -> HotlineQueue:
    return HotlineQueueFactory(name=name)


def make_call(
    *,
    queue: str | HotlineQueue,
    at: dt.datetime,
    outcome: str = CallOutcome.ANSWERED,
    wait: int | None = 5,
    talk: int | None = None,
    caller: str = "",
    customer=None,
    agent: str = "",
    call_ref: str | None = None,
    ended: bool = True,
) -> HotlineCall:
    hotline_queue = queue if isinstance(queue, HotlineQueue) else queue_named(queue)
    local = at.astimezone(SHANGHAI)
    answered_at = None
    ended_at = None
    if outcome == CallOutcome.ANSWERED and wait is not None:
        answered_at = at + dt.timedelta(seconds=wait)
        if talk is None:
            talk = 60
        ended_at = answered_at + dt.timedelta(seconds=talk) if ended else None
        agent = agent or "Agent/8001"
    elif wait is not None and ended and outcome != CallOutcome.UNKNOWN:
        ended_at = at + dt.timedelta(seconds=wait)
    return HotlineCallFactory(
        source=log_source(), call_ref=call_ref or f"1759{next(_refs):06d}.1",
        queue=hotline_queue, caller=caller, customer=customer, entered_at=at,
        entered_date=local.date(), entered_hour=local.hour, answered_at=answered_at,
        ended_at=ended_at, outcome=outcome, wait_seconds=wait,
        talk_seconds=talk if outcome == CallOutcome.ANSWERED else None, agent=agent)
