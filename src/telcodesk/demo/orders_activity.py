"""The demo's orders and faults: half a year of history and the current weeks' queue.

Volumes follow the customer count (per 1,000 customers and month: about 15
broadband installs, 40 fault repairs and 60 business changes, see ``RATES``).

- History: the last complete half-year before ``now`` (1 January – 1 July, or
  1 July – 1 January), so the period contains Spring Festival or National Day;
  every request is finished, mostly in time, a few late (breaches), some with
  the customer absent at the appointment (an excluded ``customer_absent``
  pause) or asking to postpone (``customer_postponed``).
- The current weeks (``CURRENT_DAYS`` before ``now``): the same flow, but what
  is not finished by ``now`` stays open, so the queues show work in time, near
  its limit (warning) and late (breached).

Everything goes through ``orders.services`` with historical ``now`` values (the
services take ``now``), so the SLA clocks, pauses, timelines and audit entries
are what real use would have written. Requests are executed in order of
acceptance; every random choice comes from ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telcodesk.core.clock import local, operator_zone
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.customers.selectors import (
    live_subscription_by_number,
    package_by_code,
    visible_customers,
)
from telcodesk.demo import data
from telcodesk.notify.selectors import visible_messages
from telcodesk.notify.services import do_cancel
from telcodesk.orders import services as order_services
from telcodesk.orders.checklists import checklist_for

Progress = Callable[[str, int, int], None]

# Requests per 1,000 customers and month.
RATES = {"install": 15, "repair": 40, "change": 60}
CURRENT_DAYS = 14
# Every request goes through the services (about 20 ms and 40 queries each on
# SQLite), so the default demo writes a sample of the realistic volume: 5 % of
# the half-year and 40 % of the current weeks. Rates, shares and durations
# are unchanged, so timely rates and averages look like the full volume's.
HISTORY_SHARE = 0.05
CURRENT_SHARE = 0.4
# Shares of requests with a customer-caused pause, and of late ones.
ABSENT_SHARE = 0.10
POSTPONED_SHARE = 0.04
LATE_SHARE = 0.03
# In the current weeks: requests nobody finished yet (they age into warnings and breaches).
STUCK_SHARE = 0.25
CHECKLIST_SHARE = 0.25
HISTORY_REASON = "demo history: due when the request was handled, not sent now"
MOBILE_PACKAGES = ("tianyi-29", "tianyi-59", "tianyi-99", "tianyi-199")
BROADBAND_PACKAGES = ("broadband-300", "broadband-1000")
_FAULTS = {
    "broadband": ("宽带无法上网", "宽带频繁掉线", "网速很慢", "光猫LOS灯红色闪烁"),
    "fixed": ("电话无拨号音", "通话有杂音", "电话打不进来"),
}


@dataclass
class OrdersActivitySummary:
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    orders: int = 0
    new_lines: int = 0  # subscriptions created by install orders
    work_orders: int = 0
    finished: int = 0
    open: int = 0
    paused: int = 0
    late: int = 0
    refused: int = 0
    reminders: int = 0  # completed-business SMS the requests queued
    refusals: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.orders + self.work_orders


def half_year_before(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete half-year before ``today``: [start, end)."""
    if today.month >= 7:
        return dt.date(today.year, 1, 1), dt.date(today.year, 7, 1)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year, 1, 1)


@dataclass(order=True)
class _Plan:
    accepted: dt.datetime
    seq: int
    kind: str = field(compare=False)
    line: Any = field(compare=False)
    customer: Any = field(compare=False)
    county: str = field(compare=False)
    current: bool = field(compare=False)
    stuck: bool = field(default=False, compare=False)
    # Steps due from this instant on have not happened yet.
    cutoff: dt.datetime | None = field(default=None, compare=False)


