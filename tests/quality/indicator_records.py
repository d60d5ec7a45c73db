"""A small operator built by hand for the indicator tests (``operator`` fixture of
``tests/quality/conftest.py``).

The records are made through the real services (orders, work orders, complaints,
surveys) at chosen instants around the 2025 National Day holiday (1–8 October
off, Saturday 11 October an adjusted working day); hotline calls, busy-hour
counters and billing counts are rows. The period is 2025H2, the previous one
2025H1. Every expected value is written out as the arithmetic a quality manager
would do with the records in front of them.

Working days: a working day contributes the share of its 24 hours inside the
interval; weekends and holidays contribute nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from telcodesk.care.models import (
    CallLogSource,
    CallOutcome,
    Complaint,
    HotlineQueue,
    SkillGroup,
)
from telcodesk.care.services import complaints as complaint_services
from telcodesk.care.services import surveys
from telcodesk.core.roles import Role
from telcodesk.orders.services import product_orders as orders
from telcodesk.orders.services import work_orders
from telcodesk.orders.services.product_orders import ItemSpec
from telcodesk.quality.models import (
    BillingErrorCount,
    NetworkCell,
    NetworkCounter,
    NetworkImport,
)
from tests.factories import HotlineCallFactory, PackageFactory, SubscriptionFactory
from tests.orders.orders_support import make_household

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """A local instant: ``at("2025-09-30 10:00")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


# --- writing the records through the services ----------------------------------------------


def install(customer, package, *, service: str, number: str, accepted: str, actor):
    order = orders.do_create_order(
        now=at(accepted), actor=actor, channel="hotline", customer=customer,
        items=[ItemSpec(kind="new_line", service=service, number=number, package=package,
                        address="测试地址1号")])
    return order.work_orders.get()


def fault(subscription, *, reported: str, actor):
    return work_orders.do_report_fault(now=at(reported), actor=actor, channel="hotline",
                                  subscription=subscription, description="故障")


def pause(work_order, reason: str, start: str, end: str, actor) -> None:
    work_orders.do_pause_work_order(now=at(start), work_order=work_order, reason=reason,
                                    actor=actor)
    work_orders.do_resume_work_order(now=at(end), work_order=work_order, actor=actor)


def resolve(work_order, when: str, actor) -> None:
    work_orders.do_change_work_order_status(now=at(when), work_order=work_order, status="resolved",
                                       actor=actor, channel="console")


def change(line, spec: ItemSpec, *, accepted: str, done: str, actor):
    line.refresh_from_db()
    order = orders.do_create_order(now=at(accepted), actor=actor, channel="hotline",
                                   customer=line.customer, subscription=line, items=[spec],
                                   auto_complete=False)
    if done:
        orders.do_complete_order(now=at(done), order=order, actor=actor, channel="console")
    return order


def complaint(customer, *, received: str, replied: str, handler):
    found = complaint_services.do_receive_complaint(
        now=at(received), actor=handler, channel="hotline", category="billing",
        summary="话费有误", customer=customer, received_at=at(received))
    return complaint_services.do_reply_complaint(now=at(replied), actor=handler,
                                                 complaint=found, reply_text="已核实并退费")


def survey(found: Complaint, *, closed: str, answer: str, answered: str, handler) -> None:
    found.refresh_from_db()
    complaint_services.do_close_complaint(now=at(closed), actor=handler, complaint=found)
    surveys.do_answer_survey(now=at(answered), complaint=found, raw_text=answer,
                             channel="console", actor=handler)


# --- the operator's half-year ----------------------------------------------------------------


