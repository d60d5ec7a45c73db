"""Fault reports and work orders as a hotline agent, a technician and a manager see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from telcodesk.core.models import AuditEntry, TmfEvent
from telcodesk.core.scheduler import registered_jobs
from telcodesk.core.services import do_create_staff
from telcodesk.orders.errors import OrdersError, RecordNotFound
from telcodesk.orders.models import TicketStatus, WorkOrder, WorkOrderEvent
from telcodesk.orders.selectors import work_orders as selectors
from telcodesk.orders.services import work_orders as services
from tests.orders.orders_support import enable_vip_standard, make_household, outbox

H = dt.timedelta(hours=1)

# Shared fixtures (see orders_support).


@pytest.fixture
def fault(now, home, staff):
    return services.do_report_fault(now=now, actor=staff.agent, channel="hotline",
                                    subscription=home.broadband, description="宽带无法上网")


def status(work_order, to, *, at, actor, reason=""):
    return services.do_change_work_order_status(now=at, work_order=work_order, status=to,
                                                reason=reason, actor=actor, channel="console")


def test_fault_report_becomes_a_repair_ticket_with_its_clock(now, fault, home):
    assert fault.code.startswith("WO") and fault.kind == "repair"
    assert (fault.ticket_type, fault.status, fault.channel) == ("fault", "acknowledged", "hotline")
    clock = fault.sla_clock
    assert (clock.service, clock.kind, clock.area, clock.tier) == (
        "broadband", "repair", "urban", "ordinary")
    assert clock.due_at == now + 24 * H  # broadband repair, urban: 24 clock hours
    assert clock.subject_label.startswith(fault.code)
    with translation.override("zh-hans"):
        entry, = selectors.timeline(fault)
    event = entry.event
    assert (event.kind, event.to_status) == ("created", "acknowledged")
    assert entry.to_status == "已受理"  # what the timeline shows: the label, not the code
    assert AuditEntry.objects.filter(action="work_order.create", target_id=fault.code).exists()


def test_rural_and_vip_limits_follow_the_standard(now, org, shop, staff):
    enable_vip_standard(now, service="broadband", kind="repair", area="urban", tier="gold")
    rural = make_household(org.qingxu, shop)
    gold = make_household(org.xiaodian, shop, tier="gold")
    a = services.do_report_fault(now=now, actor=None, channel="api",
                                 subscription=rural.broadband, description="断网")
    b = services.do_report_fault(now=now, actor=None, channel="api",
                                 subscription=gold.broadband, description="断网")
    assert a.sla_clock.due_at == now + 48 * H
    assert b.sla_clock.due_at == now + 12 * H


def test_second_report_while_a_repair_is_open_is_refused(now, fault, home, staff):
    with pytest.raises(OrdersError) as excinfo:
        services.do_report_fault(now=now + H, actor=staff.agent, channel="hotline",
                                 subscription=home.broadband, description="还是不能上网")
    assert excinfo.value.code == "conflict" and fault.code in excinfo.value.message
    assert WorkOrder.objects.count() == 1


def test_fault_report_needs_a_description(now, home, staff):
    with pytest.raises(OrdersError):
        services.do_report_fault(now=now, actor=staff.agent, channel="hotline",
                                 subscription=home.broadband, description="  ")
    assert not WorkOrder.objects.exists()


def test_excluded_pause_extends_the_due_time(now, fault, staff):
    services.do_pause_work_order(now=now + 2 * H, work_order=fault, reason="customer_absent",
                                 note="敲门无人", actor=staff.tech)
    fault.refresh_from_db()
    assert fault.status == "pending" and fault.sla_clock.state == "paused"

    services.do_resume_work_order(now=now + 5 * H, work_order=fault, actor=staff.tech)
    fault.refresh_from_db()
    assert fault.status == "inProgress"
    assert fault.sla_clock.due_at == now + 27 * H  # three excluded hours added

    status(fault, "resolved", at=now + 10 * H, actor=staff.tech)
    fault.refresh_from_db()
    assert fault.sla_clock.counted_duration == 7
    assert fault.sla_clock.timely is True
    kinds = [e.event.kind for e in selectors.timeline(fault)]
    assert kinds == ["created", "paused", "resumed", "status_changed"]


def test_pause_for_a_reason_the_standard_does_not_exclude_keeps_the_clock_running(
        now, fault, staff):
    services.do_pause_work_order(now=now + 2 * H, work_order=fault, reason="awaiting_parts",
                                 actor=staff.tech)
    services.do_resume_work_order(now=now + 5 * H, work_order=fault, actor=staff.tech)
    fault.refresh_from_db()
    assert fault.sla_clock.due_at == now + 24 * H

    status(fault, "resolved", at=now + 10 * H, actor=staff.tech)
    fault.refresh_from_db()
    assert fault.sla_clock.counted_duration == 10


def test_pause_without_a_reason_is_refused_and_changes_nothing(now, fault, staff):
    for reason in ("", "tea break"):
        with pytest.raises(OrdersError):
            services.do_pause_work_order(now=now, work_order=fault, reason=reason,
                                         actor=staff.tech)
    with pytest.raises(OrdersError) as excinfo:
        status(fault, "held", at=now, actor=staff.tech)
    assert excinfo.value.code == "reason_required"
    fault.refresh_from_db()
    assert fault.status == "acknowledged" and fault.sla_clock.state == "running"
    assert len(selectors.timeline(fault)) == 1


def test_illegal_status_change_changes_nothing(now, fault, staff):
    status(fault, "resolved", at=now + H, actor=staff.tech)
    status(fault, "closed", at=now + 2 * H, actor=staff.tech)
    events_before = WorkOrderEvent.objects.count()

    for target in ("inProgress", "resolved", "pending", "acknowledged"):
        with pytest.raises(OrdersError) as excinfo:
            status(fault, target, at=now + 3 * H, actor=staff.tech, reason="x")
        assert excinfo.value.code == "illegal_transition"
    fault.refresh_from_db()
    assert fault.status == "closed"
    assert WorkOrderEvent.objects.count() == events_before


def test_rejecting_or_cancelling_cancels_the_clock(now, home, fault, staff):
    status(fault, "cancelled", at=now + H, actor=staff.agent, reason="客户撤销")
    fault.refresh_from_db()
    assert fault.sla_clock.state == "cancelled"
    other = services.do_report_fault(now=now + 2 * H, actor=staff.agent, channel="hotline",
                                     subscription=home.mobile, description="无信号")
    status(other, "rejected", at=now + 3 * H, actor=staff.agent, reason="重复申告")
    other.refresh_from_db()
    assert other.sla_clock.state == "cancelled"


def test_resolution_tells_the_subscriber(now, fault, home, staff):
    status(fault, "resolved", at=now + 3 * H, actor=staff.tech, reason="更换光猫")
    message, = outbox("work_order_completed")
    assert fault.code in message.body
    assert message.recipient == home.customer.contact_phone  # broadband: the contact phone


# --- checklist ----------------------------------------------------------------------------------


def test_checklist_steps_go_outside_in(now, fault, staff):
    with pytest.raises(OrdersError) as excinfo:
        services.do_record_checklist_step(now=now, work_order=fault, step="speed_test_passed",
                                          result="pass", actor=staff.tech)
    assert excinfo.value.code == "checklist_order"
    assert "outside_line_inspected" in excinfo.value.message

    services.do_record_checklist_step(now=now, work_order=fault, step="outside_line_inspected",
                                      result="pass", actor=staff.tech)
    services.do_record_checklist_step(now=now, work_order=fault, step="outside_line_tested",
                                      result="pass", note="光衰 -19dBm", actor=staff.tech)
    with pytest.raises(OrdersError):
        services.do_record_checklist_step(now=now, work_order=fault,
                                          step="inside_wiring_checked", result="pass",
                                          actor=staff.tech)
    lines = selectors.checklist(fault)
    assert [line.recorded is not None for line in lines] == [True, True] + [False] * 5
    assert [line.recordable for line in lines] == [True, True, True] + [False] * 4
    with pytest.raises(OrdersError):
        services.do_record_checklist_step(now=now, work_order=fault, step="outside_line_tested",
                                          result="maybe", actor=staff.tech)


def test_mobile_repair_has_no_guided_checklist(now, home, staff):
    repair = services.do_report_fault(now=now, actor=staff.agent, channel="hotline",
                                      subscription=home.mobile, description="无信号")
    assert selectors.checklist(repair) == []
    with pytest.raises(OrdersError):
        services.do_record_checklist_step(now=now, work_order=repair,
                                          step="outside_line_inspected", result="pass",
                                          actor=staff.tech)


# --- confirmation, reopening, repeat faults -------------------------------------------------------


def test_subscriber_confirms_the_repair(now, fault, staff):
    with pytest.raises(OrdersError):
        services.do_subscriber_confirm_repair(now=now, work_order=fault)
    status(fault, "resolved", at=now + H, actor=staff.tech)

    services.do_subscriber_confirm_repair(now=now + 2 * H, work_order=fault)

    fault.refresh_from_db()
    assert fault.status == "closed" and fault.confirmed_by_subscriber_at == now + 2 * H


def test_reopen_within_seven_days_is_a_repeat_on_the_same_ticket(now, fault, staff):
    status(fault, "resolved", at=now + 4 * H, actor=staff.tech)

    reopened = services.do_reopen_work_order(now=now + 4 * H + dt.timedelta(days=6),
                                             work_order=fault, reason="又断网了")

    assert reopened.pk == fault.pk
    fault.refresh_from_db()
    assert fault.status == "inProgress" and fault.reopened_count == 1 and fault.is_repeat
    assert fault.resolved_at is None
    assert fault.sla_clock.state == "running"  # the same clock continues
    assert selectors.timeline(fault)[-1].event.kind == "reopened"


def test_reopen_of_a_closed_ticket_within_seven_days_opens_a_linked_repeat(now, fault, staff):
    status(fault, "resolved", at=now + 4 * H, actor=staff.tech)
    services.do_subscriber_confirm_repair(now=now + 5 * H, work_order=fault)

    new = services.do_reopen_work_order(now=now + dt.timedelta(days=3), work_order=fault,
                                        reason="又断网了")

    assert new.pk != fault.pk and new.repeat_of == fault and new.is_repeat
    assert new.sla_clock.accepted_at == now + dt.timedelta(days=3)


def test_fault_after_seven_days_is_a_new_fault(now, home, fault, staff):
    status(fault, "resolved", at=now + 4 * H, actor=staff.tech)
    services.do_subscriber_confirm_repair(now=now + 5 * H, work_order=fault)

    later = services.do_report_fault(now=now + 4 * H + dt.timedelta(days=7, minutes=1),
                                     actor=staff.agent, channel="hotline",
                                     subscription=home.broadband, description="网速慢")
    assert later.repeat_of is None and not later.is_repeat

    status(later, "resolved", at=now + dt.timedelta(days=8), actor=staff.tech)
    reopened = services.do_reopen_work_order(now=now + dt.timedelta(days=16),
                                             work_order=later, reason="again")
    assert reopened.pk != later.pk and reopened.repeat_of is None


def test_report_within_seven_days_of_the_last_repair_links_it(now, home, fault, staff):
    status(fault, "resolved", at=now + 4 * H, actor=staff.tech)
    status(fault, "closed", at=now + 5 * H, actor=staff.tech)

    again = services.do_report_fault(now=now + dt.timedelta(days=2), actor=staff.agent,
                                     channel="hotline", subscription=home.broadband,
                                     description="又不能上网")

    assert again.repeat_of == fault


def test_resolved_repairs_close_by_themselves_after_the_window(now, fault, staff):
    status(fault, "resolved", at=now + H, actor=staff.tech)
    job = next(j for j in registered_jobs() if j.name == "orders.close_resolved")

    assert job.run(now + dt.timedelta(days=6)).startswith("0 ")
    assert job.run(now + dt.timedelta(days=7, hours=2)).startswith("1 ")
    assert job.run(now + dt.timedelta(days=8)).startswith("0 ")
    fault.refresh_from_db()
    assert fault.status == "closed"


# --- assignment, notes, attachments -------------------------------------------------------


def test_assignment_follows_to_the_clock(now, org, fault, staff):
    team = services.do_create_team(now=now, code="xd-repair", name="小店装维班",
                                   org_unit=org.xiaodian, members=[staff.tech])
    services.do_assign_work_order(now=now, work_order=fault, technician=staff.tech, team=team,
                                  actor=staff.manager)
    fault.refresh_from_db()
    assert (fault.team, fault.technician) == (team, staff.tech)
    assert fault.sla_clock.assignee == staff.tech

    outsider = do_create_staff(now=now, username="dt-tech", password=None,
                               org_unit=org.yungang, roles=["repair_technician"])
    with pytest.raises(OrdersError):
        services.do_assign_work_order(now=now, work_order=fault, technician=outsider,
                                      team=None, actor=staff.manager)
    fault.refresh_from_db()
    assert fault.technician == staff.tech

    # A hotline agent sees the branch queue but does not dispatch work.
    with pytest.raises(OrdersError) as refused:
        services.do_assign_work_order(now=now, work_order=fault, technician=None, team=team,
                                      actor=staff.agent)
    assert refused.value.code == "forbidden"
    fault.refresh_from_db()
    assert fault.technician == staff.tech


def test_notes_and_attachments(now, fault, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.do_add_note(now=now, work_order=fault, text="客户下午在家", actor=staff.agent)
    attachment = services.do_add_attachment(now=now, work_order=fault, name="光猫.jpg",
                                            content=b"\xff\xd8jpeg", content_type="image/jpeg",
                                            actor=staff.tech)
    assert attachment.size == 6
    with pytest.raises(OrdersError):
        services.do_add_attachment(now=now, work_order=fault, name="x.exe", content=b"MZ",
                                   content_type="application/x-msdownload", actor=staff.tech)
    with pytest.raises(OrdersError):
        services.do_add_note(now=now, work_order=fault, text=" ", actor=staff.tech)
    assert [e.event.kind for e in selectors.timeline(fault)] == ["created", "note", "attachment"]


# --- scoping and the queue --------------------------------------------------------------------


def test_another_branch_cannot_see_the_work_order(now, fault, staff):
    assert selectors.work_order_for(staff.ty_manager, fault.code) == fault
    with pytest.raises(RecordNotFound):
        selectors.work_order_for(staff.qx_clerk, fault.code)
    assert not selectors.work_order_queue(staff.qx_clerk, now=now).exists()


def test_queue_is_sorted_by_time_left_and_scoped(now, org, shop, staff):
    enable_vip_standard(now, service="broadband", kind="repair", area="urban", tier="gold")
    gold = make_household(org.xiaodian, shop, tier="gold")
    plain = make_household(org.xiaodian, shop)
    rural = make_household(org.qingxu, shop)
    slow = services.do_report_fault(now=now, actor=None, channel="api",
                                    subscription=plain.broadband, description="慢")
    urgent = services.do_report_fault(now=now + H, actor=None, channel="api",
                                      subscription=gold.broadband, description="断")
    paused = services.do_report_fault(now=now, actor=None, channel="api",
                                      subscription=plain.mobile, description="无信号")
    services.do_pause_work_order(now=now, work_order=paused, reason="customer_postponed",
                                 actor=staff.tech)
    services.do_report_fault(now=now, actor=None, channel="api",
                             subscription=rural.broadband, description="断")

    queue = list(selectors.work_order_queue(staff.manager, now=now + 2 * H))
    assert queue == [urgent, slow, paused]
    assert len(selectors.work_order_queue(staff.ty_manager, now=now)) == 4
    # urgent: gold VIP, 12 h from now + 1 h, warned at 80 % (now + 10.6 h)
    entries = selectors.queue_entries(queue, now=now + 11 * H)
    assert [e.clock_status for e in entries] == ["warning", "ok", "paused"]
    assert entries[0].time_left == dt.timedelta(hours=2)
    assert list(selectors.work_order_queue(staff.manager, now=now + 14 * H,
                                           status="breached")) == [urgent]
    assert list(selectors.work_order_queue(staff.manager, now=now, status="paused")) == [paused]


def test_technician_sees_own_work_and_the_teams_unassigned(now, org, shop, staff):
    team = services.do_create_team(now=now, code="xd-repair", name="小店装维班",
                                   org_unit=org.xiaodian, members=[staff.tech, staff.tech2])
    homes = [make_household(org.xiaodian, shop) for _ in range(3)]
    mine, theirs, open_ = (services.do_report_fault(now=now, actor=None, channel="api",
                                                    subscription=h.broadband, description="x")
                           for h in homes)
    services.do_assign_work_order(now=now, work_order=mine, technician=staff.tech, team=team,
                                  actor=staff.manager)
    services.do_assign_work_order(now=now, work_order=theirs, technician=staff.tech2,
                                  team=team, actor=staff.manager)
    services.do_assign_work_order(now=now, work_order=open_, technician=None, team=team,
                                  actor=staff.manager)

    assert set(selectors.work_order_queue(staff.tech, now=now)) == {mine, open_}
    assert set(selectors.work_order_queue(staff.manager, now=now, team=team)) == {
        mine, theirs, open_}


def test_writes_publish_tmf_events_to_listeners(now, home, staff):
    from telcodesk.core.events import do_register_listener

    do_register_listener(now=now, api="troubleTicket", callback="https://bss.example/listener",
                         query="eventType=TroubleTicketStatusChangeEvent", actor=staff.manager)
    repair = services.do_report_fault(now=now, actor=staff.agent, channel="hotline",
                                      subscription=home.broadband, description="断网")
    assert not TmfEvent.objects.exists()  # the listener wants status changes only

    status(repair, TicketStatus.IN_PROGRESS, at=now + H, actor=staff.tech)

    event, = TmfEvent.objects.all()
    assert event.event_type == "TroubleTicketStatusChangeEvent"
    assert event.payload["event"]["troubleTicket"]["id"] == repair.code
    assert event.payload["event"]["troubleTicket"]["status"] == "inProgress"