class _Generator:
    def __init__(self, *, now: dt.datetime, seed: int, summary: OrdersActivitySummary,
                 report: Progress) -> None:
        self.now = now
        # The generated work depends on the day, not the hour: everything before
        # the local midnight of ``now`` (except the few forced queue items).
        self.cutoff = dt.datetime.combine(local(now).date(), dt.time(0), tzinfo=operator_zone())
        self.rng = random.Random(seed * 6221 + 4)
        self.zone = operator_zone()
        self.summary = summary
        self.report = report
        self.staff = {u.username: u for u in User.objects.filter(
            username__regex=r"^(tech|installer|clerk|agent)\.")}
        self.teams: dict[str, Any] = {}
        self.packages = {code: package_by_code(code)
                         for code in (*MOBILE_PACKAGES, *BROADBAND_PACKAGES)}
        self.last_repair: dict[int, dt.datetime] = {}
        self.installed: set[int] = set()  # one new line per customer at most

    # --- helpers

    def business_moment(self, day: dt.date) -> dt.datetime:
        minute = self.rng.randrange(8 * 60 + 30, 19 * 60)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)

    def county_of(self, unit: OrgUnit) -> str:
        return "-".join(unit.code.split("-")[:2])

    def team(self, county: str, kind: str, unit: OrgUnit) -> Any:
        key = f"{county}-{kind}"
        if key not in self.teams:
            member = self.staff.get(f"{'installer' if kind == 'install' else 'tech'}.{county}")
            county_unit = unit if unit.code == county else (unit.parent or unit)
            crew = "装维班" if kind == "install" else "维修班"
            self.teams[key] = order_services.do_create_team(
                now=self.now, code=key, name=f"{county_unit.name}{crew}",
                org_unit=county_unit, members=[member] if member else [], channel=Channel.SYSTEM)
        return self.teams[key]

    def refuse(self, plan: _Plan, exc: DomainError) -> None:
        self.summary.refused += 1
        if len(self.summary.refusals) < 20:
            self.summary.refusals.append(f"{plan.kind} {plan.accepted:%Y-%m-%d}: {exc.message}")

    # --- one request

    def run(self, plan: _Plan) -> None:
        try:
            if plan.kind == "change":
                self.change(plan)
            elif plan.kind == "install":
                self.install(plan)
            else:
                self.repair(plan)
        except DomainError as exc:
            self.refuse(plan, exc)

    def change(self, plan: _Plan) -> None:
        line = plan.line
        current = line.package.code if line.package else ""
        choices = [c for c in MOBILE_PACKAGES if c != current]
        package = self.packages[self.rng.choice(choices)]
        channel = self.rng.choice(("hotline", "self_service", "self_service", "counter"))
        clerk = self.staff.get(f"clerk.{plan.county}") if channel == "counter" else None
        order = order_services.do_create_order(
            now=plan.accepted, actor=clerk, channel=channel, customer=plan.customer,
            subscription=line,
            items=[order_services.ItemSpec(kind="package_change", subscription=line,
                                           package=package)])
        if order.state == "pending" and order.confirmation_kind == "counter_signature":
            order_services.do_sign_order(
                now=plan.accepted + dt.timedelta(minutes=self.rng.randint(2, 15)),
                order=order, actor=clerk)
        line.package = package
        self.summary.orders += 1

    def install(self, plan: _Plan) -> None:
        if plan.customer.pk in self.installed:
            return
        self.installed.add(plan.customer.pk)
        city = plan.county.split("-")[0]
        area_code = next((c.area_code for c in data.CITIES if c.code == city), "351")
        number = ""
        while not number or live_subscription_by_number(number) is not None:
            number = f"0{area_code}A{self.rng.randrange(10**8):08d}"
        clerk = self.staff.get(f"clerk.{plan.county}")
        package = self.packages[self.rng.choice(BROADBAND_PACKAGES)]
        order = order_services.do_create_order(
            now=plan.accepted, actor=clerk, channel="counter", customer=plan.customer,
            items=[order_services.ItemSpec(kind="new_line", service="broadband", number=number,
                                           package=package,
                                           address=plan.customer.address or "—")])
        self.summary.orders += 1
        self.summary.new_lines += 1
        signed = plan.accepted + dt.timedelta(minutes=self.rng.randint(2, 10))
        order = order_services.do_sign_order(now=signed, order=order, actor=clerk)
        work_order = next(iter(order.work_orders.all()), None)
        if work_order is None:
            return
        unit = work_order.org_unit
        days = self.rng.triangular(0.3, 3.5, 1.2) if unit.area != "rural" else \
            self.rng.triangular(0.5, 5.5, 2.0)
        self.field_work(plan, work_order, "install", start=signed,
                        duration=dt.timedelta(days=days), late_extra=dt.timedelta(days=4))

    def repair(self, plan: _Plan) -> None:
        line = plan.line
        agent = self.staff.get(f"agent.{plan.county.split('-')[0]}")
        work_order = order_services.do_report_fault(
            now=plan.accepted, actor=agent, channel=self.rng.choice(
                ("hotline", "hotline", "hotline", "self_service", "counter")),
            subscription=line, description=self.rng.choice(_FAULTS[line.service]))
        hours = (self.rng.triangular(1, 20, 5) if work_order.area != "rural"
                 else self.rng.triangular(2, 40, 10))
        self.field_work(plan, work_order, "repair", start=plan.accepted,
                        duration=dt.timedelta(hours=hours), late_extra=dt.timedelta(hours=30))

    def field_work(self, plan: _Plan, work_order: Any, kind: str, *, start: dt.datetime,
                   duration: dt.timedelta, late_extra: dt.timedelta) -> None:
        rng = self.rng
        self.summary.work_orders += 1
        technician = self.staff.get(f"{'installer' if kind == 'install' else 'tech'}.{plan.county}")
        team = self.team(plan.county, kind, work_order.org_unit)
        stuck = plan.stuck or (plan.current and rng.random() < STUCK_SHARE)
        late = rng.random() < LATE_SHARE
        if late:
            duration += late_extra
        steps: list[tuple[dt.datetime, Callable[[dt.datetime], Any]]] = []
        at = start + dt.timedelta(minutes=rng.randint(5, 60))
        steps.append((at, lambda t: order_services.do_assign_work_order(
            now=t, work_order=work_order, technician=technician, team=team, actor=None,
            channel=Channel.SYSTEM)))
        at += dt.timedelta(minutes=rng.randint(20, 120))
        steps.append((at, lambda t: order_services.do_change_work_order_status(
            now=t, work_order=work_order, status="inProgress", reason="", actor=technician,
            channel=Channel.CONSOLE)))
        roll = rng.random()
        if roll < ABSENT_SHARE + POSTPONED_SHARE:
            reason = "customer_absent" if roll < ABSENT_SHARE else "customer_postponed"
            pause = dt.timedelta(hours=rng.randint(16, 26)) if reason == "customer_absent" \
                else dt.timedelta(days=rng.randint(2, 4))
            at += dt.timedelta(minutes=rng.randint(30, 90))
            steps.append((at, lambda t, r=reason: order_services.do_pause_work_order(  # type: ignore[misc]
                now=t, work_order=work_order, reason=r,
                note="预约上门未遇用户" if r == "customer_absent" else "用户要求改约",
                actor=technician)))
            at += pause
            duration += pause
            steps.append((at, lambda t: order_services.do_resume_work_order(
                now=t, work_order=work_order, actor=technician)))
        if kind == "repair" and work_order.service == "broadband" and rng.random() < \
                CHECKLIST_SHARE:
            for step in checklist_for(kind="repair", service="broadband"):
                at += dt.timedelta(minutes=rng.randint(3, 12))
                steps.append((at, lambda t, s=step.code: order_services.do_record_checklist_step(  # type: ignore[misc]
                    now=t, work_order=work_order, step=s, result="pass", note="",
                    actor=technician)))
        done_at = max(start + duration, at + dt.timedelta(minutes=10))
        if not stuck:
            steps.append((done_at, lambda t: order_services.do_change_work_order_status(
                now=t, work_order=work_order, status="resolved", reason="", actor=technician,
                channel=Channel.CONSOLE)))
        cutoff = plan.cutoff or self.cutoff
        for when, step_action in steps:
            if when >= cutoff:
                break
            step_action(when)
        work_order.refresh_from_db()
        if work_order.status in ("resolved", "closed"):
            self.summary.finished += 1
            self.last_repair[work_order.subscription_id] = done_at
            sla = work_order.sla_clock
            if sla is not None and sla.breached:
                self.summary.late += 1
        else:
            self.summary.open += 1
            # No second fault report on the line while this one is open.
            self.last_repair[work_order.subscription_id] = self.now + dt.timedelta(days=365)
            if work_order.status in ("pending", "held"):
                self.summary.paused += 1


