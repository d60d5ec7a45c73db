"""The demo's orders and faults: half a year of history and the current weeks' queue.

Volumes follow the customer count (per 1,000 customers and month: about 19
installs, 45 fault repairs, 60 business changes and 8 reconnections, see
``HISTORY_RATES``).

- History: the last complete half-year before ``now`` (1 January – 1 July, or
  1 July – 1 January), so the period contains Spring Festival or National Day;
  every request is finished, mostly in time, a few late (breaches), some with
  the customer absent at the appointment (an excluded ``customer_absent``
  pause) or asking to postpone (``customer_postponed``), some repairs waiting
  on the customer's own line or handset (excluded) or on parts (counted). It is
  written at full volume: a sample (``history_share``) of the installs, repairs
  and package changes goes through ``orders.services`` with historical ``now``
  values, so timelines, checklists and notes exist on some records; the rest
  is imported through ``orders.services.history`` (the bulk import of finished
  requests: the same clocks, without timelines). Durations follow the
  operator's published figures (a fixed install in about 2.5 working days, a
  repair in about 14 hours, a mobile change in minutes); a few targets fail
  where a report should show red: installs in one city (``LATE_INSTALL_CITY``)
  and the repairs of one rural county in one month (``LATE_REPAIR_COUNTY``).
- The current weeks (``CURRENT_DAYS`` before ``now``): the same flow through the
  services, but what is not finished by ``now`` stays open, so the queues show
  work in time, near its limit (warning) and late (breached).

Requests are executed in order of acceptance; every random choice comes from
``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telcodesk.core.calendar import load_calendar
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
from telcodesk.notify.services import do_cancel_many
from telcodesk.orders.parsers.history import FinishedRequest, Pause
from telcodesk.orders.services import product_orders as order_services
from telcodesk.orders.services import work_orders as work_services
from telcodesk.orders.services.history import do_import_finished_requests
from telcodesk.orders.workflow.checklists import checklist_for

Progress = Callable[[str, int, int], None]

# Requests per 1,000 customers and month through the services (the current weeks).
RATES = {"install": 15, "repair": 40, "change": 60}
# The half-year's full volume per 1,000 customers and month, by (kind, service);
# "wired" repairs are of fixed lines and broadband accesses alike.
HISTORY_RATES: tuple[tuple[str, str, float], ...] = (
    ("install", "broadband", 15), ("install", "fixed", 4),
    ("repair", "wired", 40), ("repair", "mobile", 5),
    ("package_change", "mobile", 36), ("suspension", "mobile", 9),
    ("name_change", "mobile", 6), ("transfer", "mobile", 9),
    ("reconnection", "mobile", 8),
)
# Of these, the kinds the services flow below also writes (sampled by history_share).
SAMPLED = {("install", "broadband"): "install", ("repair", "wired"): "repair",
           ("package_change", "mobile"): "change"}
CURRENT_DAYS = 14
# A request through the services costs about 20 ms and 40 queries on SQLite, an
# imported one a fraction of a millisecond: the half-year's sample through the
# services keeps timelines on some records, the rest is imported; the current
# weeks get 40 % of the realistic volume, all through the services.
HISTORY_SHARE = 0.05
CURRENT_SHARE = 0.4
# Where the half-year's report shows red: installs of this city late more often
# (below the 95 % timeliness target), and the repairs of this rural county in
# the third month of the half-year.
LATE_INSTALL_CITY = "dt"
LATE_INSTALL_SHARE = 0.11
LATE_REPAIR_COUNTY = "yc-ly"
LATE_REPAIR_MONTH = 3
LATE_REPAIR_SHARE = 0.7
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
    "mobile": ("手机无信号", "无法拨打电话", "手机上网很慢"),
}
_INSTALLS = {"broadband": "新装宽带", "fixed": "新装固定电话"}
# Repairs held up by what the standard excludes: the customer's own line or handset.
OWN_PART_SHARE = 0.05
OWN_PART = {"fixed": "customer_line", "broadband": "customer_access_line",
            "mobile": "handset_fault"}
# Repairs waiting for parts (recorded; the clock keeps running).
PARTS_SHARE = 0.03
# Late shares of the imported history (besides the failing city and county).
HISTORY_LATE = {"install": 0.015, "repair": 0.015, "mobile_repair": 0.004, "change": 0.002,
                "reconnection": 0.004}
# Local hours field work finishes in (installs by day, repairs into the evening).
WORKING_HOURS = {"install": (8, 21), "repair": (7, 23)}


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
    imported: int = 0  # of the half-year's requests, imported in bulk (finished, no timeline)
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
            self.teams[key] = work_services.do_create_team(
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
        work_order = work_services.do_report_fault(
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
        steps.append((at, lambda t: work_services.do_assign_work_order(
            now=t, work_order=work_order, technician=technician, team=team, actor=None,
            channel=Channel.SYSTEM)))
        at += dt.timedelta(minutes=rng.randint(20, 120))
        steps.append((at, lambda t: work_services.do_change_work_order_status(
            now=t, work_order=work_order, status="inProgress", reason="", actor=technician,
            channel=Channel.CONSOLE)))
        roll = rng.random()
        if roll < ABSENT_SHARE + POSTPONED_SHARE:
            reason = "customer_absent" if roll < ABSENT_SHARE else "customer_postponed"
            pause = dt.timedelta(hours=rng.randint(16, 26)) if reason == "customer_absent" \
                else dt.timedelta(days=rng.randint(2, 4))
            at += dt.timedelta(minutes=rng.randint(30, 90))
            steps.append((at, lambda t, r=reason: work_services.do_pause_work_order(  # type: ignore[misc]
                now=t, work_order=work_order, reason=r,
                note="预约上门未遇用户" if r == "customer_absent" else "用户要求改约",
                actor=technician)))
            at += pause
            duration += pause
            steps.append((at, lambda t: work_services.do_resume_work_order(
                now=t, work_order=work_order, actor=technician)))
        if kind == "repair" and work_order.service == "broadband" and rng.random() < \
                CHECKLIST_SHARE:
            for step in checklist_for(kind="repair", service="broadband"):
                at += dt.timedelta(minutes=rng.randint(3, 12))
                steps.append((at, lambda t, s=step.code: work_services.do_record_checklist_step(  # type: ignore[misc]
                    now=t, work_order=work_order, step=s, result="pass", note="",
                    actor=technician)))
        done_at = max(start + duration, at + dt.timedelta(minutes=10))
        if not stuck:
            steps.append((done_at, lambda t: work_services.do_change_work_order_status(
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


def repair_limit_hours(service: str, area: str, tier: str) -> int:
    """The default standards' repair limits (``quality`` migration 0002), to draw
    durations around them."""
    if service == "mobile":
        return 48
    if tier in ("gold", "diamond"):
        return 24 if area == "rural" else (12 if tier == "gold" else 8)
    return 48 if area == "rural" else 24


class _History:
    """The half-year's finished requests for the bulk import, with plausible durations
    (counted in the standard's unit), pauses and a few failures."""

    def __init__(self, gen: _Generator, start: dt.date) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.cal = load_calendar()
        self.start = start
        self.requests: list[FinishedRequest] = []

    def month_of(self, accepted: dt.datetime) -> int:
        """1 for the first month of the half-year."""
        day = local(accepted).date()
        return (day.year - self.start.year) * 12 + day.month - self.start.month + 1

    def late(self, kind: str, service: str, county: str, accepted: dt.datetime) -> bool:
        if kind == "install":
            share = LATE_INSTALL_SHARE if county.split("-")[0] == LATE_INSTALL_CITY \
                else HISTORY_LATE["install"]
        elif kind == "repair":
            if county == LATE_REPAIR_COUNTY and self.month_of(accepted) == LATE_REPAIR_MONTH:
                share = LATE_REPAIR_SHARE
            else:
                share = HISTORY_LATE["mobile_repair" if service == "mobile" else "repair"]
        else:
            share = HISTORY_LATE["reconnection" if kind == "reconnection" else "change"]
        return self.rng.random() < share

    def amount(self, kind: str, service: str, area: str, tier: str, late: bool) -> float:
        """Counted duration: working days for installs, hours otherwise."""
        t, u = self.rng.triangular, self.rng.uniform
        rural = area == "rural"
        if kind == "install":  # 3 working days urban, 5 rural
            if late:
                return u(5.2, 7.0) if rural else u(3.15, 5.0)
            if service == "fixed":
                return t(0.6, 4.0, 1.4) if rural else t(1.3, 2.98, 2.85)
            return t(0.5, 4.8, 1.5) if rural else t(0.4, 2.95, 1.6)
        if kind == "repair":
            limit = repair_limit_hours(service, area, tier)
            if late:
                return limit * u(1.05, 1.8)
            if service == "mobile":
                return t(1, 40, 8)
            base = 48 if rural else 24
            scale = limit / base  # VIP tiers: the same spread under their shorter limit
            if service == "fixed":
                return scale * (t(2, 46, 14) if rural else t(1.5, 23.5, 13))
            return scale * (t(1, 34, 5) if rural else t(0.7, 18, 3))
        if late:
            return u(24.5, 36)
        return (t(1, 10, 2) if kind == "reconnection" else t(1, 14, 2.5)) / 60

    def advance(self, start: dt.datetime, amount: float, working_days: bool) -> dt.datetime:
        """``amount`` of counted time after ``start``, to the whole minute below."""
        if working_days:
            end = self.cal.add_working_time(start, amount)
        else:
            end = start + dt.timedelta(hours=amount)
        return end.replace(second=0, microsecond=0)

    def measure(self, start: dt.datetime, end: dt.datetime, working_days: bool) -> float:
        if working_days:
            return self.cal.working_days_between(start, end)
        return (end - start) / dt.timedelta(hours=1)

    def visit(self, after: dt.datetime) -> dt.datetime:
        """A visit (where a customer can be absent) in the daytime, at or after ``after``."""
        at = local(after).replace(second=0, microsecond=0)
        if 8 <= at.hour < 19:
            return at
        day = at.date() + dt.timedelta(days=1) if at.hour >= 19 else at.date()
        return dt.datetime.combine(day, dt.time(9, 0), tzinfo=at.tzinfo) + dt.timedelta(
            minutes=self.rng.randrange(90))

    def daytime(self, kind: str, finish: dt.datetime, earliest: dt.datetime,
                late: bool) -> dt.datetime:
        """Field work finishes in working hours: a finish at night moves to the evening
        before (or, for late work, to the next morning)."""
        first, last = WORKING_HOURS[kind]
        at = local(finish)
        if first <= at.hour < last:
            return finish
        minute = self.rng.randrange(60)
        day = at.date() if at.hour >= last else at.date() - dt.timedelta(days=1)
        evening = dt.datetime.combine(day, dt.time(last - 1, minute), tzinfo=at.tzinfo)
        if not late:
            return evening if evening > earliest else finish  # else: worked late into the night
        day = at.date() + dt.timedelta(days=1) if at.hour >= last else at.date()
        return dt.datetime.combine(day, dt.time(first, minute), tzinfo=at.tzinfo)

    def add(self, *, kind: str, service: str, line: Any, customer: Any, county: str,
            accepted: dt.datetime) -> None:
        rng, gen = self.rng, self.gen
        late = self.late(kind, service, county, accepted)
        amount = self.amount(kind, service, line.area, customer.tier, late)
        working_days = kind == "install"
        field_work = kind in ("install", "repair")
        pauses: tuple[Pause, ...] = ()
        roll = rng.random()
        reason = ""
        if field_work and roll < ABSENT_SHARE + POSTPONED_SHARE:
            reason = "customer_absent" if roll < ABSENT_SHARE else "customer_postponed"
            length = (dt.timedelta(hours=rng.randint(16, 26)) if reason == "customer_absent"
                      else dt.timedelta(days=rng.randint(2, 4)))
        elif kind == "repair" and roll < ABSENT_SHARE + POSTPONED_SHARE + OWN_PART_SHARE:
            reason, length = OWN_PART[service], dt.timedelta(hours=rng.randint(2, 30))
        if reason:  # excluded: the finish moves on by the pause
            pause_start = self.visit(accepted + dt.timedelta(hours=rng.uniform(1, 20)))
            lead = self.measure(accepted, pause_start, working_days)
            if lead < amount * 0.8:
                pause_end = pause_start + length
                finish = self.advance(pause_end, amount - lead, working_days)
                pauses = (Pause(reason, pause_start, pause_end),)
            else:
                reason = ""
        if not reason:
            finish = self.advance(accepted, amount, working_days)
            if kind == "repair" and roll > 1 - PARTS_SHARE:  # counted: inside the work
                pause_start = (accepted + (finish - accepted) * rng.uniform(0.2, 0.5)).replace(
                    second=0, microsecond=0)
                pause_end = (pause_start + (finish - pause_start) * rng.uniform(0.3, 0.8)
                             ).replace(second=0, microsecond=0)
                pauses = (Pause("awaiting_parts", pause_start, pause_end),)
        if field_work:
            finish = self.daytime(kind, finish, pauses[-1].end if pauses else accepted, late)
        technician = team = ""
        if field_work:
            role = "installer" if kind == "install" else "tech"
            technician = f"{role}.{county}" if f"{role}.{county}" in gen.staff else ""
            team = gen.team(county, kind, line.org_unit).code
        if kind == "install":
            channel, description = "counter", _INSTALLS[service]
        elif kind == "repair":
            channel = rng.choice(("hotline", "hotline", "hotline", "self_service", "counter"))
            description = rng.choice(_FAULTS[service])
        else:
            channel = rng.choice(("counter", "self_service", "self_service", "hotline"))
            description = ""
        self.requests.append(FinishedRequest(
            kind=kind, service=service, subscription=line.number, accepted_at=accepted,
            finished_at=finish, pauses=pauses, channel=channel, description=description,
            technician=technician, team=team))


def generate_orders_activity(*, now: dt.datetime, seed: int,
                             progress: Progress | None = None,
                             history_share: float = HISTORY_SHARE,
                             current_share: float = CURRENT_SHARE) -> OrdersActivitySummary:
    """Write the demo's orders and work orders (in the caller's transaction).

    The half-year is written at full volume (``HISTORY_RATES``): ``history_share``
    of its installs, repairs and package changes through the services, the rest
    imported in bulk. ``current_share`` is the part of the realistic volume
    (``RATES``) written for the current weeks, through the services.
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
    lines: dict[str, list[tuple[Any, Any]]] = {"mobile": [], "fixed": [], "broadband": []}
    for customer in customers:
        for line in customer.subscriptions.all():
            if line.active_to is not None or line.status != "active":
                continue
            lines[line.service].append((customer, line))
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
    seq = 0
    # The half-year at full volume: a sample through the services, the rest imported.
    history = _History(gen, start)
    months = (end - start).days / 30.4
    for kind, service, rate in HISTORY_RATES:
        flow = SAMPLED.get((kind, service))
        pool = (lines["mobile"] if service == "mobile" else wired if service == "wired"
                else lines[service])
        if flow == "change":
            pool = mobiles
        if not pool:
            continue
        for _ in range(round(rate * scale * months)):
            day = start + dt.timedelta(days=rng.randrange((end - start).days))
            accepted = gen.business_moment(day)
            customer, line = rng.choice(pool)
            county = gen.county_of(line.org_unit)
            if flow is not None and rng.random() < history_share and (
                    flow != "install" or installable):
                if flow == "install":
                    customer, line = rng.choice(installable)
                    county = gen.county_of(customer.org_unit)
                seq += 1
                plans.append(_Plan(accepted, seq, flow, line, customer, county, False))
                continue
            history.add(kind=kind, service=line.service, line=line, customer=customer,
                        county=county, accepted=accepted)
    if history.requests:
        report("history", 0, len(history.requests))
        imported = do_import_finished_requests(now=now, actor=None, requests=history.requests,
                                               channel=Channel.SYSTEM)
        report("history", imported.total, imported.total)
        summary.imported = imported.total
        summary.work_orders += imported.work_orders
        summary.orders += imported.orders
        summary.finished += imported.total
        summary.late += imported.late
    # The current weeks, through the services.
    first, last = today - dt.timedelta(days=CURRENT_DAYS), today + dt.timedelta(days=1)
    months = (last - first).days / 30.4
    for kind, rate in RATES.items():
        count = round(rate * scale * months * current_share)
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
            plans.append(_Plan(accepted, seq, kind, line, customer, gen.county_of(unit), True))
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
    summary.reminders += do_cancel_many(
        now=now, messages=list(visible_messages(viewer).filter(pk__gt=last_message,
                                                               state="queued")),
        actor=None, channel=Channel.SYSTEM, reason=HISTORY_REASON)
    return summary
