"""The demo's recent activity as SMS: completed-business reminders and a little marketing.

After the operator is built, a few hundred subscribers get the reminders that
STANDARDS.md requires after completed business (payments received, package
changes, services ordered and cancelled, work orders completed, ...) spread over
the three days before today, all through ``notify.services.do_notify``. When the
demo's worker starts, it sends them into the file sink; the console shows them
on each customer's page.

Also: a marketing campaign to a few subscribers who consented, scheduled for
tonight and therefore held by the quiet hours; the same campaign refused for
subscribers without consent; and two failures for the failures page.

Everything random comes from ``random.Random(seed)``; times are counted back
from the local date of ``now`` and dedupe keys are derived from customer
numbers, so the same seed and the same day give the same messages.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telcodesk.core import phone
from telcodesk.core.clock import local, operator_zone
from telcodesk.core.models import Channel, User
from telcodesk.customers.selectors import visible_customers
from telcodesk.notify.services import (
    NotifyRequest,
    do_fail,
    do_notify,
    do_notify_bulk,
    do_opt_in,
)

Progress = Callable[[str, int, int], None]

REMINDED_CUSTOMERS = 300
HISTORY_DAYS = 3
CONSENTING = 12
NOT_CONSENTING = 6

_VAS = (("天翼云盘会员", "10元/月"), ("彩铃", "5元/月"), ("天翼视频VIP", "15元/月"),
        ("来电显示", "6元/月"), ("流量加油包10GB", "20元/月"))
_REASONS = ("挂失停机", "欠费停机", "用户申请停机保号")
_WORK = ("宽带装机", "宽带移机", "固话装机", "宽带故障修复")
_PASSWORD_CHANNELS = ("营业厅", "网上营业厅", "10000号热线")


@dataclass
class ActivitySummary:
    reminders: int = 0
    marketing_held: int = 0
    marketing_refused: int = 0
    failures: int = 0

    @property
    def total(self) -> int:
        return self.reminders + self.marketing_held + self.marketing_refused + self.failures


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def generate_activity(*, now: dt.datetime, seed: int,
                      progress: Progress | None = None) -> ActivitySummary:
    """Queue the demo's recent messages (in the caller's transaction)."""
    report: Progress = progress or (lambda _step, _done, _total: None)
    rng = random.Random(seed * 7919 + 681)
    summary = ActivitySummary()
    viewer = User.objects.filter(is_superuser=True).order_by("pk").first()
    if viewer is None:
        return summary
    today = local(now).date()
    active = visible_customers(viewer).filter(status="active")
    # The draw depends only on how many customers there are and their order, so the
    # ids are drawn and only the picked customers are read with their lines.
    ids = list(active.values_list("pk", flat=True))
    if not ids:
        return summary
    chosen = rng.sample(ids, min(REMINDED_CUSTOMERS, len(ids)))
    picked = sorted(active.filter(pk__in=chosen).prefetch_related("subscriptions__package"),
                    key=lambda c: c.code)

    def moment(days_ago: int) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        minute = rng.randrange(8 * 60 + 30, 20 * 60)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60),
                                   tzinfo=operator_zone())

    mobiles: list[tuple[Any, str]] = []
    reminders: list[NotifyRequest] = []
    for done, customer in enumerate(picked, start=1):
        lines = list(customer.subscriptions.all())
        mobile = next((s for s in lines if s.service == "mobile" and s.active_to is None), None)
        if mobile is None:
            continue
        mobiles.append((customer, mobile.number))
        wired = [s for s in lines if s.service != "mobile" and s.active_to is None]
        events = rng.sample(_EVENT_KINDS, rng.randint(1, 3))
        for n, kind in enumerate(sorted(events)):
            at = moment(rng.randint(1, HISTORY_DAYS))
            context = _context(kind, rng=rng, at=at, number=phone.national(mobile.number),
                               package=mobile.package.name, wired=bool(wired))
            # Each reminder is queued at the moment its business was done.
            reminders.append(NotifyRequest(
                kind=kind, recipient=mobile.number, context=context,
                dedupe_key=f"demo:{kind}:{customer.code}:{n}", customer=customer,
                queued_at=at))
            summary.reminders += 1
        if done % 50 == 0 or done == len(picked):
            report("messages", done, len(picked))
    do_notify_bulk(now=now, requests=reminders, channel=Channel.SYSTEM)

    _marketing(now=now, today=today, mobiles=mobiles, summary=summary)
    _failures(now=now, mobiles=mobiles, rng=rng, moment=moment, summary=summary)
    return summary


_EVENT_KINDS = ("payment_received", "package_change", "service_ordered", "service_cancelled",
                "password_changed", "points_redeemed", "roaming_opened", "reconnection",
                "suspension", "work_order_completed")


def _context(kind: str, *, rng: random.Random, at: dt.datetime, number: str, package: str,
             wired: bool) -> dict[str, Any]:
    context: dict[str, Any] = {"number": number, "time": at}
    if kind == "payment_received":
        amount = rng.choice((3000, 5000, 10000, 20000))
        context |= {"amount": _yuan(amount), "balance": _yuan(amount + rng.randrange(0, 9000))}
    elif kind == "package_change":
        context["package"] = package
    elif kind in ("service_ordered", "service_cancelled"):
        name, fee = rng.choice(_VAS)
        context["service"] = name
        if kind == "service_ordered":
            context["fee"] = fee
    elif kind == "password_changed":
        context["channel"] = rng.choice(_PASSWORD_CHANNELS)
    elif kind == "points_redeemed":
        points = rng.choice((1000, 2000, 5000))
        context |= {"points": str(points), "amount": _yuan(points)}
    elif kind == "suspension":
        context["reason"] = rng.choice(_REASONS)
    elif kind == "work_order_completed":
        context |= {"work": rng.choice(_WORK if wired else _WORK[:1]),
                    "reference": f"WO{at:%Y%m%d}{rng.randrange(10**5):05d}"}
    return context


def _marketing(*, now: dt.datetime, today: dt.date, mobiles: list[tuple[Any, str]],
               summary: ActivitySummary) -> None:
    """Tonight's campaign: held until the quiet hours end for those who consented,
    refused for the others."""
    tonight = dt.datetime.combine(today, dt.time(21, 30), tzinfo=operator_zone())
    if tonight <= now:
        tonight += dt.timedelta(days=1)
    consented = mobiles[:CONSENTING]
    refused = mobiles[CONSENTING:CONSENTING + NOT_CONSENTING]
    for customer, number in consented:
        do_opt_in(now=now - dt.timedelta(days=30), number=number, customer=customer,
                  source="营业厅业务受理单勾选")
    text = "国庆特惠：即日起加10元得30GB全国流量，当月有效，详询10000。"
    for customer, number in consented + refused:
        message = do_notify(now=now, kind="marketing", recipient=number, context={"text": text},
                            dedupe_key=f"demo:marketing:national-day:{customer.code}",
                            channel=Channel.SYSTEM, customer=customer, not_before=tonight)
        if message.state == "held":
            summary.marketing_held += 1
        else:
            summary.marketing_refused += 1


def _failures(*, now: dt.datetime, mobiles: list[tuple[Any, str]], rng: random.Random,
              moment: Callable[[int], dt.datetime], summary: ActivitySummary) -> None:
    """Two reminders the SMS centre could not deliver, as a real run records them."""
    reasons = (("failed", "ESME_RINVDSTADR (0x0B): invalid destination address"),
               ("undeliverable", "receipt undeliverable (error 001: absent subscriber)"))
    for (customer, number), (state, reason) in zip(mobiles[-2:], reasons, strict=False):
        at = moment(1)
        message = do_notify(now=at, kind="reconnection", recipient=number,
                            context={"number": phone.national(number), "time": at},
                            dedupe_key=f"demo:reconnection-failed:{customer.code}",
                            channel=Channel.SYSTEM, customer=customer)
        do_fail(now=at + dt.timedelta(minutes=rng.randint(1, 5)), message=message,
                reason=reason, state=state)
        summary.failures += 1