def generate_orders_activity(*, now: dt.datetime, seed: int,
                             progress: Progress | None = None,
                             history_share: float = HISTORY_SHARE,
                             current_share: float = CURRENT_SHARE) -> OrdersActivitySummary:
    """Write the demo's orders and work orders (in the caller's transaction).

    ``history_share`` and ``current_share`` are the parts of the realistic volume
    (``RATES``) written for the half-year and for the current weeks; 1.0 writes
    it all.
    """
    report: Progress = progress or (lambda _step, _done, _total: None)
    summary = OrdersActivitySummary()
    viewer = User.objects.filter(is_superuser=True).order_by("pk").first()
    if viewer is None:
        return summary
    today = local(now).date()
    start, end = half_year_before(today)
    summary.period_start, summary.period_end = start, end
    customers = list(visible_customers(viewer).filter(status="active").order_by("code")
                     .prefetch_related("subscriptions__package", "subscriptions__org_unit",
                                       "accounts"))
    if not customers:
        return summary
    gen = _Generator(now=now, seed=seed, summary=summary, report=report)
    rng = gen.rng
    mobiles: list[tuple[Any, Any]] = []
    wired: list[tuple[Any, Any]] = []
    for customer in customers:
        for line in customer.subscriptions.all():
            if line.active_to is not None or line.status != "active":
                continue
            if line.service == "mobile" and line.package and line.package.code in MOBILE_PACKAGES:
                mobiles.append((customer, line))
            elif line.service in ("broadband", "fixed"):
                wired.append((customer, line))
    # New broadband lines go to households on postpaid accounts (the catalog's
    # broadband packages are for individuals; prepaid accounts are mobile only).
    installable: list[tuple[Any, Any]] = [
        (c, None) for c in customers if c.party_type == "individual"
        and all(a.billing_type == "postpaid" for a in c.accounts.all())
        and len(c.subscriptions.all()) < 3]
    scale = len(customers) / 1000

    plans: list[_Plan] = []
    windows = [(start, end, False, history_share),
               (today - dt.timedelta(days=CURRENT_DAYS), today + dt.timedelta(days=1), True,
                current_share)]
    seq = 0
    for first, last, current, share in windows:
        months = (last - first).days / 30.4
        for kind, rate in RATES.items():
            count = round(rate * scale * months * share)
            pool = mobiles if kind == "change" else wired if kind == "repair" else installable
            if not pool:
                continue
            for _ in range(count):
                day = first + dt.timedelta(days=rng.randrange((last - first).days))
                accepted = gen.business_moment(day)
                if accepted >= gen.cutoff:
                    continue
                customer, line = rng.choice(pool)
                unit = line.org_unit if line is not None else customer.org_unit
                seq += 1
                plans.append(_Plan(accepted, seq, kind, line, customer, gen.county_of(unit),
                                   current))
    plans.sort()
    # Make sure the queue shows each colour at ``now``: urban repairs nobody
    # finished, two near their 24-hour limit (warning) and two well past it
    # (breached). Written last, so the rest does not depend on the hour.
    urban = [(c, line) for c, line in wired if line.area == "urban"]
    forced_rng = random.Random(seed * 31 + 7)
    if urban:
        for hours_ago in (21, 22, 50, 75):
            customer, line = forced_rng.choice(urban)
            seq += 1
            plans.append(_Plan(now - dt.timedelta(hours=hours_ago, minutes=30), seq, "repair",
                               line, customer, gen.county_of(line.org_unit), True,
                               stuck=True, cutoff=now))
    last_message = visible_messages(viewer).order_by("-pk").values_list(
        "pk", flat=True).first() or 0
    for done, plan in enumerate(plans, start=1):
        if plan.kind == "repair":
            last_done = gen.last_repair.get(plan.line.pk)
            if last_done is not None and plan.accepted < last_done + dt.timedelta(days=1):
                continue
        gen.run(plan)
        if done % 200 == 0 or done == len(plans):
            report("orders", done, len(plans))
    # The reminders these requests queued were due back then: the demo records
    # them but does not send months-old SMS when its worker starts.
    for message in visible_messages(viewer).filter(pk__gt=last_message, state="queued"):
        do_cancel(now=now, message=message, actor=None, channel=Channel.SYSTEM,
                  reason=HISTORY_REASON)
        summary.reminders += 1
    return summary
