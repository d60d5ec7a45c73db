"""Deadline claimers run by the clock process (registered in ``SlaConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from telcodesk.core.scheduler import Job, register

PERIOD = dt.timedelta(seconds=10)


def claim_deadlines(now: dt.datetime) -> str:
    """Breaches first (a breach settles its warning), then warnings."""
    from telcodesk.sla.services import claim_breaches, claim_warnings

    breaches = claim_breaches(now)
    warnings = claim_warnings(now)
    return f"{len(warnings)} warnings, {len(breaches)} breaches claimed"


def register_sla_jobs() -> None:
    register(Job("sla.claim_deadlines", PERIOD, claim_deadlines))
