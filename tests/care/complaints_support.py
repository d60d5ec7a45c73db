"""Shared set-up of the complaint tests: a household, complaint staff, the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telcodesk.care.models import Complaint
from telcodesk.care.services.complaints import do_receive_complaint
from telcodesk.core.models import User
from telcodesk.core.roles import Role
from telcodesk.notify.models import OutboxMessage
from tests.orders import orders_support

make_household = orders_support.make_household


def complaint_people(org, make_staff):
    """The complaint tests' staff (the ``people`` fixture of ``tests/care/conftest.py``)."""

    class People:
        handler: User = make_staff("xd-handler", org.xiaodian, Role.COMPLAINT_HANDLER)
        handler2: User = make_staff("xd-handler2", org.xiaodian, Role.COMPLAINT_HANDLER)
        agent: User = make_staff("ty-agent", org.taiyuan, Role.HOTLINE_AGENT)
        clerk: User = make_staff("xd-clerk", org.xiaodian_outlet, Role.COUNTER_CLERK)
        tech: User = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
        manager: User = make_staff("xd-manager", org.xiaodian, Role.BRANCH_MANAGER)
        ty_manager: User = make_staff("ty-manager", org.taiyuan, Role.BRANCH_MANAGER)
        quality: User = make_staff("sx-quality", org.province, Role.QUALITY_MANAGER)
        qx_handler: User = make_staff("qx-handler", org.qingxu, Role.COMPLAINT_HANDLER)
        dt_manager: User = make_staff("dt-manager", org.datong, Role.BRANCH_MANAGER)

    return People


def receive(now: dt.datetime, actor: User, **kwargs: Any) -> Complaint:
    options: dict[str, Any] = {"channel": "hotline", "category": "billing",
                               "summary": "话费多扣了20元"}
    options.update(kwargs)
    return do_receive_complaint(now=now, actor=actor, **options)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    messages = OutboxMessage.objects.order_by("id")
    if kind is not None:
        messages = messages.filter(kind=kind)
    return list(messages)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)