def build_operator(org, shop, make_staff):
    """The records of 2025H1 and 2025H2 (see each block's comment for what they are)."""
    agent = make_staff("agent", org.province, Role.HOTLINE_AGENT)
    tech = make_staff("tech", org.province, Role.REPAIR_TECHNICIAN)
    handler = make_staff("handler", org.province, Role.COMPLAINT_HANDLER)
    fixed_pkg = PackageFactory(code="fx", name="固话", services="fixed", monthly_fee_fen=2000)
    a = make_household(org.xiaodian, shop)  # Taiyuan, Xiaodian (urban)
    b = make_household(org.qingxu, shop)  # Taiyuan, Qingxu (rural)
    c = make_household(org.yungang, shop)  # Datong, Yungang (urban)
    fixed_a = SubscriptionFactory(account=a.mobile.account, service="fixed",
                                  number="0351-1000001", package=fixed_pkg, address="小店1号")
    fixed_b = SubscriptionFactory(account=b.mobile.account, service="fixed",
                                  number="0351-2000001", package=fixed_pkg, address="清徐1号")

    # Fixed installs (working days; urban limit 3, rural 5).
    # I0 Xiaodian, H1: Tue 3 Jun 12:00 → Thu 5 Jun 12:00 = 0.5 + 1 + 0.5 = 2.0 (timely).
    i0 = install(a.customer, fixed_pkg, service="fixed", number="0351-1000100",
                 accepted="2025-06-03 12:00", actor=agent)
    resolve(i0, "2025-06-05 12:00", tech)
    # I5 Qingxu (rural), H1: Tue 6 May 06:00 → Fri 9 May 18:00 = 0.75 + 1 + 1 + 0.75 = 3.5.
    i5 = install(b.customer, fixed_pkg, service="fixed", number="0351-2000100",
                 accepted="2025-05-06 06:00", actor=agent)
    resolve(i5, "2025-05-09 18:00", tech)
    # I3 Yungang, accepted in H1, finished in H2 (counts in H2):
    # Fri 27 Jun 12:00 → Wed 2 Jul 12:00 = 0.5 + (weekend 0) + 1 + 1 + 0.5 = 3.0 (timely: ≤ 3).
    i3 = install(c.customer, fixed_pkg, service="fixed", number="0352-3000100",
                 accepted="2025-06-27 12:00", actor=agent)
    resolve(i3, "2025-07-02 12:00", tech)
    # I1 Xiaodian across National Day, with an EXCLUDED pause (customer absent, 6 h):
    # Tue 30 Sep 10:00 → Thu 9 Oct 16:00 = 14/24 + (1–8 Oct holiday 0) + 16/24 = 1.25,
    # minus 9 Oct 08:00–14:00 = 0.25 → 1.0 (timely).
    i1 = install(a.customer, fixed_pkg, service="fixed", number="0351-1000101",
                 accepted="2025-09-30 10:00", actor=agent)
    pause(i1, "customer_absent", "2025-10-09 08:00", "2025-10-09 14:00", tech)
    resolve(i1, "2025-10-09 16:00", tech)
    # I2 Xiaodian over the adjusted working Saturday, with a pause the standard does NOT
    # exclude (waiting for parts: the clock keeps running):
    # Fri 10 Oct 12:00 → Wed 15 Oct 18:00 = 0.5 + Sat 11 Oct 1 + Sun 0 + 1 + 1 + 0.75 = 4.25
    # (late: > 3).
    i2 = install(a.customer, fixed_pkg, service="fixed", number="0351-1000102",
                 accepted="2025-10-10 12:00", actor=agent)
    pause(i2, "awaiting_parts", "2025-10-10 18:00", "2025-10-13 09:00", tech)
    resolve(i2, "2025-10-15 18:00", tech)
    # An install accepted in H2 and never finished counts nowhere.
    install(c.customer, fixed_pkg, service="fixed", number="0352-3000101",
            accepted="2025-12-29 10:00", actor=agent)

    # Fixed repairs (hours; urban 24, rural 48; customer-maintained lines excluded).
    # R0 Xiaodian, H1: 3 Mar 08:00 → 20:00 = 12 h.
    r0 = fault(fixed_a, reported="2025-03-03 08:00", actor=agent)
    resolve(r0, "2025-03-03 20:00", tech)
    # R1 Xiaodian: 1 Aug 08:00 → 2 Aug 14:00 = 30 h, minus the customer's own line
    # 1 Aug 10:00 → 2 Aug 10:00 = 24 h excluded → 6 h (timely).
    r1 = fault(fixed_a, reported="2025-08-01 08:00", actor=agent)
    pause(r1, "customer_line", "2025-08-01 10:00", "2025-08-02 10:00", tech)
    resolve(r1, "2025-08-02 14:00", tech)
    # R2 Qingxu (rural): 10 Sep 09:00 → 12 Sep 15:00 = 54 h; waiting for parts is not
    # excluded → 54 h (late: > 48).
    r2 = fault(fixed_b, reported="2025-09-10 09:00", actor=agent)
    pause(r2, "awaiting_parts", "2025-09-10 12:00", "2025-09-11 12:00", tech)
    resolve(r2, "2025-09-12 15:00", tech)
    # R3 reported in H2, finished in 2026: does not count in H2.
    r3 = fault(fixed_a, reported="2025-12-31 20:00", actor=agent)
    resolve(r3, "2026-01-01 10:00", tech)

    # Broadband installs (working days; urban 3, rural 5).
    # B1 Qingxu: Mon 3 Nov 12:00 → Fri 7 Nov 12:00 = 0.5 + 1 + 1 + 1 + 0.5 = 4.0 (timely).
    b1 = install(b.customer, shop.broadband_100, service="broadband", number="bb-b1",
                 accepted="2025-11-03 12:00", actor=agent)
    resolve(b1, "2025-11-07 12:00", tech)
    # B2 Xiaodian: Fri 7 Nov 18:00 → Wed 12 Nov 06:00 = 0.25 + 0 + 1 + 1 + 0.25 = 2.5, minus
    # the customer's postponement Mon 10 Nov 00:00 → Tue 11 Nov 00:00 = 1 → 1.5 (timely).
    b2 = install(a.customer, shop.broadband_100, service="broadband", number="bb-b2",
                 accepted="2025-11-07 18:00", actor=agent)
    pause(b2, "customer_postponed", "2025-11-10 00:00", "2025-11-11 00:00", tech)
    resolve(b2, "2025-11-12 06:00", tech)

    # Broadband repairs (hours; urban 24; the customer's access line excluded).
    # BR0 Qingxu, H1: 1 Apr 10:00 → 14:00 = 4 h.
    br0 = fault(b.broadband, reported="2025-04-01 10:00", actor=agent)
    resolve(br0, "2025-04-01 14:00", tech)
    # BR1 Xiaodian: 15 Jul 09:00 → 16 Jul 01:00 = 16 h − access line 10:00–20:00 = 10 h → 6 h.
    br1 = fault(a.broadband, reported="2025-07-15 09:00", actor=agent)
    pause(br1, "customer_access_line", "2025-07-15 10:00", "2025-07-15 20:00", tech)
    resolve(br1, "2025-07-16 01:00", tech)
    # BR2 Yungang over the holiday (clock hours: holidays count): 1 Oct 08:00 → 2 Oct 12:00
    # = 28 h (late).
    br2 = fault(c.broadband, reported="2025-10-01 08:00", actor=agent)
    resolve(br2, "2025-10-02 12:00", tech)

    # Mobile business changes (hours; limit 24, average ≤ 1 h).
    # M1 Xiaodian suspension 5 Aug 10:00 → 10:30 = 0.5 h.
    change(a.mobile, ItemSpec(kind="suspension", reason="出国"), accepted="2025-08-05 10:00",
           done="2025-08-05 10:30", actor=agent)
    # M2 Qingxu name change 1 Sep 09:00 → 09:15 = 0.25 h.
    change(b.mobile, ItemSpec(kind="name_change", new_name="王五"),
           accepted="2025-09-01 09:00", done="2025-09-01 09:15", actor=agent)
    # M4 Yungang name change 20 Oct 09:00 → 21 Oct 10:00 = 25 h (late: > 24).
    change(c.mobile, ItemSpec(kind="name_change", new_name="赵六"),
           accepted="2025-10-20 09:00", done="2025-10-21 10:00", actor=agent)
    # P1 Xiaodian package change 10 Sep 09:00 → 12:00 = 3 h: not a business change
    # (业务变更时长) unless the operator adds package changes to it.
    change(a.mobile, ItemSpec(kind="package_change", package=shop.mobile_99),
           accepted="2025-09-10 09:00", done="2025-09-10 12:00", actor=agent)
    # M3 a name change accepted on 31 Dec, done in 2026: not in H2.
    change(c.mobile, ItemSpec(kind="name_change", new_name="李四"),
           accepted="2025-12-31 23:00", done="2026-01-01 01:00", actor=agent)
    # Reconnection of the suspended line: 6 Aug 09:00 → 09:06 = 0.1 h.
    change(a.mobile, ItemSpec(kind="reconnection"), accepted="2025-08-06 09:00",
           done="2025-08-06 09:06", actor=agent)

    # Mobile repairs (hours; limit/maximum 48, average ≤ 24; handset faults excluded).
    # MR1 Qingxu: 5 Oct 10:00 → 6 Oct 14:00 = 28 h − handset 5 Oct 12:00 → 6 Oct 12:00 = 24
    # → 4 h.
    mr1 = fault(b.mobile, reported="2025-10-05 10:00", actor=agent)
    pause(mr1, "handset_fault", "2025-10-05 12:00", "2025-10-06 12:00", tech)
    resolve(mr1, "2025-10-06 14:00", tech)
    # MR2 Yungang: 20 Nov 08:00 → 22 Nov 09:00 = 49 h (late).
    mr2 = fault(c.mobile, reported="2025-11-20 08:00", actor=agent)
    resolve(mr2, "2025-11-22 09:00", tech)

    # Complaints (reply commitment 48 h) and their surveys.
    # K2 Qingxu received in H1, replied in H2: 30 Jun 20:00 → 1 Jul 08:00 = 12 h; "2" (fairly).
    k2 = complaint(b.customer, received="2025-06-30 20:00", replied="2025-07-01 08:00",
                   handler=handler)
    survey(k2, closed="2025-07-01 08:30", answer="2", answered="2025-07-01 09:00",
           handler=handler)
    # K1 Xiaodian: 29 Sep 10:00 → 1 Oct 10:00 = 48 h; "1" (satisfied).
    k1 = complaint(a.customer, received="2025-09-29 10:00", replied="2025-10-01 10:00",
                   handler=handler)
    survey(k1, closed="2025-10-01 11:00", answer="1", answered="2025-10-01 12:00",
           handler=handler)
    # K3 Yungang: 10 Nov 09:00 → 13 Nov 09:00 = 72 h; "3" (dissatisfied) at 12:00 reopens
    # it (the closed time 09:00–12:00 is not counted); replied again 14 Nov 12:00
    # → 72 + 24 = 96 h; surveyed again: "1".
    k3 = complaint(c.customer, received="2025-11-10 09:00", replied="2025-11-13 09:00",
                   handler=handler)
    survey(k3, closed="2025-11-13 10:00", answer="3", answered="2025-11-13 12:00",
           handler=handler)
    k3.refresh_from_db()
    complaint_services.do_reply_complaint(now=at("2025-11-14 12:00"), actor=handler,
                                          complaint=k3, reply_text="再次核实")
    survey(k3, closed="2025-11-14 13:00", answer="1", answered="2025-11-14 14:00",
           handler=handler)

    # Hotline calls (thresholds: mobile 15 s, VIP 10 s, unmapped queue 15 s; grace 5 s).
    mobile_group = SkillGroup.objects.create(code="test-mobile", name_zh="移动", name_en="Mobile",
                                             service_level_seconds=15)
    vip_group = SkillGroup.objects.create(code="test-vip", name_zh="VIP", name_en="VIP",
                                          service_level_seconds=10)
    q_mobile = HotlineQueue.objects.create(name="test-q-mobile", skill_group=mobile_group)
    q_vip = HotlineQueue.objects.create(name="test-q-vip", skill_group=vip_group)
    q_other = HotlineQueue.objects.create(name="test-q-other")
    source = CallLogSource.objects.create(path="/logs/queue_log", fmt="asterisk-queue-log",
                                          created_at=at("2025-06-01 00:00"),
                                          updated_at=at("2025-06-01 00:00"))
    calls = [
        ("c9", q_mobile, "2025-06-30 23:59:59", CallOutcome.ANSWERED, 5),  # H1
        ("c1", q_mobile, "2025-07-01 00:00:00", CallOutcome.ANSWERED, 8),  # on time
        ("c2", q_mobile, "2025-08-01 10:00", CallOutcome.ANSWERED, 20),  # late
        ("c3", q_vip, "2025-08-01 11:00", CallOutcome.ANSWERED, 12),  # late (VIP 10 s)
        ("c4", q_vip, "2025-10-01 11:00", CallOutcome.ANSWERED, 4),  # on time
        ("c5", q_mobile, "2025-10-01 12:00", CallOutcome.ABANDONED, 3),  # within the grace
        ("c6", q_mobile, "2025-10-02 12:00", CallOutcome.ABANDONED, 30),  # counts, not answered
        ("c7", q_other, "2025-12-31 23:59", CallOutcome.ANSWERED, 15),  # on time (15 s)
        ("c8", q_mobile, "2025-12-01 08:00", CallOutcome.TIMEOUT, 60),  # counts, not answered
        ("c10", q_mobile, "2026-01-01 00:00", CallOutcome.ANSWERED, 1),  # 2026
    ]
    for ref, queue, entered, outcome, wait in calls:
        when = at(entered)
        HotlineCallFactory(
            source=source, call_ref=ref, queue=queue, entered_at=when,
            entered_date=when.date(), entered_hour=when.hour, outcome=outcome,
            wait_seconds=wait,
            answered_at=when + dt.timedelta(seconds=wait)
            if outcome == CallOutcome.ANSWERED else None)

    # Busy-hour counters (cells of Xiaodian and Qingxu, and one without a branch).
    run = NetworkImport.objects.create(file_name="counters.csv", sha256="0" * 64,
                                       imported_at=at("2025-09-02 00:00"))
    cells = {code: NetworkCell.objects.create(code=code, org_unit=unit)
             for code, unit in (("XD-1", org.xiaodian), ("QX-1", org.qingxu), ("NA-1", None))}
    counters = [
        # cell, day, attempts, answered, busy, no answer, unreachable, tch req, tch fail,
        # connected, dropped
        ("XD-1", "2025-08-10", 1000, 900, 40, 30, 10, 1200, 6, 900, 9),
        ("QX-1", "2025-08-10", 500, 400, 20, 20, 10, 600, 30, 400, 24),
        ("NA-1", "2025-09-01", 100, 95, 1, 1, 0, 100, 0, 95, 1),
        ("XD-1", "2025-06-10", 1000, 950, 10, 10, 10, 1000, 1, 950, 5),  # H1
    ]
    for (cell, day, attempts, answered, busy, no_answer, unreachable, tch, fail, connected,
         dropped) in counters:
        NetworkCounter.objects.create(
            cell=cells[cell], day=dt.date.fromisoformat(day), busy_hour=20,
            call_attempts=attempts, answered=answered, called_busy=busy, no_answer=no_answer,
            unreachable=unreachable, tch_requests=tch, tch_failures_no_channel=fail,
            connected_calls=connected, dropped_calls=dropped, source=run)

    # Billing-error counts: operator-wide July, Taiyuan August; operator-wide June (H1).
    for month, unit, erroneous, total in (("2025-07-01", None, 3, 100_000),
                                          ("2025-08-01", org.taiyuan, 2, 10_000),
                                          ("2025-06-01", None, 1, 100_000)):
        BillingErrorCount.objects.create(month=dt.date.fromisoformat(month), org_unit=unit,
                                         erroneous_records=erroneous, all_records=total,
                                         source="entered", entered_at=at("2025-09-01 00:00"))
    return org


