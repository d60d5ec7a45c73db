"""Periodic jobs of the quality app (registered in ``QualityConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from telcodesk.core.scheduler import Job, register

# Days close at local midnight; the changed days are recounted at every run.
REFRESH_PERIOD = dt.timedelta(minutes=10)


def refresh_totals(now: dt.datetime) -> str:
    """Recount the changed days, count the days closed since the last run."""
    from telcodesk.quality.services.totals import do_refresh_totals

    return do_refresh_totals(now=now)


def register_quality_jobs() -> None:
    register(Job("quality.refresh_totals", REFRESH_PERIOD, refresh_totals))
