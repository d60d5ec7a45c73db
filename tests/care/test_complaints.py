"""Complaints from intake to closure: channels, first responsibility, repeat flag, the two
time limits, reply, closure and survey, reopening, regulator appeal."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from telcodesk.care import permissions
from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    Complaint,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintState,
    Satisfaction,
    SurveyAnswerStatus,
)
from telcodesk.care.selectors import complaints as selectors
from telcodesk.care.services import complaints as services
from telcodesk.care.services.surveys import do_answer_survey
from telcodesk.core import clock as core_clock
from telcodesk.core import phone
from telcodesk.sla import services as sla_services
from telcodesk.sla.models import SlaAlert, SlaClock, StaffAlertNumber
from tests.care.complaints_support import (
    hours,
    make_household,
    outbox,
    receive,
)


def kinds(complaint: Complaint) -> list[str]:
    return [e.kind for e in selectors.complaint_timeline(complaint)]


# --- intake ---------------------------------------------------------------------------------


def test_intake_from_every_channel_is_recorded_with_its_channel(now, home, people):
    codes = set()
    for channel in ComplaintChannel.values:
        complaint = receive(now, people.handler, channel=channel, customer=home.customer)
        complaint.refresh_from_db()
        assert complaint.channel == channel
        assert re.fullmatch(r"CP\d{9}", complaint.code)
        assert complaint.owner == complaint.handler == complaint.created_by == people.handler
        assert complaint.state == ComplaintState.OPEN
        assert complaint.org_unit == home.customer.org_unit
        assert complaint.reply_clock.kind == "complaint_reply"
        assert complaint.regulator_clock.kind == "complaint_regulator"
        assert kinds(complaint)[0] == ComplaintEventKind.RECEIVED
        codes.add(complaint.code)
    assert len(codes) == len(ComplaintChannel.values)
    regulator = Complaint.objects.get(channel=ComplaintChannel.REGULATOR)
    assert regulator.regulator_appeal and regulator.regulator_appeal_at == now


@pytest.mark.parametrize("channel", ["", "pigeon", None])
def test_a_complaint_without_a_channel_is_refused_and_nothing_is_saved(now, home, people,
                                                                       channel):
    with pytest.raises(CareError) as caught:
        receive(now, people.handler, channel=channel, customer=home.customer)
    assert caught.value.code == CareErrorCode.INVALID
    assert "a complaint needs its channel" in caught.value.message
    assert "hotline" in caught.value.message and "regulator" in caught.value.message
    assert not Complaint.objects.exists()
    assert not SlaClock.objects.exists()
    assert outbox() == []


def test_other_bad_intake_is_refused(now, home, people, org, shop):
    other = make_household(org.qingxu, shop)
    cases = [
        ({"category": "weather"}, "category"),
        ({"summary": "  "}, "summary"),
        ({"customer": None, "contact_number": ""}, "complainant"),
        ({"contact_number": "12"}, "not a phone number"),
        ({"subscription": other.mobile}, "another customer"),
        ({"received_at": now + hours(1)}, "future"),
    ]
    for changes, words in cases:
        options = {"customer": home.customer, **changes}
        with pytest.raises(CareError) as caught:
            receive(now, people.handler, **options)
        assert words in caught.value.message
    with pytest.raises(CareError) as caught:
        receive(now, people.tech, customer=home.customer)
    assert caught.value.code == CareErrorCode.FORBIDDEN
    assert not Complaint.objects.exists()


def test_the_customer_is_found_from_the_number_and_gets_an_sms(now, home, people):
    complaint = receive(now, people.agent, channel="hotline",
                        contact_number=phone.national(home.mobile.number))
    assert complaint.customer == home.customer
    assert complaint.contact_number == home.mobile.number
    assert complaint.org_unit == home.customer.org_unit  # the customer's branch, not the agent's
    [sms] = outbox("complaint_received")
    assert sms.recipient == home.mobile.number
    assert complaint.code in sms.body
    assert "2025年10月2日10:00" in sms.body  # 48 h after 10:00 on 30 September
    assert sms.customer == home.customer


def test_a_complaint_from_an_unknown_number_belongs_to_the_takers_branch(now, people, org):
    complaint = receive(now, people.agent, contact_number="13912345678", notify_customer=False)
    assert complaint.customer is None
    assert complaint.org_unit == org.taiyuan
    assert complaint.area == "any"
    assert outbox() == []


# --- first responsibility ---------------------------------------------------------------


def test_ownership_is_kept_through_transfers(now, home, people):
    complaint = receive(now, people.agent, customer=home.customer)
    services.do_transfer_complaint(now=now + hours(1), actor=people.agent, complaint=complaint,
                                   to_user=people.handler, note="账单问题转投诉处理岗")
    services.do_transfer_complaint(now=now + hours(2), actor=people.handler,
                                   complaint=complaint, to_user=people.handler2,
                                   note="同事接手")
    services.do_transfer_complaint(now=now + hours(3), actor=people.handler2,
                                   complaint=complaint, to_user=people.clerk,
                                   note="请营业厅核对账单")
    complaint.refresh_from_db()
    assert complaint.owner == people.agent  # first responsibility: still the first taker
    assert complaint.handler == people.clerk
    assert complaint.state == ComplaintState.IN_PROGRESS
    transfers = [e for e in selectors.complaint_timeline(complaint)
                 if e.kind == ComplaintEventKind.TRANSFERRED]
    assert [(e.from_user, e.to_user, e.text) for e in transfers] == [
        (people.agent, people.handler, "账单问题转投诉处理岗"),
        (people.handler, people.handler2, "同事接手"),
        (people.handler2, people.clerk, "请营业厅核对账单"),
    ]
    # Deadline alerts follow whoever handles the complaint now.
    assert complaint.reply_clock.assignee == people.clerk
    assert complaint.regulator_clock.assignee == people.clerk
    # The owner still sees it, even outside their branch subtree's usual scope.
    assert selectors.complaint_for(people.agent, complaint.code) == complaint


def test_a_transfer_needs_a_note_a_worker_and_a_colleague(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    cases = [
        (people.handler, people.handler2, "", CareErrorCode.INVALID),
        (people.handler, people.handler, "x", CareErrorCode.INVALID),
        (people.handler, people.tech, "x", CareErrorCode.INVALID),  # not a complaint worker
        (people.handler, people.qx_handler, "x", CareErrorCode.INVALID),  # another county
        (people.clerk, people.handler2, "x", CareErrorCode.FORBIDDEN),  # not working on it
    ]
    for actor, to_user, note, code in cases:
        with pytest.raises(CareError) as caught:
            services.do_transfer_complaint(now=now, actor=actor, complaint=complaint,
                                           to_user=to_user, note=note)
        assert caught.value.code == code
    complaint.refresh_from_db()
    assert complaint.handler == people.handler
    assert not any(k == ComplaintEventKind.TRANSFERRED for k in kinds(complaint))


def test_only_a_manager_changes_the_owner_and_only_with_a_reason(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_transfer_complaint(now=now, actor=people.handler, complaint=complaint,
                                   to_user=people.handler2, note="休假")
    for actor in (people.handler, people.handler2, people.clerk, people.dt_manager):
        assert not permissions.may_reassign(actor, complaint)
        with pytest.raises(CareError) as caught:
            services.do_reassign_complaint_owner(now=now, actor=actor, complaint=complaint,
                                                 new_owner=people.handler2, reason="离职")
        assert caught.value.code == CareErrorCode.FORBIDDEN
    with pytest.raises(CareError) as caught:
        services.do_reassign_complaint_owner(now=now, actor=people.manager,
                                             complaint=complaint, new_owner=people.handler2,
                                             reason=" ")
    assert "reason" in caught.value.message
    complaint.refresh_from_db()
    assert complaint.owner == people.handler

    services.do_reassign_complaint_owner(now=now + hours(1), actor=people.manager,
                                         complaint=complaint, new_owner=people.handler2,
                                         reason="原负责人调岗")
    complaint.refresh_from_db()
    assert complaint.owner == people.handler2
    [event] = [e for e in selectors.complaint_timeline(complaint)
               if e.kind == ComplaintEventKind.REASSIGNED]
    assert (event.actor, event.from_user, event.to_user, event.text) == (
        people.manager, people.handler, people.handler2, "原负责人调岗")
    for manager in (people.ty_manager, people.quality):
        assert permissions.may_reassign(manager, complaint)


def test_a_reassigned_owner_who_also_handled_hands_over_the_work(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_reassign_complaint_owner(now=now, actor=people.quality, complaint=complaint,
                                         new_owner=people.handler2, reason="离职")
    complaint.refresh_from_db()
    assert complaint.owner == complaint.handler == people.handler2
    assert complaint.reply_clock.assignee == people.handler2


# --- categories and the repeat flag -------------------------------------------------------


def test_repeat_flag_within_the_window_only(now, home, people, settings):
    settings.TELCODESK_COMPLAINT_REPEAT_DAYS = 30
    first = receive(now - dt.timedelta(days=60), people.handler, customer=home.customer,
                    category="network", notify_customer=False)
    second = receive(now - dt.timedelta(days=29), people.handler, customer=home.customer,
                     category="network", notify_customer=False)
    third = receive(now, people.handler, customer=home.customer, category="network",
                    notify_customer=False)
    other_category = receive(now, people.handler, customer=home.customer, category="billing",
                             notify_customer=False)
    assert first.repeat_of is None  # 31 days before the second: outside the window
    assert second.repeat_of is None
    assert third.repeat_of == second and third.is_repeat
    assert other_category.repeat_of is None


def test_repeat_flag_by_number_when_there_is_no_customer(now, people):
    first = receive(now - dt.timedelta(days=3), people.agent, contact_number="13912345678",
                    category="spam", notify_customer=False)
    again = receive(now, people.agent, contact_number="139 1234 5678", category="spam",
                    notify_customer=False)
    stranger = receive(now, people.agent, contact_number="13912345679", category="spam",
                       notify_customer=False)
    assert again.repeat_of == first
    assert stranger.repeat_of is None


def test_links_to_line_order_work_order_and_bill(now, home, people):
    from telcodesk.orders.services.work_orders import do_report_fault

    work_order = do_report_fault(now=now, actor=people.clerk, channel="counter",
                                 subscription=home.broadband, description="断网")
    complaint = receive(now, people.handler, category="delay", work_order=work_order,
                        subscription=home.broadband, bill_reference="2025-09")
    assert complaint.customer == home.customer  # from the line
    assert (complaint.work_order, complaint.subscription, complaint.bill_reference) == (
        work_order, home.broadband, "2025-09")
    assert complaint.area == home.broadband.area


# --- time limits, reply, closure -----------------------------------------------------------


def test_both_clocks_start_at_reception_and_stop_at_the_reply(now, home, people):
    received = now - hours(30)
    complaint = receive(now - hours(29), people.handler, customer=home.customer,
                        received_at=received)
    assert complaint.reply_clock.accepted_at == received
    assert complaint.reply_clock.due_at == received + hours(48)
    assert complaint.regulator_clock.due_at == received + hours(360)
    services.do_reply_complaint(now=now, actor=people.handler, complaint=complaint,
                                reply_text="经核查多扣20元已退回，请查收。")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.REPLIED and complaint.replied_at == now
    for clock in (complaint.reply_clock, complaint.regulator_clock):
        assert clock.state == "stopped" and clock.stopped_at == now
        assert clock.counted_duration == Decimal("30.0000")
        assert clock.timely is True
    [sms] = outbox("complaint_replied")
    assert "多扣20元已退回" in sms.body and complaint.code in sms.body
    assert kinds(complaint)[-1] == ComplaintEventKind.REPLIED


def test_warnings_and_breaches_come_from_the_sla_engine(now, home, people):
    StaffAlertNumber.objects.create(staff=people.handler2, number="+8613800000001")
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_transfer_complaint(now=now, actor=people.handler, complaint=complaint,
                                   to_user=people.handler2, note="接手")
    warned = sla_services.claim_warnings(now + hours(39))  # 80% of 48 h = 38.4 h
    assert warned == [complaint.reply_clock_id]
    alerts = SlaAlert.objects.filter(clock_id=complaint.reply_clock_id, kind="warning")
    assert {(a.staff, a.role) for a in alerts} == {(people.handler2, "assignee"),
                                                   (people.manager, "branch_manager"),
                                                   (people.ty_manager, "branch_manager")}
    assert [m.recipient for m in outbox("deadline_warning")] == ["+8613800000001"]
    assert services.record_deadline_events(now + hours(39)).startswith("1 ")
    breached = sla_services.claim_breaches(now + hours(49))
    assert breached == [complaint.reply_clock_id]
    assert sla_services.claim_breaches(now + hours(50)) == []  # claimed once
    services.do_reply_complaint(now=now + hours(50), actor=people.handler2,
                                complaint=complaint, reply_text="已处理")
    complaint.refresh_from_db()
    events = [(e.kind, e.text.split(":")[0]) for e in selectors.complaint_timeline(complaint)
              if e.kind in (ComplaintEventKind.WARNING, ComplaintEventKind.BREACHED)]
    assert events == [(ComplaintEventKind.WARNING, "complaint_reply"),
                      (ComplaintEventKind.BREACHED, "complaint_reply")]
    assert services.record_deadline_events(now + hours(51)).startswith("0 ")
    reply_clock = complaint.reply_clock
    assert reply_clock.counted_duration == Decimal("50.0000") and reply_clock.timely is False
    assert complaint.regulator_clock.timely is True  # 50 h of 360 h


def test_reply_close_and_the_survey_sms(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    with pytest.raises(CareError) as caught:
        services.do_close_complaint(now=now, actor=people.handler, complaint=complaint)
    assert caught.value.code == CareErrorCode.ILLEGAL_STATE
    services.do_reply_complaint(now=now + hours(2), actor=people.handler, complaint=complaint,
                                reply_text="已退费")
    with pytest.raises(CareError):
        services.do_reply_complaint(now=now + hours(2), actor=people.handler,
                                    complaint=complaint, reply_text="again")
    services.do_close_complaint(now=now + hours(3), actor=people.handler, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED and complaint.closed_at == now + hours(3)
    assert complaint.survey_sent_at == now + hours(3)
    # No contact number given: the customer's contact phone.
    assert complaint.survey_number == home.customer.contact_phone
    [survey] = outbox("satisfaction_survey")
    assert survey.recipient == home.customer.contact_phone
    assert "1满意" in survey.body and complaint.code in survey.body
    # The SMS carries the survey link, which opens this complaint's survey page.
    link = re.search(r"https?://\S+/my/survey/\S+/", survey.body)
    assert link, survey.body
    assert link.group(0).startswith(settings.TELCODESK_PUBLIC_URL)
    with mock.patch.object(core_clock, "now", return_value=now + hours(4)):
        page = Client().get(link.group(0).removeprefix(settings.TELCODESK_PUBLIC_URL))
    assert page.status_code == 200 and complaint.code in page.content.decode()
    assert kinds(complaint)[-2:] == [ComplaintEventKind.CLOSED, ComplaintEventKind.SURVEY_SENT]
    assert selectors.survey_pending(complaint)


def test_closing_without_a_survey(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_reply_complaint(now=now, actor=people.handler, complaint=complaint,
                                reply_text="ok", notify_customer=False)
    services.do_close_complaint(now=now, actor=people.handler, complaint=complaint,
                                send_survey=False)
    complaint.refresh_from_db()
    assert complaint.survey_sent_at is None and outbox() == [outbox()[0]]
    assert outbox()[0].kind == "complaint_received"


def test_a_dissatisfied_answer_reopens_the_complaint_to_the_owners_manager(now, home, people):
    StaffAlertNumber.objects.create(staff=people.manager, number="+8613800000002")
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_transfer_complaint(now=now, actor=people.handler, complaint=complaint,
                                   to_user=people.handler2, note="接手")
    services.do_reply_complaint(now=now + hours(10), actor=people.handler2,
                                complaint=complaint, reply_text="已解释")
    services.do_close_complaint(now=now + hours(11), actor=people.handler2,
                                complaint=complaint)
    answer = do_answer_survey(now=now + hours(20), complaint=complaint, raw_text="3不满意",
                              channel="sms")
    assert answer.status == SurveyAnswerStatus.ACCEPTED
    complaint.refresh_from_db()
    assert complaint.satisfaction == Satisfaction.DISSATISFIED
    assert complaint.state == ComplaintState.REOPENED and complaint.reopened_count == 1
    assert complaint.owner == people.handler  # ownership unchanged
    assert complaint.handler == people.manager  # the owner's branch manager
    assert complaint.closed_at is None
    [reopened] = [e for e in selectors.complaint_timeline(complaint)
                  if e.kind == ComplaintEventKind.REOPENED]
    assert reopened.to_user == people.manager
    [alert] = outbox("complaint_escalated")
    assert alert.recipient == "+8613800000002" and complaint.code in alert.body
    # The reply clock continues where it stopped (the closed time is not counted).
    clock = complaint.reply_clock
    assert clock.state == "running" and clock.assignee == people.manager
    services.do_reply_complaint(now=now + hours(22), actor=people.manager,
                                complaint=complaint, reply_text="经理回访，已补偿")
    complaint.refresh_from_db()
    assert complaint.reply_clock.counted_duration == Decimal("12.0000")  # 10 h + 2 h
    services.do_close_complaint(now=now + hours(23), actor=people.manager, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.satisfaction == "" and selectors.survey_pending(complaint)
    assert len(outbox("satisfaction_survey")) == 2
    do_answer_survey(now=now + hours(24), complaint=complaint, raw_text="1", channel="sms")
    complaint.refresh_from_db()
    assert complaint.satisfaction == Satisfaction.SATISFIED
    assert complaint.state == ComplaintState.CLOSED


def test_the_manager_is_found_above_the_owners_unit(now, home, people, org, make_staff):
    from telcodesk.core.roles import Role

    outlet_clerk = make_staff("outlet-clerk2", org.xiaodian_outlet, Role.COUNTER_CLERK)
    complaint = receive(now, outlet_clerk, customer=home.customer)
    assert selectors.manager_for(complaint) == people.manager  # nearest: Xiaodian, not Taiyuan


# --- regulator appeal ---------------------------------------------------------------------


def test_regulator_appeal(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_record_regulator_appeal(now=now + hours(400), actor=people.handler,
                                        complaint=complaint, reference="工信部申诉2025-0931")
    complaint.refresh_from_db()
    assert complaint.regulator_appeal and complaint.regulator_appeal_at == now + hours(400)
    assert complaint.regulator_reference == "工信部申诉2025-0931"
    with pytest.raises(CareError) as caught:
        services.do_record_regulator_appeal(now=now + hours(401), actor=people.handler,
                                            complaint=complaint)
    assert caught.value.code == CareErrorCode.CONFLICT
    with pytest.raises(CareError) as caught:
        services.do_record_regulator_appeal(now=now, actor=people.clerk, complaint=complaint)
    assert caught.value.code == CareErrorCode.FORBIDDEN
    dossier = selectors.complaint_dossier(complaint, now=now + hours(402))
    assert dossier.code == complaint.code and dossier.regulator_appeal
    assert [c.kind for c in dossier.clocks] == ["complaint_reply", "complaint_regulator"]
    assert dossier.clocks[1].status == "breached"  # 402 h > 360 h, never replied
    assert any("时限 360 小时" in line for line in dossier.clocks[1].lines)  # in Chinese
    assert [r.kind for r in dossier.timeline] == [ComplaintEventKind.RECEIVED,
                                                  ComplaintEventKind.APPEALED]


def test_the_dossier_holds_replies_transfers_and_survey_answers(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    services.do_transfer_complaint(now=now, actor=people.handler, complaint=complaint,
                                   to_user=people.handler2, note="接手")
    services.do_add_complaint_note(now=now, actor=people.handler2, complaint=complaint,
                                   text="已致电客户", contacted=True)
    services.do_reply_complaint(now=now + hours(5), actor=people.handler2,
                                complaint=complaint, reply_text="已退费20元")
    services.do_close_complaint(now=now + hours(6), actor=people.handler2, complaint=complaint)
    do_answer_survey(now=now + hours(7), complaint=complaint, raw_text="2", channel="sms")
    dossier = selectors.complaint_dossier(complaint, now=now + hours(8))
    assert [(r.text) for r in dossier.replies] == ["已退费20元"]
    transfer = next(r for r in dossier.timeline if r.kind == ComplaintEventKind.TRANSFERRED)
    assert (transfer.from_user, transfer.to_user) == (str(people.handler), str(people.handler2))
    assert [(s.value, s.status) for s in dossier.surveys] == [("fairly_satisfied", "accepted")]
    assert dossier.clocks[0].timely is True and dossier.clocks[0].counted_hours == 5.0
    assert dossier.satisfaction == Satisfaction.FAIRLY_SATISFIED


# --- selectors ----------------------------------------------------------------------------


def test_scoping_and_the_queue(now, home, people, org, shop):
    mine = receive(now - hours(10), people.handler, customer=home.customer, category="network")
    qx_home = make_household(org.qingxu, shop)
    theirs = receive(now, people.qx_handler, customer=qx_home.customer, channel="letter")
    assert set(selectors.complaints_visible_to(people.handler)) == {mine}
    assert set(selectors.complaints_visible_to(people.ty_manager)) == {mine, theirs}
    with pytest.raises(CareError) as caught:
        selectors.complaint_for(people.handler, theirs.code)
    assert caught.value.code == CareErrorCode.NOT_FOUND
    queue = selectors.complaint_queue(people.ty_manager, now=now)
    assert list(queue) == [mine, theirs]  # least time left first
    assert list(selectors.complaint_queue(people.ty_manager, channel="letter")) == [theirs]
    assert list(selectors.complaint_queue(people.ty_manager, category="network")) == [mine]
    assert list(selectors.complaint_queue(people.handler, mine=True)) == [mine]
    assert list(selectors.complaint_queue(people.ty_manager, q=mine.code)) == [mine]
    assert list(selectors.complaint_queue(
        people.ty_manager, q=phone.national(home.mobile.number))) == []  # not a contact number
    assert list(selectors.complaint_queue(people.ty_manager, q=home.customer.code)) == [mine]
    assert list(selectors.complaint_queue(people.ty_manager, overdue=True,
                                          now=now + hours(39))) == [mine]
    entries = selectors.queue_entries(list(queue), now=now)
    assert entries[0].clock_status == "ok" and entries[0].time_left == hours(38)
    services.do_reply_complaint(now=now, actor=people.handler, complaint=mine,
                                reply_text="好了")
    services.do_close_complaint(now=now, actor=people.handler, complaint=mine)
    assert list(selectors.complaint_queue(people.ty_manager)) == [theirs]
    assert list(selectors.complaint_queue(people.ty_manager, state="closed")) == [mine]
    assert len(selectors.complaint_queue(people.ty_manager, state="all")) == 2


def test_who_may_work_on_a_complaint(now, home, people):
    complaint = receive(now, people.agent, customer=home.customer)
    assert permissions.may_work_on(people.agent, complaint)  # owner and handler
    assert permissions.may_work_on(people.handler, complaint)  # complaint handler of the branch
    assert permissions.may_work_on(people.manager, complaint)
    assert not permissions.may_work_on(people.clerk, complaint)
    assert not permissions.may_work_on(people.qx_handler, complaint)
    targets = set(selectors.staff_to_transfer_to(people.agent, complaint))
    assert {people.handler, people.handler2, people.clerk, people.manager,
            people.ty_manager, people.quality} <= targets
    assert not targets & {people.agent, people.tech, people.qx_handler, people.dt_manager}


def test_survey_token_round_trip(now, home, people):
    complaint = receive(now, people.handler, customer=home.customer)
    token = selectors.survey_token(complaint)
    assert selectors.complaint_by_survey_token(token) == complaint
    for bad in ("", token + "x", complaint.code, token.replace(complaint.code, "CP999999999")):
        with pytest.raises(CareError) as caught:
            selectors.complaint_by_survey_token(bad)
        assert caught.value.code == CareErrorCode.NOT_FOUND


def test_a_breach_claimed_at_once_is_recorded_once_by_the_clock_job(now, home, people):
    from telcodesk.core.scheduler import registered_jobs, run_pass

    complaint = receive(now, people.handler, customer=home.customer)
    assert "care.complaint_deadlines" in {job.name for job in registered_jobs()}
    sla_services.claim_breaches(now + hours(400))  # both limits passed, warnings settled
    outcomes = {o.name: o.result for o in run_pass(now=now + hours(400))}
    assert outcomes["care.complaint_deadlines"] == "2 complaint deadline event(s) recorded"
    assert services.record_deadline_events(now + hours(401)).startswith("0 ")
    events = [e.text.split(":")[0] for e in selectors.complaint_timeline(complaint)
              if e.kind == ComplaintEventKind.BREACHED]
    assert sorted(events) == ["complaint_regulator", "complaint_reply"]
    assert ComplaintEventKind.WARNING not in kinds(complaint)


# --- cost -------------------------------------------------------------------------------------


def test_receiving_a_complaint_costs_a_fixed_number_of_queries(now, home, people,
                                                              django_assert_max_num_queries):
    # The first complaint of a transaction also asks which standards are in force, which
    # template the SMS uses and whether anyone listens on the hub; the next ones do not.
    with django_assert_max_num_queries(23):
        first = receive(now, people.handler, customer=home.customer)
    with django_assert_max_num_queries(17):
        second = receive(now + hours(1), people.handler, customer=home.customer,
                         subscription=home.mobile, category="network")
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.reply_clock.state == complaint.regulator_clock.state == "running"
        assert kinds(complaint) == [ComplaintEventKind.RECEIVED]
    received = outbox("complaint_received")
    assert len(received) == 2 and received[1].recipient == home.mobile.number
