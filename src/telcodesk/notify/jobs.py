"""Clock jobs of the notify app.

- ``notify.expire_stale``: a submitted message without a final receipt after the
  validity period (``TELCODESK_SMS_VALIDITY_HOURS``) is marked ``expired``;
  receipts that arrived before their message's SMS-centre id was recorded are
  matched again.

Held marketing needs no job: a held row carries the end of the quiet hours as
its ``next_attempt_at``, so the dispatcher's claim releases it then.
"""

from __future__ import annotations

import datetime as dt

from telcodesk.core.scheduler import Job, register

REMATCH_WINDOW = dt.timedelta(hours=6)


def expire_stale(now: dt.datetime) -> str:
    from telcodesk.notify.services import do_expire_stale, do_rematch_receipts

    expired = do_expire_stale(now=now)
    matched = do_rematch_receipts(now=now, since=now - REMATCH_WINDOW)
    return f"{expired} messages expired, {matched} late receipts matched"


def register_notify_jobs() -> None:
    register(Job("notify.expire_stale", dt.timedelta(minutes=5), expire_stale))
