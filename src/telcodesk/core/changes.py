"""Which days of the records the service-quality indicators count have changed.

The services that finish, reopen or import those records (SLA clocks, hotline
calls, survey answers) call ``records_changed`` inside their transaction with
the source and the instants the change touched (a clock's stop, the stop it
had before a reopening, an imported call's entry). Whoever keeps daily totals
of them (``quality``: ``quality.services.totals``) listens to
``days_changed`` and marks those local days to be counted again, in the same
transaction, so a total never survives a change of the rows it was made of.

The sender lives here, in the lowest app, so that ``sla`` and ``care`` need not
know who listens (they may not import ``quality``). With nobody listening it
costs nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.dispatch import Signal

from telcodesk.core.clock import operator_zone

# The record families the indicators count (``source`` of ``days_changed``).
CLOCKS = "clocks"  # SLA clocks (sla.SlaClock): stopped, reopened, imported finished
CALLS = "calls"  # hotline calls (care.HotlineCall): imported, completed, linked
SURVEYS = "surveys"  # survey answers (care.SurveyAnswer): received, imported
SOURCES = (CLOCKS, CALLS, SURVEYS)

# Sent with ``source`` (one of SOURCES), ``first_day`` and ``last_day`` (local dates in
# the operator's zone, ``first_day <= last_day``): every record changed lies on one of
# the days ``first_day`` … ``last_day``.
days_changed = Signal()


def records_changed(*, source: str, instants: Iterable[dt.datetime | None] = (),
                    days: Iterable[dt.date] = ()) -> None:
    """Say that records of ``source`` at ``instants`` (aware; None ignored) or on the
    local ``days`` changed."""
    if not days_changed.has_listeners():
        return
    zone = operator_zone()
    found = {instant.astimezone(zone).date() for instant in instants if instant is not None}
    found.update(days)
    if not found:
        return
    days_changed.send(sender=source, source=source, first_day=min(found),
                      last_day=max(found))
