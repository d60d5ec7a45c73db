"""The demo is a function of its seed and its clock: the same seed builds the same operator,
requests, complaints and SMS, a later hour of the same day the same operator and SMS, and
another seed another operator.

One module builds three demos and compares every part's fingerprint, instead of each part
building its own three (a demo build takes seconds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from telcodesk.care.models import Complaint
from telcodesk.core.models import OrgUnit, User
from telcodesk.customers.models import Account, Customer, Package, Subscription
from telcodesk.demo.builder import build_demo
from telcodesk.notify.models import OutboxMessage
from telcodesk.orders.models import CustomerOrder, WorkOrder

pytestmark = pytest.mark.django_db


def _fingerprint(rows: Any) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(row).encode())
    return h.hexdigest()


def operator() -> str:
    """Everything the builder itself generates (ids left out)."""
    return _fingerprint([
        *((u.code, u.name, u.kind, u.area, u.path) for u in OrgUnit.objects.order_by("code")),
        *((user.username, user.display_name, user.org_unit.code if user.org_unit else None,
           sorted(g.name for g in user.groups.all()))
          for user in User.objects.order_by("username").prefetch_related("groups")),
        *((p.code, p.name, p.monthly_fee_fen, p.active_from)
          for p in Package.objects.order_by("code")),
        *((c.code, c.party_type, c.name, c.id_number, c.contact_phone, c.email, c.address,
           c.tier, c.status, c.org_unit.code, c.active_from, c.active_to)
          for c in Customer.objects.order_by("code").select_related("org_unit")),
        *((a.number, a.customer.code, a.billing_type, a.balance_fen, a.active_from,
           a.active_to)
          for a in Account.objects.order_by("number").select_related("customer")),
        *((s.service, s.number, s.account.number, s.package.code, s.org_unit.code, s.area,
           s.status, s.activated_on, s.active_from, s.active_to, s.address)
          for s in Subscription.objects.order_by("service", "number").select_related(
              "package", "org_unit", "account")),
    ])


def requests() -> str:
    """The orders and work orders of the history, with their clocks (database ids left out:
    sequences differ between runs)."""
    def work_order(wo: WorkOrder) -> tuple[Any, ...]:
        clock = wo.sla_clock
        return (wo.kind, wo.status, wo.subscription.number, wo.created_at, wo.resolved_at,
                clock.due_at if clock else None, clock.counted_duration if clock else None,
                clock.breached if clock else None,
                [(p.reason, p.started_at, p.ended_at) for p in clock.pauses.all()]
                if clock else [])

    return _fingerprint([
        *map(work_order, WorkOrder.objects.select_related("subscription", "sla_clock")
             .order_by("created_at", "subscription__number", "kind")),
        *((o.state, o.channel, o.created_at, o.completed_at,
           o.subscription.number if o.subscription else None)
          for o in CustomerOrder.objects.select_related("subscription")
          .order_by("created_at", "state")),
    ])


def complaints() -> str:
    return _fingerprint(
        (c.channel, c.category, c.state, c.customer.code if c.customer else "",
         c.owner.username, c.received_at, c.replied_at, c.satisfaction, c.regulator_appeal)
        for c in Complaint.objects.select_related("customer", "owner").order_by(
            "received_at", "customer__code", "category"))


def messages() -> str:
    """The notify activity's own SMS keys; the orders history's keys carry order and
    work-order numbers, which database sequences (PostgreSQL) do not roll back."""
    keys = OutboxMessage.objects.filter(dedupe_key__startswith="demo:")
    assert keys.exists()
    return _fingerprint(sorted(keys.values_list("dedupe_key", flat=True)))


PARTS: dict[str, Callable[[], str]] = {
    "operator": operator, "requests": requests, "complaints": complaints, "messages": messages,
}


def build_and_fingerprint(now: dt.datetime, seed: int) -> dict[str, str]:
    """Build inside a savepoint, fingerprint every part, and roll back: the next build
    starts empty."""
    with transaction.atomic():
        build_demo(now=now, subscribers=150, seed=seed, complaints=30)
        result = {name: part() for name, part in PARTS.items()}
        transaction.set_rollback(True)
    assert not Customer.objects.exists()
    return result


def test_the_same_seed_builds_the_same_demo_and_another_seed_does_not(now):
    first = build_and_fingerprint(now, seed=2026)
    assert build_and_fingerprint(now, seed=2026) == first
    # A later hour of the same day changes nothing generated before it: the operator and
    # the SMS (the history runs up to ``now``, so its requests and complaints move on).
    later = build_and_fingerprint(now + dt.timedelta(hours=3), seed=2026)
    assert (later["operator"], later["messages"]) == (first["operator"], first["messages"])
    other = build_and_fingerprint(now, seed=7)
    for name in ("operator", "requests", "complaints"):
        assert other[name] != first[name], name
