"""Import of finished historical requests, in bulk.

``do_import_finished_requests`` stores each ``FinishedRequest`` as the services
would have left it once finished — a work order (``resolved``, or ``closed``
once the subscriber's confirmation window has passed, as the clock job leaves
it) or a completed customer order with its item — with its stopped SLA clock
and pauses computed by the SLA engine (``sla.services.do_record_finished_clocks``:
the standard in force at acceptance, the same arithmetic as a live clock).

It writes through ``core.bulk.BulkTable`` (``COPY`` on PostgreSQL): codes come
from reserved primary keys (``WO…``/``PO…`` in the normal sequence), so a batch
costs a handful of statements, not a few per row. Per batch one audit entry;
no timeline events, TMF events or SMS (the requests are history). Subscriptions
are not changed: the lines are already in the state these requests left them.

A request about a line telcodesk does not know (a subscriber who left before
the switch-over) is kept as a ``HistoricalRequest``: no customer, line or work
order, but its stopped SLA clock counts in the figures like any other, in the
branch and area the file gives (``unit``, ``area``; default the operator's top
unit and that unit's area), and its clock is labelled "historical line".
All or nothing: a bad request refuses the whole call with an error naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.urls import reverse

from telcodesk.core import phone
from telcodesk.core.bulk import BulkTable, instant_column, values_subquery
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.selectors import org_unit_top, org_units_by_code_or_name
from telcodesk.core.services import do_audit
from telcodesk.customers import selectors as customer_selectors
from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import (
    CODE_DIGITS,
    ORDER_CODE_PREFIX,
    WORK_ORDER_CODE_PREFIX,
    ConfirmationKind,
    CustomerOrder,
    HistoricalRequest,
    ItemKind,
    OrderChannel,
    OrderItem,
    OrderState,
    Team,
    TicketStatus,
    WorkOrder,
    WorkOrderKind,
)
from telcodesk.orders.parsers.history import FinishedRequest, ref
from telcodesk.orders.services._common import ITEM_ACTIONS, repair_confirm_window
from telcodesk.sla import services as sla_services
from telcodesk.sla.errors import SlaError

DEFAULT_BATCH = 5000
# The status reason of imported work orders and the state reason of imported orders.
IMPORTED = "imported history"
# How the clock of a request on a line telcodesk does not know is labelled.
HISTORICAL_LINE = "historical line"
_E164 = re.compile(r"^\+\d{6,15}$")
_CODE_SLOT = "__code__"

WORK_ORDER_FIELDS = (
    "id", "code", "kind", "ticket_type", "service", "subscription_id", "customer_id",
    "address", "org_unit_id", "area", "team_id", "technician_id", "status", "status_reason",
    "status_changed_at", "channel", "name", "description", "external_id", "sla_clock_id",
    "created_at", "updated_at", "resolved_at", "closed_at")
ORDER_FIELDS = (
    "id", "code", "customer_id", "subscription_id", "channel", "state", "state_reason",
    "description", "confirmation_kind", "signed_at", "auto_complete", "org_unit_id",
    "created_at", "updated_at", "state_changed_at", "completed_at", "sla_clock_id")
ITEM_FIELDS = ("order_id", "position", "action", "kind", "state", "subscription_id",
               "service", "number")
HISTORICAL_FIELDS = ("external_id", "kind", "service", "number", "org_unit_id", "area",
                     "channel", "description", "accepted_at", "finished_at", "sla_clock_id",
                     "imported_at")


# A request on a known line: (request, line, customer, pk, code, technician, team).
_Record = tuple[FinishedRequest, Any, Any, int, str, int | None, int | None]


class _OnHistory(NamedTuple):
    """A request on a line telcodesk does not know, kept as a ``HistoricalRequest``."""

    request: FinishedRequest
    unit_id: int
    area: str
    number: str


@dataclass
class HistorySummary:
    work_orders: int = 0
    orders: int = 0
    historical: int = 0  # of which on lines telcodesk does not know
    pauses: int = 0
    timely: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    batches: int = 0

    @property
    def total(self) -> int:
        return self.work_orders + self.orders + self.historical

    @property
    def late(self) -> int:
        return self.total - self.timely

    @property
    def timely_share(self) -> float | None:
        return self.timely / self.total if self.total else None


def order_state_reason(external_id: str) -> str:
    """The state reason of an imported order (it carries the legacy id: orders have no
    external id column)."""
    return f"{IMPORTED} {external_id}".strip()[:300]


class _Importer:
    def __init__(self, *, now: dt.datetime, actor: User | None, channel: str) -> None:
        self.now, self.actor, self.channel = now, actor, channel
        self.summary = HistorySummary()
        self.clock_writer = sla_services.FinishedClockWriter()
        self.work_orders = BulkTable(WorkOrder, WORK_ORDER_FIELDS)
        self.orders = BulkTable(CustomerOrder, ORDER_FIELDS)
        self.items = BulkTable(OrderItem, ITEM_FIELDS)
        self.historical = BulkTable(HistoricalRequest, HISTORICAL_FIELDS)
        self.top: OrgUnit | None = None
        self.work_order_url = reverse("console:work_order", args=[_CODE_SLOT])
        self.order_url = reverse("console:order", args=[_CODE_SLOT])
        self.labels = {**{k: str(WorkOrderKind(k).label) for k in WorkOrderKind.values},
                       **{f"item:{k}": str(ItemKind(k).label) for k in ItemKind.values}}
        self.confirm_window = repair_confirm_window()
        self.external_ids: set[str] = set()
        self.numbers: dict[tuple[str, str], str] = {}
        self.position = 0
        self.instant = instant_column()
        self.actions = {kind: str(action) for kind, action in ITEM_ACTIONS.items()}
        self.signature = ConfirmationKind.COUNTER_SIGNATURE.value
        self.no_confirmation = ConfirmationKind.NONE.value

    # --- helpers

    def _refuse(self, where: str, message: str) -> OrdersError:
        return OrdersError(OrdersErrorCode.INVALID, f"{where}: {message}")

    def _number(self, service: str, raw: str) -> str:
        key = (service, raw)
        found = self.numbers.get(key)
        if found is None:
            text = raw.strip()
            found = text
            if service != "broadband" and not _E164.match(text):
                try:
                    found = phone.normalize(text)
                except phone.InvalidPhoneNumber:
                    found = text
            self.numbers[key] = found
        return found

    @staticmethod
    def _pick(lines: list[customer_selectors.LineRecord], at: dt.datetime,
              periods: dict[int, tuple[dt.datetime, dt.datetime | None]]
              ) -> customer_selectors.LineRecord:
        """The line the request was about: live at ``at``, else the live one, else the
        last one (``periods`` holds the validity of numbers used by several lines)."""
        if len(lines) == 1:
            return lines[0]
        def covers(line: customer_selectors.LineRecord) -> bool:
            start, end = periods[line.id]
            return start <= at and (end is None or end > at)

        covering = [r for r in lines if covers(r)]
        if covering:
            return max(covering, key=lambda r: periods[r.id][0])
        live = [r for r in lines if r.live]
        if live:
            return max(live, key=lambda r: periods[r.id][0])
        return max(lines, key=lambda r: periods[r.id][1] or periods[r.id][0])

    def _historical(self, request: FinishedRequest, where: str, units: dict[str, OrgUnit],
                    technician: int | None) -> tuple[sla_services.FinishedClock, _OnHistory]:
        """The clock and record of a request on a line telcodesk does not know."""
        if request.unit:
            unit = units.get(request.unit)
            if unit is None:
                raise self._refuse(where, f"no branch {request.unit!r} (a code or a name)")
        else:
            if self.top is None:
                self.top = org_unit_top()
            if self.top is None:
                raise self._refuse(where, "no branch to file the request under")
            unit = self.top
        area = request.area or unit.area or "any"
        number = self._number(request.service, request.subscription)
        shown = number if request.service == "broadband" else phone.mask(number)
        label = self.labels[request.kind] if request.is_work_order else \
            self.labels[f"item:{request.kind}"]
        clock = sla_services.FinishedClock(
            service=request.service, kind=request.request_kind, area=area, tier="any",
            org_unit_id=unit.pk, accepted_at=request.accepted_at,
            stopped_at=request.finished_at,
            subject_label=f"{label} · {HISTORICAL_LINE} {shown}"[:120], subject_url="",
            assignee_id=technician,
            pauses=tuple(sla_services.FinishedPause(p.reason, p.start, p.end)
                         for p in request.pauses),
            ref=f"{where}, {request.service} number {shown} not in telcodesk",
            request_types=request.request_types)
        return clock, _OnHistory(request, unit.pk, area, number)

    # --- one batch

    def run(self, chunk: Sequence[FinishedRequest]) -> None:
        refs = []
        for request in chunk:
            self.position += 1
            where = ref(request, self.position)
            refs.append(where)
            problems = request.problems()
            if problems:
                raise self._refuse(where, "; ".join(problems))
            if request.finished_at > self.now:
                raise self._refuse(where, "finished in the future")
            if request.external_id:
                if request.external_id in self.external_ids:
                    raise self._refuse(where, f"external id {request.external_id} appears "
                                              "twice")
                self.external_ids.add(request.external_id)
        self._check_not_imported(chunk, refs)

        keys = [(r.service, self._number(r.service, r.subscription)) for r in chunk]
        by_key: dict[tuple[str, str], list[customer_selectors.LineRecord]] = {}
        for stored in customer_selectors.lines_by_number({number for _, number in keys}):
            by_key.setdefault((stored.service, stored.number), []).append(stored)
        shared = [line.id for group in by_key.values() if len(group) > 1 for line in group]
        periods = customer_selectors.line_periods(shared) if shared else {}
        lines: list[customer_selectors.LineRecord | None] = []
        for request, key in zip(chunk, keys, strict=True):
            candidates = by_key.get(key)
            lines.append(self._pick(candidates, request.accepted_at, periods)
                         if candidates else None)
        units = org_units_by_code_or_name(
            {r.unit for r, line in zip(chunk, lines, strict=True) if line is None and r.unit})
        owner_ids = {line.customer_id for line in lines if line is not None}
        customer_codes = {r.customer for r, line in zip(chunk, lines, strict=True)
                          if r.customer and line is not None}
        customers = customer_selectors.customers_by_id_or_code(
            ids=owner_ids, codes=customer_codes) if owner_ids or customer_codes else []
        by_id = {c.id: c for c in customers}
        by_code = {c.code: c for c in customers}
        staff = dict(User.objects.filter(
            username__in={r.technician for r in chunk if r.technician}).values_list(
            "username", "pk"))
        teams = dict(Team.objects.filter(code__in={r.team for r in chunk if r.team})
                     .values_list("code", "pk"))

        known = [line is not None for line in lines]
        work_ids = iter(self.work_orders.reserve_ids(
            sum(r.is_work_order and k for r, k in zip(chunk, known, strict=True))))
        order_ids = iter(self.orders.reserve_ids(
            sum(not r.is_work_order and k for r, k in zip(chunk, known, strict=True))))
        clocks: list[sla_services.FinishedClock] = []
        records: list[_Record | _OnHistory] = []
        for request, line, where in zip(chunk, lines, refs, strict=True):
            technician = staff.get(request.technician) if request.technician else None
            if request.technician and technician is None:
                raise self._refuse(where, f"no staff member {request.technician!r}")
            team = teams.get(request.team) if request.team else None
            if request.team and team is None:
                raise self._refuse(where, f"no team {request.team!r}")
            if line is None:
                clock, record = self._historical(request, where, units, technician)
                clocks.append(clock)
                records.append(record)
                continue
            customer = by_code.get(request.customer) if request.customer else \
                by_id.get(line.customer_id)
            if customer is None:
                raise self._refuse(where, f"no customer {request.customer}")
            if request.is_work_order:
                pk = next(work_ids)
                code = f"{WORK_ORDER_CODE_PREFIX}{pk:0{CODE_DIGITS}d}"
                label, url = self.labels[request.kind], self.work_order_url
            else:
                pk = next(order_ids)
                code = f"{ORDER_CODE_PREFIX}{pk:0{CODE_DIGITS}d}"
                label, url = self.labels[f"item:{request.kind}"], self.order_url
            clocks.append(sla_services.FinishedClock(
                service=request.service, kind=request.request_kind, area=line.area,
                tier=customer.tier, org_unit_id=line.org_unit_id,
                accepted_at=request.accepted_at, stopped_at=request.finished_at,
                subject_label=f"{code} {label}"[:120],
                subject_url=url.replace(_CODE_SLOT, code), assignee_id=technician,
                pauses=tuple(sla_services.FinishedPause(p.reason, p.start, p.end)
                             for p in request.pauses),
                ref=where, request_types=request.request_types))
            records.append((request, line, customer, pk, code, technician, team))

        before = self.clock_writer.timely
        try:
            clock_ids = sla_services.do_record_finished_clocks(clocks=clocks,
                                                               writer=self.clock_writer)
        except SlaError as exc:
            raise OrdersError(OrdersErrorCode.INVALID, exc.message) from exc
        self._write(records, clock_ids)
        summary = self.summary
        summary.timely += self.clock_writer.timely - before
        summary.pauses += sum(len(r.pauses) for r in chunk)
        summary.by_kind.update(r.kind for r in chunk)
        summary.batches += 1
        codes = [record[4] for record in records if not isinstance(record, _OnHistory)]
        historical = known.count(False)
        work = sum(r.is_work_order and k for r, k in zip(chunk, known, strict=True))
        summary.work_orders += work
        summary.orders += len(chunk) - work - historical
        summary.historical += historical
        do_audit(now=self.now, actor=self.actor, channel=self.channel,
                 action="orders.import_history", target_type="history_import",
                 target_id=(f"{min(codes)}..{max(codes)}" if len(codes) > 1
                            else codes[0] if codes else refs[0]),
                 summary=f"{len(chunk)} finished requests imported: {work} work orders, "
                         f"{len(chunk) - work - historical} orders, {historical} on "
                         "historical lines",
                 details={"kinds": dict(Counter(r.kind for r in chunk)),
                          "from": refs[0], "to": refs[-1]})

    def _check_not_imported(self, chunk: Sequence[FinishedRequest], refs: list[str]) -> None:
        work = {r.external_id: where for r, where in zip(chunk, refs, strict=True)
                if r.external_id and r.is_work_order}
        orders = {order_state_reason(r.external_id): where
                  for r, where in zip(chunk, refs, strict=True)
                  if r.external_id and not r.is_work_order}
        every = {r.external_id: where for r, where in zip(chunk, refs, strict=True)
                 if r.external_id}
        if every:
            hit = HistoricalRequest.objects.filter(
                external_id__in=values_subquery(every)).values_list("external_id",
                                                                     flat=True).first()
            if hit:
                raise self._refuse(every[hit], f"external id {hit} was already imported "
                                               f"(as a request on a historical line)")
        if work:
            found = WorkOrder.objects.filter(external_id__in=values_subquery(work)).values_list(
                "external_id", "code").first()
            if found:
                raise self._refuse(work[found[0]], f"external id {found[0]} was already "
                                                   f"imported as {found[1]}")
        if orders:
            found = CustomerOrder.objects.filter(
                state_reason__in=values_subquery(orders)).values_list(
                "state_reason", "code").first()
            if found:
                raise self._refuse(orders[found[0]], f"external id "
                                                     f"{found[0][len(IMPORTED) + 1:]} was "
                                                     f"already imported as {found[1]}")

    def _write(self, records: Sequence[_Record | _OnHistory], clock_ids: Sequence[int]) -> None:
        text = self.instant  # datetimes as the columns take them (rows are ``prepared``)
        closed_status, resolved_status = TicketStatus.CLOSED.value, TicketStatus.RESOLVED.value
        completed = OrderState.COMPLETED.value
        work_rows: list[tuple[Any, ...]] = []
        order_rows: list[tuple[Any, ...]] = []
        item_rows: list[tuple[Any, ...]] = []
        historical_rows: list[tuple[Any, ...]] = []
        for record, clock_id in zip(records, clock_ids, strict=True):
            if isinstance(record, _OnHistory):
                request = record.request
                historical_rows.append((
                    request.external_id, request.kind, request.service, record.number,
                    record.unit_id, record.area, request.request_channel, request.description,
                    text(request.accepted_at), text(request.finished_at), clock_id,
                    text(self.now)))
                continue
            request, line, customer, pk, code, technician, team = record
            accepted = text(request.accepted_at)
            finished = text(request.finished_at)
            channel = request.request_channel
            if request.is_work_order:
                closed_at = request.finished_at + self.confirm_window
                closed = text(closed_at) if closed_at <= self.now else None
                last = closed or finished
                work_rows.append((
                    pk, code, request.kind,
                    "fault" if request.kind == WorkOrderKind.REPAIR else request.kind,
                    request.service, line.id, customer.id, line.address, line.org_unit_id,
                    line.area, team, technician, closed_status if closed else resolved_status,
                    IMPORTED, last, channel, self.labels[request.kind], request.description,
                    request.external_id, clock_id, accepted, last, finished, closed))
            else:
                counter = channel == OrderChannel.COUNTER
                order_rows.append((
                    pk, code, customer.id, line.id, channel, completed,
                    order_state_reason(request.external_id), request.description[:500],
                    self.signature if counter else self.no_confirmation,
                    accepted if counter else None, True, line.org_unit_id, accepted, finished,
                    finished, finished, clock_id))
                item_rows.append((pk, 1, self.actions[request.kind], request.kind, completed,
                                  line.id, line.service, line.number))
        self.work_orders.insert(work_rows, prepared=True)
        self.orders.insert(order_rows, prepared=True)
        self.items.insert(item_rows, prepared=True)
        self.historical.insert(historical_rows, prepared=True)


@transaction.atomic
def do_import_finished_requests(*, now: dt.datetime, actor: User | None,
                                requests: Iterable[FinishedRequest], batch: int = DEFAULT_BATCH,
                                channel: str = Channel.SYSTEM) -> HistorySummary:
    """Store finished historical requests with their SLA clocks, ``batch`` at a time.

    Refused (nothing written): a request finished before it was accepted or after
    ``now``, a pause outside the request or overlapping another, an unknown
    kind, service, pause reason, channel, line, customer, technician or team, no
    service standard in force at acceptance, an external id given twice or
    already imported. ``channel`` is the audit channel.
    """
    if batch < 1:
        raise OrdersError(OrdersErrorCode.INVALID, "the batch size must be at least 1")
    importer = _Importer(now=now, actor=actor, channel=channel)
    chunk: list[FinishedRequest] = []
    for request in requests:
        chunk.append(request)
        if len(chunk) >= batch:
            importer.run(chunk)
            chunk = []
    if chunk:
        importer.run(chunk)
    return importer.summary
