"""The demo's radio network counters and billing-error counts.

- ``build_demo_network``: a few cells per county unit, placed in their county
  through the cell registry, and one busy-hour counter row per cell and day for
  ``[start, end)``. The rows are written as a CSV file in memory and imported
  through ``quality.services.network`` like an operator's export, so the demo
  exercises the real import. Values look like the seed report's: connection
  rate about 98 %, congestion 0.03–0.3 %, call drop 0.4–0.9 %. One city (chosen
  by the seed) is worse all along (congestion about 1 %), and in one month its
  congestion rises above 2 % and its call drop above 5 %, so the red marks show.
- ``build_demo_billing``: charge-record counts per unit and finished month with
  an error rate of 0.3–0.8 ×10⁻⁴, and one month above 1×10⁻⁴, imported through
  ``quality.services.billing`` as a CSV file.

Every random choice comes from ``random.Random(seed)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence

from telcodesk.core.clock import local
from telcodesk.core.models import Channel, OrgUnit
from telcodesk.quality.network.csv_format import BILLING_HEADER, CANONICAL_HEADER, CellRow
from telcodesk.quality.services.billing import do_import_billing_counts
from telcodesk.quality.services.network import do_import_network_file, do_register_cells

CELLS_PER_UNIT = 2
# Busy-hour call attempts per cell (urban cells carry more traffic).
ATTEMPTS = {"urban": (3000, 6500), "rural": (700, 2200)}
BUSY_HOURS = (20, 20, 20, 21, 21, 19, 11, 10)
# (congestion, drop) ranges: normal cells, the worse city, the worse city's bad month.
NORMAL = ((0.0003, 0.003), (0.004, 0.009))
WORSE = ((0.007, 0.013), (0.009, 0.015))
BAD_MONTH = ((0.022, 0.032), (0.052, 0.065))


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, cursor = [], start.replace(day=1)
    while cursor < end:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def _cell_code(unit: OrgUnit, n: int) -> str:
    return f"{unit.code.upper()}-{n:03d}"


def build_demo_network(*, now: dt.datetime, start: dt.date, end: dt.date, seed: int,
                       units: Sequence[OrgUnit], cells_per_unit: int = CELLS_PER_UNIT) -> int:
    """Register cells in ``units`` (counties) and import their counters for
    ``[start, end)`` (days before ``now``'s date only). Returns the rows imported."""
    rng = random.Random(seed)
    end = min(end, local(now).date())
    units = sorted(units, key=lambda u: u.path)
    if not units or start >= end:
        return 0
    do_register_cells(now=now, actor=None, channel=Channel.SYSTEM, rows=[
        CellRow(code=_cell_code(unit, n), name=f"{unit.name}{n}号小区", unit_code=unit.code)
        for unit in units for n in range(1, cells_per_unit + 1)])
    cities = sorted({unit.parent_id or unit.pk for unit in units})
    worse_city = rng.choice(cities)
    months = _months(start, end)
    bad_month = months[len(months) // 2] if len(months) > 1 else months[0]
    cells = [(_cell_code(unit, n), unit.area or "urban", (unit.parent_id or unit.pk) == worse_city,
              rng.uniform(0.8, 1.2))
             for unit in units for n in range(1, cells_per_unit + 1)]
    buffer = io.StringIO()
    buffer.write(CANONICAL_HEADER + "\n")
    out = csv.writer(buffer, lineterminator="\n")
    draw = rng.random  # one uniform draw in [0, 1); cheaper than the helpers
    hours = len(BUSY_HOURS)
    day = start
    while day < end:
        weekend = 0.85 if day.weekday() >= 5 else 1.0
        stamp, bad = day.isoformat(), day.replace(day=1) == bad_month
        for code, area, worse, size in cells:
            (c_low, c_high), (d_low, d_high) = (BAD_MONTH if bad else WORSE) if worse else NORMAL
            low, high = ATTEMPTS[area]
            attempts = int((low + (high - low) * draw()) * size * weekend)
            reached = int(attempts * (0.972 + 0.018 * draw()))
            answered = int(reached * (0.83 + 0.02 * draw()))
            busy = int(reached * (0.06 + 0.02 * draw()))
            no_answer = int(reached * (0.05 + 0.02 * draw()))
            requests = int(attempts * (0.92 + 0.12 * draw()))
            failures = round(requests * (c_low + (c_high - c_low) * draw()))
            connected = requests - failures - int(requests * (0.005 + 0.015 * draw()))
            dropped = round(connected * (d_low + (d_high - d_low) * draw()))
            out.writerow((code, stamp, BUSY_HOURS[int(draw() * hours)], attempts, answered,
                          busy, no_answer, reached - answered - busy - no_answer, requests,
                          failures, connected, dropped))
        day += dt.timedelta(days=1)
    data = io.BytesIO(buffer.getvalue().encode("utf-8"))
    report = do_import_network_file(now=now, actor=None, path_or_stream=data,
                                    file_name=f"demo-counters-{start:%Y%m%d}-{end:%Y%m%d}.csv",
                                    channel=Channel.SYSTEM)
    return report.rows


def build_demo_billing(*, now: dt.datetime, start: dt.date, end: dt.date, seed: int,
                       units: Sequence[OrgUnit]) -> int:
    """Import billing-error counts per unit (cities or counties; none: the whole
    operator) for the finished months of ``[start, end)``. Returns the rows imported."""
    rng = random.Random(seed)
    this_month = local(now).date().replace(day=1)
    months = [m for m in _months(start, end) if m < this_month]
    if not months:
        return 0
    bad_month = rng.choice(months)
    codes = [unit.code for unit in sorted(units, key=lambda u: u.path)] or [""]
    buffer = io.StringIO()
    buffer.write(BILLING_HEADER + "\n")
    out = csv.writer(buffer, lineterminator="\n")
    for month in months:
        for code in codes:
            total = rng.randint(1_500_000, 4_000_000) if code else rng.randint(8_000_000,
                                                                               20_000_000)
            rate = rng.uniform(1.15e-4, 1.5e-4) if month == bad_month else rng.uniform(0.3e-4,
                                                                                      0.8e-4)
            out.writerow((f"{month:%Y-%m}", code, round(total * rate), total))
    data = io.BytesIO(buffer.getvalue().encode("utf-8"))
    report = do_import_billing_counts(now=now, actor=None, path_or_stream=data,
                                      file_name=f"demo-billing-{months[0]:%Y%m}.csv",
                                      channel=Channel.SYSTEM)
    return report.rows
