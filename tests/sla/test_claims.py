"""Warnings and breaches are claimed once and alert the assignee and branch managers."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest

from telcodesk.core.roles import Role
from telcodesk.notify.models import OutboxMessage
from telcodesk.sla.models import SlaAlert, SlaClock, StaffAlertNumber
from telcodesk.sla.services import claim_breaches, claim_warnings, do_start_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, make_staff):
    tech = make_staff("tech1", org.xiaodian, Role.REPAIR_TECHNICIAN)
    city_manager = make_staff("mgr-ty", org.taiyuan, Role.BRANCH_MANAGER)
    other_manager = make_staff("mgr-dt", org.datong, Role.BRANCH_MANAGER)
    StaffAlertNumber.objects.create(staff=tech, number="+8613800000001")
    StaffAlertNumber.objects.create(staff=city_manager, number="+8613800000002")
    StaffAlertNumber.objects.create(staff=other_manager, number="+8613800000003")
    return tech, city_manager, other_manager


def test_warning_then_breach_each_alert_once(org, people, at):
    tech = people[0]
    clock = do_start_clock(now=at(2025, 9, 1, 10), service="broadband", kind="repair",
                           area="urban", tier="ordinary", accepted_at=at(2025, 9, 1, 10),
                           org_unit=org.xiaodian, assignee=tech,
                           subject_label="WO000000001 宽带修障")
    assert claim_warnings(at(2025, 9, 2, 5)) == []  # warning at 80% = 2 Sep 05:12
    assert claim_warnings(at(2025, 9, 2, 6)) == [clock.pk]
    assert claim_warnings(at(2025, 9, 2, 7)) == []
    assert claim_breaches(at(2025, 9, 2, 9)) == []
    assert claim_breaches(at(2025, 9, 2, 10)) == [clock.pk]
    assert claim_breaches(at(2025, 9, 2, 11)) == []

    alerts = {(a.kind, a.staff.username, a.role) for a in SlaAlert.objects.all()}
    assert alerts == {("warning", "tech1", "assignee"), ("warning", "mgr-ty", "branch_manager"),
                      ("breach", "tech1", "assignee"), ("breach", "mgr-ty", "branch_manager")}
    sms = OutboxMessage.objects.filter(dedupe_key__startswith="sla:").order_by("dedupe_key")
    assert [(m.kind, m.recipient) for m in sms] == [
        ("deadline_breached", "+8613800000001"), ("deadline_breached", "+8613800000002"),
        ("deadline_warning", "+8613800000001"), ("deadline_warning", "+8613800000002")]
    assert all("WO000000001" in m.body for m in sms)
    clock.refresh_from_db()
    assert clock.breached and clock.breach_claimed_at == at(2025, 9, 2, 10)


def test_a_clock_found_already_late_gets_the_breach_alert_only(org, people, at):
    do_start_clock(now=at(2025, 9, 1, 10), service="mobile", kind="change", area="urban",
                   tier="ordinary", accepted_at=at(2025, 9, 1, 10), org_unit=org.yungang,
                   subject_label="PO000000001 过户")
    assert len(claim_breaches(at(2025, 9, 5, 10))) == 1
    assert claim_warnings(at(2025, 9, 5, 10)) == []
    assert {a.staff.username for a in SlaAlert.objects.all()} == {"mgr-dt"}


def test_staff_without_an_alert_number_get_a_recorded_alert_but_no_sms(org, make_staff, at):
    manager = make_staff("mgr-xd", org.xiaodian, Role.BRANCH_MANAGER)
    do_start_clock(now=at(2025, 9, 1, 10), service="broadband", kind="repair", area="urban",
                   tier="ordinary", accepted_at=at(2025, 9, 1, 10), org_unit=org.xiaodian_outlet,
                   subject_label="WO000000002 宽带修障")
    claim_breaches(at(2025, 9, 3, 10))
    alert = SlaAlert.objects.get()
    assert alert.staff == manager and not alert.sms_sent
    assert not OutboxMessage.objects.exists()


SEED = textwrap.dedent("""
    import datetime as dt
    from zoneinfo import ZoneInfo
    from telcodesk.core.roles import Role
    from telcodesk.core.services import do_create_org_unit, do_create_staff
    from telcodesk.sla.models import StaffAlertNumber
    from telcodesk.sla.services import do_start_clock
    op = do_create_org_unit(code="op", name="op", kind="operator", parent=None)
    sx = do_create_org_unit(code="sx", name="sx", kind="province", parent=op)
    ty = do_create_org_unit(code="ty", name="ty", kind="city", parent=sx)
    xd = do_create_org_unit(code="xd", name="xd", kind="county", parent=ty, area="urban")
    t = dt.datetime(2025, 9, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    mgr = do_create_staff(now=t, username="mgr", password=None, org_unit=ty,
                          roles=[Role.BRANCH_MANAGER])
    StaffAlertNumber.objects.create(staff=mgr, number="+8613800000009")
    for i in range(40):
        do_start_clock(now=t, service="broadband", kind="repair", area="urban", tier="ordinary",
                       accepted_at=t, org_unit=xd, subject_label=f"WO{i:09d} repair")
""")

COUNT = ("from telcodesk.notify.models import OutboxMessage as O; from telcodesk.sla.models "
         "import SlaAlert as A; import json; print(json.dumps([O.objects.filter("
         "dedupe_key__startswith='sla:').count(), A.objects.count(), "
         "len(set(O.objects.values_list('dedupe_key', flat=True)))]))")

CLAIM = ("import datetime as dt; from zoneinfo import ZoneInfo; "
         "from telcodesk.sla.services import claim_breaches; "
         "t = dt.datetime(2025, 9, 5, 10, tzinfo=ZoneInfo('Asia/Shanghai')); "
         "print(len(claim_breaches(t)))")


@pytest.mark.django_db(transaction=True)
def test_two_clock_processes_alert_once_per_deadline(run_cli):
    seeded = run_cli("manage", "shell", "--no-imports", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    # Two claimers racing directly on the rows (no scheduler in between).
    racers = [run_cli.spawn("manage", "shell", "--no-imports", "-c", CLAIM, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), outputs
    assert sum(int(out.strip()) for out, _err in outputs) == 40
    # Then two whole clock processes: nothing is due twice.
    clocks = [run_cli.spawn("clock", "--once", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for _ in range(2)]
    for process in clocks:
        process.communicate(timeout=120)
        assert process.returncode == 0
    counted = run_cli("manage", "shell", "--no-imports", "-c", COUNT)
    assert counted.returncode == 0, counted.stderr
    sms, alerts, distinct = json.loads(counted.stdout)
    assert (sms, alerts, distinct) == (40, 40, 40)


@pytest.mark.django_db(transaction=True)
def test_two_clock_processes_on_fresh_deadlines(run_cli):
    assert run_cli("manage", "shell", "--no-imports", "-c", SEED).returncode == 0
    clocks = [run_cli.spawn("clock", "--once", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for _ in range(2)]
    results = [process.communicate(timeout=120) for process in clocks]
    assert all(process.returncode == 0 for process in clocks), results
    assert sum("40 breaches claimed" in out for out, _err in results) == 1
    counted = run_cli("manage", "shell", "--no-imports", "-c", COUNT)
    assert json.loads(counted.stdout) == [40, 40, 40]
    assert SlaClock.objects.count() == 0  # the test database itself was never touched
