"""Records for the report's command, pages and publication tests: busy-hour
counters and billing-error counts of 2025H2 (and one of 2025H1), enough for the
real indicator engine to produce figures, one of them failing its target."""

from __future__ import annotations

import datetime as dt

from telcodesk.quality.models import (
    BillingErrorCount,
    NetworkCell,
    NetworkCounter,
    NetworkImport,
)
from tests.conftest import SHANGHAI

# After 2025H2 has ended: its report is complete.
AFTER_H2 = dt.datetime(2026, 1, 12, 10, 0, tzinfo=SHANGHAI)


def add_records(org) -> None:
    run = NetworkImport.objects.create(file_name="counters.csv", sha256="0" * 64,
                                       imported_at=AFTER_H2)
    cells = {"XD-1": NetworkCell.objects.create(code="XD-1", org_unit=org.xiaodian),
             "YG-1": NetworkCell.objects.create(code="YG-1", org_unit=org.yungang)}
    counters = [
        # cell, day, attempts, answered, busy, no answer, unreachable, tch requests,
        # tch failures, connected, dropped
        ("XD-1", "2025-08-10", 1000, 900, 40, 30, 10, 1200, 6, 900, 9),
        ("YG-1", "2025-11-03", 500, 300, 20, 20, 10, 600, 30, 300, 24),
        ("XD-1", "2025-06-10", 1000, 950, 10, 10, 10, 1000, 1, 950, 5),  # 2025H1
    ]
    for (cell, day, attempts, answered, busy, no_answer, unreachable, tch, fail, connected,
         dropped) in counters:
        NetworkCounter.objects.create(
            cell=cells[cell], day=dt.date.fromisoformat(day), busy_hour=20,
            call_attempts=attempts, answered=answered, called_busy=busy, no_answer=no_answer,
            unreachable=unreachable, tch_requests=tch, tch_failures_no_channel=fail,
            connected_calls=connected, dropped_calls=dropped, source=run)
    for month, unit, erroneous, total in (("2025-07-01", None, 3, 100_000),
                                          ("2025-08-01", org.taiyuan, 2, 10_000),
                                          ("2025-06-01", None, 1, 100_000)):
        BillingErrorCount.objects.create(month=dt.date.fromisoformat(month), org_unit=unit,
                                         erroneous_records=erroneous, all_records=total,
                                         source="entered", entered_at=AFTER_H2)
