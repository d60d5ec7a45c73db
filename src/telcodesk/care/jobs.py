"""Periodic jobs of the care domain, run by the clock process (registered in
``CareConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from telcodesk.care.services.complaints import record_deadline_events
from telcodesk.core.scheduler import Job, register

COMPLAINT_DEADLINES_PERIOD = dt.timedelta(minutes=1)


def register_care_jobs() -> None:
    register(Job("care.complaint_deadlines", COMPLAINT_DEADLINES_PERIOD,
                 record_deadline_events))
