"""The outbox dispatcher: claim due messages, hand them to a transport, record results.

One pass (``dispatch_once``):

1. ``claim_batch`` takes up to ``batch_size`` due rows in one short transaction:
   ``queued``/``held`` rows whose ``next_attempt_at`` has passed, and ``sending``
   rows whose lease ran out (their worker died). On PostgreSQL the rows are
   selected ``FOR UPDATE SKIP LOCKED``, so two dispatchers never take the same
   row; on SQLite the claim transaction holds the database's write lock
   (``BEGIN IMMEDIATE``), which serialises claims. Claimed rows become
   ``sending`` with a lease (owner and expiry) and one more attempt.
2. The transport submits the batch and hands the answers over as they come
   (``on_results``); ``services.do_record_submit_results`` records them in a few
   bulk updates before the transport writes the next ``submit_sm``. A worker
   killed mid-batch has therefore left at most one window of messages accepted
   by the SMS centre and not recorded: only those can be sent twice.
3. Receipts the transport collected are recorded and matched
   (``services.do_record_receipts``).

``run_dispatcher`` repeats passes until ``stop`` is set, reading the clock
(``core.clock.now``) once per pass: it is the edge, the functions below it are
given ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q

from telcodesk.core import clock
from telcodesk.notify.kinds import Category
from telcodesk.notify.models import OutboxMessage, State
from telcodesk.notify.services import (
    Claimed,
    do_handle_reply,
    do_record_receipts,
    do_record_submit_results,
    outbox_wakeup,
    quiet_hours,
    wire_key,
)
from telcodesk.notify.transports.base import (
    OutgoingSms,
    SubmitResult,
    SubmitStatus,
    Transport,
)

log = logging.getLogger(__name__)

_CLAIMED_FIELDS = ("pk", "dedupe_key", "recipient", "sender", "body", "category", "attempts",
                   "resends", "segments")


def default_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TELCODESK_SMS_LEASE_SECONDS)


def claim_batch(*, now: dt.datetime, owner: str, limit: int,
                lease: dt.timedelta | None = None,
                only_ids: Sequence[int] | None = None) -> list[Claimed]:
    """Claim up to ``limit`` due messages for ``owner``; no two callers get the same row.

    Marketing that falls due inside the quiet hours (a backlog running late) is
    put back on hold until they end instead of being claimed.
    """
    lease = lease or default_lease()
    with transaction.atomic():
        # A deleted message never goes out, also when its worker died mid-send.
        OutboxMessage.objects.filter(
            Q(state__in=[State.QUEUED, State.HELD]) | Q(state=State.SENDING, lease_until__lte=now),
            deleted_at__isnull=False,
        ).update(
            state=State.CANCELLED, state_reason="deleted through the API", finished_at=now,
            lease_owner="", lease_until=None)
        live = OutboxMessage.objects.filter(deleted_at__isnull=True)
        due = live.filter(state__in=[State.QUEUED, State.HELD], next_attempt_at__lte=now)
        abandoned = live.filter(state=State.SENDING, lease_until__lte=now)
        if only_ids is not None:
            due, abandoned = due.filter(pk__in=only_ids), abandoned.filter(pk__in=only_ids)
        rows: list[tuple[int, str]] = []
        for queryset in (abandoned, due):
            if len(rows) >= limit:
                break
            ordered = queryset.order_by("next_attempt_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                ordered = ordered.select_for_update(skip_locked=True)
            rows += list(ordered.values_list("pk", "category")[: limit - len(rows)])
        if not rows:
            return []
        window_end = quiet_hours().end_after(now)
        held = [pk for pk, category in rows if category == Category.MARKETING] \
            if window_end is not None else []
        if held:
            OutboxMessage.objects.filter(pk__in=held).update(
                state=State.HELD, state_reason="quiet hours", not_before=window_end,
                next_attempt_at=window_end, lease_owner="", lease_until=None)
        ids = [pk for pk, _ in rows if pk not in set(held)]
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(
            state=State.SENDING, lease_owner=owner[:100], lease_until=now + lease,
            attempts=F("attempts") + 1)
        claimed = OutboxMessage.objects.filter(pk__in=ids).order_by("pk").values_list(
            *_CLAIMED_FIELDS)
        return [Claimed(*row) for row in claimed]


def outgoing(message: Claimed) -> OutgoingSms:
    # A resend is a new submission on purpose: its key differs, so an SMS centre
    # that drops repeats does not drop it.
    key = message.dedupe_key if not message.resends else \
        f"{message.dedupe_key}#r{message.resends}"
    return OutgoingSms(outbox_id=message.id, dedupe_key=key, recipient=message.recipient,
                       sender=message.sender, body=message.body, wire_key=wire_key(key))


@dataclass
class DispatchStats:
    claimed: int = 0
    submitted: int = 0
    retried: int = 0
    failed: int = 0
    receipts: int = 0
    delivered: int = 0
    undelivered: int = 0
    replies: int = 0
    transport_error: str = ""

    @property
    def busy(self) -> bool:
        return bool(self.claimed or self.receipts)


def dispatch_once(*, transport: Transport, now: dt.datetime, owner: str,
                  batch_size: int | None = None,
                  lease: dt.timedelta | None = None,
                  clock_now: Callable[[], dt.datetime] | None = None) -> DispatchStats:
    """One pass: claim, submit, record; then record the receipts collected so far.

    Answers are recorded while the batch is on the link, each time at
    ``clock_now()`` when given (a batch at a slow SMS centre takes a while), else
    at ``now``.
    """
    stats = DispatchStats()
    claimed = claim_batch(now=now, owner=owner,
                          limit=batch_size or settings.TELCODESK_SMS_BATCH_SIZE, lease=lease)
    stats.claimed = len(claimed)
    if claimed:
        by_id = {message.id: message for message in claimed}
        recorded: set[int] = set()

        def record(results: list[SubmitResult]) -> None:
            fresh = [r for r in results if r.outbox_id in by_id and r.outbox_id not in recorded]
            if not fresh:
                return
            outcome = do_record_submit_results(
                now=clock_now() if clock_now is not None else now, transport=transport.name,
                claimed=by_id, results=fresh)
            recorded.update(r.outbox_id for r in fresh)
            stats.submitted += outcome.submitted
            stats.retried += outcome.retried
            stats.failed += outcome.failed

        try:
            results = list(transport.submit_batch([outgoing(m) for m in claimed],
                                                  on_results=record))
        except Exception as exc:  # link down, peer closed: every message is retried
            log.warning("transport %s failed to submit %d messages: %s",
                        getattr(transport, "name", "?"), len(claimed), exc)
            stats.transport_error = f"{exc.__class__.__name__}: {exc}"
            results = [SubmitResult(m.id, SubmitStatus.RETRY,
                                    error=f"transport error: {stats.transport_error}")
                       for m in claimed if m.id not in recorded]
        answered = {result.outbox_id for result in results} | recorded
        results += [SubmitResult(m.id, SubmitStatus.RETRY, error="no answer from the transport")
                    for m in claimed if m.id not in answered]
        record(results)
    if not stats.transport_error:
        try:
            reports = transport.poll_receipts()
        except Exception as exc:
            log.warning("transport %s failed to report receipts: %s",
                        getattr(transport, "name", "?"), exc)
            stats.transport_error = f"{exc.__class__.__name__}: {exc}"
            reports = []
        if reports:
            receipts = do_record_receipts(now=now, transport=transport.name, reports=reports)
            stats.receipts = receipts.received
            stats.delivered, stats.undelivered = receipts.delivered, receipts.failed
        for reply in transport.poll_inbound():
            stats.replies += 1
            do_handle_reply(now=now, number=reply.source, text=reply.text)
    return stats


def _wait(stop: threading.Event, seconds: float) -> None:
    """Wait up to ``seconds`` for ``stop`` or for new messages queued in this process."""
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        if outbox_wakeup.wait(min(remaining, 0.1)):
            outbox_wakeup.clear()
            return


def run_dispatcher(*, transport: Transport, stop: threading.Event, owner: str,
                   batch_size: int | None = None, idle_wait: float = 1.0,
                   on_pass: Callable[[DispatchStats], None] | None = None) -> None:
    """Dispatch until ``stop`` is set. Transport failures close and reopen the
    transport with a growing pause; nothing is lost, messages are retried."""
    opened = False
    failures = 0
    try:
        while not stop.is_set():
            try:
                if not opened:
                    transport.open()
                    opened = True
                stats = dispatch_once(transport=transport, now=clock.now(), owner=owner,
                                      batch_size=batch_size, clock_now=clock.now)
                if on_pass is not None:
                    on_pass(stats)
                if stats.transport_error:
                    raise ConnectionError(stats.transport_error)
                failures = 0
                if not stats.claimed:
                    close_old_connections()
                    _wait(stop, idle_wait)
            except Exception as exc:
                failures += 1
                pause = min(30.0, 0.5 * (2 ** min(failures, 6)))
                log.warning("dispatcher %s: %s; retrying in %.1f s", owner, exc, pause)
                if opened:
                    _close_quietly(transport)
                    opened = False
                close_old_connections()
                _wait(stop, pause)
    finally:
        if opened:
            _close_quietly(transport)
        connection.close()


def _close_quietly(transport: Transport) -> None:
    try:
        transport.close()
    except Exception as exc:
        log.warning("closing transport %s: %s", getattr(transport, "name", "?"), exc)
