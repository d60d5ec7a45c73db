"""The demo's hotline: half a year of 10000 calls, written as an Asterisk queue_log
and imported the way an operator's log is (``care.services.calls``).

The log is ``<var_dir>/demo-queue_log``; its days end the day before ``now`` (no
call lies in the future). Callers are drawn partly from ``numbers`` (the demo's
subscribers, so the calls link to customers) and partly from unknown numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from telcodesk.care.services.calls import ImportResult, do_import_call_log
from telcodesk.core.clock import local
from telcodesk.demo.hotline_traffic import write_queue_log

DEMO_LOG_NAME = "demo-queue_log"
DEFAULT_DAYS = 182
# About 30,000 calls over the half-year: imported in a few seconds on SQLite.
DEFAULT_CALLS_PER_DAY = 160
DEFAULT_SEED = 10000

Progress = Callable[[str, int, int], None]


def import_demo_hotline(*, now: dt.datetime, var_dir: str | Path, numbers: Sequence[str],
                        days: int = DEFAULT_DAYS,
                        calls_per_day: float = DEFAULT_CALLS_PER_DAY,
                        seed: int = DEFAULT_SEED,
                        progress: Progress | None = None) -> ImportResult:
    """Write the demo's queue_log for the ``days`` before ``now`` and import it.

    Returns the import's ``ImportResult`` (calls added, queues not mapped …).
    """
    path = Path(var_dir) / DEMO_LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    first_day = local(now).date() - dt.timedelta(days=days)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=local(now).tzinfo)
    if progress is not None:
        progress("hotline log", 0, 2)
    write_queue_log(path, start=start, days=days, calls_per_day=calls_per_day, seed=seed,
                    numbers=numbers)
    if progress is not None:
        progress("hotline log", 1, 2)
    result = do_import_call_log(now=now, path=str(path), fmt="asterisk-queue-log")
    if progress is not None:
        progress("hotline log", 2, 2)
    return result
