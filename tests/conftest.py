"""Shared fixtures: a small organisation tree, staff in roles, a fixed clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.services import do_create_org_unit, do_create_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def now() -> dt.datetime:
    """The instant every test runs at, unless it says otherwise. Never the wall clock."""
    return dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)


@dataclass
class Org:
    operator: OrgUnit
    province: OrgUnit
    taiyuan: OrgUnit
    xiaodian: OrgUnit  # urban district of Taiyuan
    qingxu: OrgUnit  # rural county of Taiyuan
    datong: OrgUnit
    yungang: OrgUnit  # urban district of Datong
    xiaodian_outlet: OrgUnit


@pytest.fixture
def org(db) -> Org:
    op = do_create_org_unit(code="op", name="演示电信", kind="operator", parent=None)
    sx = do_create_org_unit(code="sx", name="山西省分公司", kind="province", parent=op)
    ty = do_create_org_unit(code="ty", name="太原分公司", kind="city", parent=sx)
    xd = do_create_org_unit(code="ty-xd", name="小店区分公司", kind="county", parent=ty,
                            area="urban")
    qx = do_create_org_unit(code="ty-qx", name="清徐县分公司", kind="county", parent=ty,
                            area="rural")
    dtg = do_create_org_unit(code="dt", name="大同分公司", kind="city", parent=sx)
    yg = do_create_org_unit(code="dt-yg", name="云冈区分公司", kind="county", parent=dtg,
                            area="urban")
    outlet = do_create_org_unit(code="ty-xd-01", name="小店营业厅", kind="outlet", parent=xd)
    return Org(op, sx, ty, xd, qx, dtg, yg, outlet)


@pytest.fixture
def make_staff(db, now):
    """Create a staff member: ``make_staff("clerk1", org.xiaodian, Role.COUNTER_CLERK)``."""

    def make(username: str, unit: OrgUnit | None, *roles: str, superuser: bool = False,
             password: str = "pass-1234-word") -> User:
        return do_create_staff(now=now, username=username, password=password, org_unit=unit,
                               roles=roles or [Role.COUNTER_CLERK], is_superuser=superuser)

    return make
