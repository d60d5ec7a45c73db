"""Finished historical requests imported in bulk: the clocks the services would have
stored, refusals that write nothing, the legacy CSV format and its command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.utils import translation

from telcodesk.core.models import AuditEntry
from telcodesk.orders.errors import OrdersError
from telcodesk.orders.models import CustomerOrder, HistoricalRequest, OrderItem, WorkOrder
from telcodesk.orders.parsers.history import FinishedRequest, Pause, read_finished_requests
from telcodesk.orders.services import product_orders, work_orders
from telcodesk.orders.services.history import do_import_finished_requests
from telcodesk.sla.models import SlaClock, SlaPause
from telcodesk.sla.selectors import finished_clock_totals
from tests.conftest import SHANGHAI
from tests.factories import SubscriptionFactory

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
# When the imports run: after every request below has finished.
IMPORTED_AT = dt.datetime(2025, 11, 20, 9, 0, tzinfo=SHANGHAI)



def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def clock_facts(clock: SlaClock) -> dict:
    """What a report or an explanation reads from a finished clock."""
    clock = SlaClock.objects.get(pk=clock.pk)
    return {
        "standard": clock.standard_id, "limit": (clock.limit_value, clock.limit_unit),
        "warning_ratio": clock.warning_ratio, "excluded": clock.excluded_reasons,
        "key": (clock.service, clock.kind, clock.area, clock.tier, clock.org_unit_id),
        "accepted_at": clock.accepted_at, "due_at": clock.due_at, "warn_at": clock.warn_at,
        "stopped_at": clock.stopped_at, "state": clock.state,
        "counted": clock.counted_duration, "timely": clock.timely, "breached": clock.breached,
        "pauses": [(p.reason, p.started_at, p.ended_at, p.excluded)
                   for p in SlaPause.objects.filter(clock=clock).order_by("started_at")],
    }


def imported(external_id: str) -> WorkOrder:
    return WorkOrder.objects.select_related("sla_clock").get(external_id=external_id)


def run_import(*requests: FinishedRequest, batch: int = 5000):
    return do_import_finished_requests(now=IMPORTED_AT, actor=None, requests=requests,
                                       batch=batch)


# --- the same clocks as the services -----------------------------------------------------


def test_install_across_national_day_with_an_excluded_pause(home, shop, staff):
    """Broadband install, urban: 3 working days. Accepted on the eve of National Day
    2025 (1–8 October off, Saturday 11 October worked), the customer absent for a
    day: the clock runs to 13 October."""
    accepted = at("2025-09-30", 10)
    order = product_orders.do_create_order(
        now=accepted, actor=staff.agent, channel="hotline", customer=home.customer,
        items=[product_orders.ItemSpec(kind="new_line", service="broadband", number="bbnew-1",
                                 package=shop.broadband_100, address="小店区长风街2号")])
    work_order = order.work_orders.get()
    work_orders.do_pause_work_order(now=at("2025-10-09", 9), work_order=work_order,
                                 reason="customer_absent", actor=staff.tech)
    work_orders.do_resume_work_order(now=at("2025-10-10", 9), work_order=work_order,
                                  actor=staff.tech)
    work_orders.do_change_work_order_status(now=at("2025-10-13", 9), work_order=work_order,
                                         status="resolved", actor=staff.tech,
                                         channel="console")
    work_order.refresh_from_db()

    summary = run_import(FinishedRequest(
        kind="install", service="broadband", subscription="bbnew-1", accepted_at=accepted,
        finished_at=at("2025-10-13", 9), external_id="L-INST",
        pauses=(Pause("customer_absent", at("2025-10-09", 9), at("2025-10-10", 9)),)))

    live, bulk = clock_facts(work_order.sla_clock), clock_facts(imported("L-INST").sla_clock)
    assert bulk == live
    assert bulk["limit"] == (Decimal("3.00"), "working_days")
    assert bulk["due_at"] == at("2025-10-13", 10)  # 11 October counted, 12 skipped, +1 day paused
    assert bulk["counted"] == Decimal("2.9583") and bulk["timely"] is True
    assert (summary.work_orders, summary.orders, summary.timely) == (1, 0, 1)


def test_repair_with_excluded_and_counted_pauses(home, staff):
    """Broadband repair, urban, 24 h: the customer's absence is excluded, waiting for
    parts is recorded but counts."""
    t0 = at("2025-10-20", 8)
    fault = work_orders.do_report_fault(now=t0, actor=staff.agent, channel="hotline",
                                     subscription=home.broadband, description="宽带无法上网")
    work_orders.do_pause_work_order(now=t0 + 2 * H, work_order=fault, reason="customer_absent",
                                 actor=staff.tech)
    work_orders.do_resume_work_order(now=t0 + 20 * H, work_order=fault, actor=staff.tech)
    work_orders.do_change_work_order_status(now=t0 + 22 * H, work_order=fault, status="held",
                                         reason="awaiting_parts", actor=staff.tech,
                                         channel="console")
    work_orders.do_resume_work_order(now=t0 + 25 * H, work_order=fault, actor=staff.tech)
    work_orders.do_change_work_order_status(now=t0 + 30 * H, work_order=fault,
                                         status="resolved", actor=staff.tech, channel="console")
    fault.refresh_from_db()

    run_import(FinishedRequest(
        kind="repair", service="broadband", subscription=home.broadband.number,
        accepted_at=t0, finished_at=t0 + 30 * H, external_id="L-REP",
        pauses=(Pause("customer_absent", t0 + 2 * H, t0 + 20 * H),
                Pause("awaiting_parts", t0 + 22 * H, t0 + 25 * H))))

    live, bulk = clock_facts(fault.sla_clock), clock_facts(imported("L-REP").sla_clock)
    assert bulk == live
    assert bulk["counted"] == Decimal("12.0000") and bulk["timely"] is True
    assert [p[3] for p in bulk["pauses"]] == [True, False]
    assert bulk["due_at"] == t0 + 42 * H


def test_a_late_mobile_repair_is_breached_alike(home, staff):
    """Mobile repair, 48 h, handset faults excluded: 50 h less one hour is late."""
    t0 = at("2025-10-21", 9)
    fault = work_orders.do_report_fault(now=t0, actor=staff.agent, channel="hotline",
                                     subscription=home.mobile, description="无信号")
    work_orders.do_pause_work_order(now=t0 + H, work_order=fault, reason="handset_fault",
                                 actor=staff.tech)
    work_orders.do_resume_work_order(now=t0 + 2 * H, work_order=fault, actor=staff.tech)
    work_orders.do_change_work_order_status(now=t0 + 50 * H, work_order=fault,
                                         status="resolved", actor=staff.tech, channel="console")
    run_import(FinishedRequest(
        kind="repair", service="mobile", subscription=home.mobile.number, accepted_at=t0,
        finished_at=t0 + 50 * H, external_id="L-MREP",
        pauses=(Pause("handset_fault", t0 + H, t0 + 2 * H),)))
    bulk = clock_facts(imported("L-MREP").sla_clock)
    assert bulk == clock_facts(fault.sla_clock)
    assert (bulk["counted"], bulk["timely"], bulk["breached"]) == (Decimal("49.0000"), False,
                                                                    True)


def test_a_mobile_package_change_order_matches_the_order_service(home, shop, staff):
    t0 = at("2025-10-22", 15, 3)
    order = product_orders.do_create_order(
        now=t0, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.mobile, auto_complete=False,
        items=[product_orders.ItemSpec(kind="package_change", subscription=home.mobile,
                                 package=shop.mobile_99)])
    order = product_orders.do_complete_order(now=t0 + 7 * MIN, order=order, actor=staff.agent,
                                       channel="console")
    run_import(FinishedRequest(kind="package_change", service="mobile",
                               subscription=home.mobile.number, accepted_at=t0,
                               finished_at=t0 + 7 * MIN, channel="hotline",
                               external_id="L-PC"))
    bulk_order = CustomerOrder.objects.get(state_reason="imported history L-PC")
    assert clock_facts(bulk_order.sla_clock) == clock_facts(order.sla_clock)
    assert clock_facts(bulk_order.sla_clock)["counted"] == Decimal("0.1167")
    assert (bulk_order.state, bulk_order.channel, bulk_order.completed_at) == (
        "completed", "hotline", t0 + 7 * MIN)
    item = OrderItem.objects.get(order=bulk_order)
    assert (item.kind, item.action, item.state, item.number) == (
        "package_change", "modify", "completed", home.mobile.number)


# --- what the records look like ---------------------------------------------------------


def test_codes_statuses_labels_and_one_audit_entry_per_batch(now, home, staff):
    t0 = at("2025-11-17", 9)  # resolved three days before the import: not closed yet
    summary = run_import(
        FinishedRequest(kind="repair", service="broadband", subscription=home.broadband.number,
                        accepted_at=at("2025-08-01", 9), finished_at=at("2025-08-01", 15),
                        external_id="A", technician="xd-tech"),
        FinishedRequest(kind="reconnection", service="mobile", subscription=home.mobile.number,
                        accepted_at=t0, finished_at=t0 + 5 * MIN, external_id="B"),
        FinishedRequest(kind="repair", service="broadband",
                        subscription=home.broadband.number, accepted_at=t0,
                        finished_at=t0 + 3 * H, external_id="C", channel="self_service"),
        batch=2)
    assert (summary.total, summary.work_orders, summary.orders, summary.batches) == (3, 2, 1, 2)
    assert summary.timely_share == 1.0
    old, recent = imported("A"), imported("C")
    assert old.code.startswith("WO") and len(old.code) == 11 and recent.code > old.code
    assert (old.status, old.resolved_at, old.closed_at) == (
        "closed", at("2025-08-01", 15), at("2025-08-08", 15))
    assert (recent.status, recent.closed_at, recent.channel) == ("resolved", None,
                                                                 "self_service")
    assert old.channel == "hotline" and old.status_reason == "imported history"
    assert old.technician == staff.tech and old.sla_clock.assignee == staff.tech
    clock = old.sla_clock
    assert clock.subject_label.startswith(f"{old.code} ")
    assert clock.subject_url.endswith(f"/work-orders/{old.code}/")
    reconnection = CustomerOrder.objects.get(state_reason="imported history B")
    assert reconnection.code.startswith("PO")
    assert (reconnection.sla_clock.service, reconnection.sla_clock.kind) == ("mobile",
                                                                             "reconnection")
    # The normal sequence goes on after the imported codes.
    later = work_orders.do_report_fault(now=now, actor=staff.agent, channel="hotline",
                                     subscription=home.mobile, description="无信号")
    assert later.code > recent.code
    audits = AuditEntry.objects.filter(action="orders.import_history")
    assert audits.count() == 2  # one per batch, not one per row
    assert not AuditEntry.objects.filter(action="work_order.create",
                                         target_id=old.code).exists()


# --- refusals ----------------------------------------------------------------------------


def counts() -> tuple[int, int, int, int]:
    return (WorkOrder.objects.count(), CustomerOrder.objects.count(),
            SlaClock.objects.count(), SlaPause.objects.count())


@pytest.mark.parametrize("change, message", [
    ({"finished_at": at("2025-10-01", 8)}, "request 2 (bad): finished before it was accepted"),
    ({"pauses": (Pause("customer_absent", at("2025-10-01", 8), at("2025-10-01", 11)),)},
     "request 2 (bad): the customer_absent pause lies outside the request"),
    ({"pauses": (Pause("customer_absent", at("2025-10-01", 10), at("2025-10-01", 11)),
                 Pause("awaiting_parts", at("2025-10-01", 10, 30), at("2025-10-01", 12)))},
     "request 2 (bad): pauses overlap"),
    ({"subscription": "+8613300000000"},
     "request 2 (bad), broadband number +8613300000000 not in telcodesk: no service standard"),
    ({"subscription": "+8613300000000", "unit": "nowhere"},
     "request 2 (bad): no branch 'nowhere' (a code or a name)"),
    ({"kind": "install", "service": "mobile", "subscription": "MOBILE"},
     "request 2 (bad): no service standard in force"),
    ({"kind": "upgrade"}, "request 2 (bad): unknown kind 'upgrade'"),
    ({"pauses": (Pause("tea_break", at("2025-10-01", 10), at("2025-10-01", 11)),)},
     "unknown pause reason 'tea_break'"),
    ({"finished_at": IMPORTED_AT + H}, "request 2 (bad): finished in the future"),
    ({"technician": "nobody"}, "request 2 (bad): no staff member 'nobody'"),
    ({"customer": "C404"}, "request 2 (bad): no customer C404"),
])
def test_a_bad_request_refuses_the_whole_call(home, change, message):
    if change.get("subscription") == "MOBILE":
        change = {**change, "subscription": home.mobile.number}
    good = FinishedRequest(kind="repair", service="broadband",
                           subscription=home.broadband.number,
                           accepted_at=at("2025-10-01", 9), finished_at=at("2025-10-01", 12),
                           external_id="good")
    bad = FinishedRequest(**{**good.__dict__, "external_id": "bad", **change})
    before = counts()
    with pytest.raises(OrdersError) as excinfo:
        run_import(good, bad, batch=1)  # the good one is in an earlier batch
    assert message in excinfo.value.message
    assert counts() == before
    assert not AuditEntry.objects.filter(action="orders.import_history").exists()


def test_an_external_id_is_imported_once(home):
    request = FinishedRequest(kind="suspension", service="mobile",
                              subscription=home.mobile.number,
                              accepted_at=at("2025-10-01", 9),
                              finished_at=at("2025-10-01", 9, 4), external_id="S-1")
    run_import(request)
    before = counts()
    with pytest.raises(OrdersError, match="external id S-1 was already imported as PO"):
        run_import(request)
    with pytest.raises(OrdersError, match="external id S-2 appears twice"):
        run_import(*[FinishedRequest(**{**request.__dict__, "external_id": "S-2"})] * 2)
    assert counts() == before


def test_national_numbers_find_their_line(home):
    national = home.mobile.number.removeprefix("+86")  # 139…, as a clerk types it
    run_import(FinishedRequest(kind="name_change", service="mobile", subscription=national,
                               accepted_at=at("2025-10-02", 10),
                               finished_at=at("2025-10-02", 10, 9), channel="counter"))
    order = CustomerOrder.objects.get()
    assert order.subscription_id == home.mobile.pk
    assert (order.confirmation_kind, order.signed_at) == ("counter_signature",
                                                          at("2025-10-02", 10))


def test_a_number_used_by_two_lines_finds_the_one_live_at_acceptance(home, shop):
    """A broadband account name given up and later reused by another line."""
    old = home.broadband
    old.active_to, old.status = at("2025-06-30", 18), "terminated"
    old.save(update_fields=["active_to", "status"])
    new = SubscriptionFactory(account=home.mobile.account, service="broadband",
                              number=old.number, package=shop.broadband_100,
                              active_from=at("2025-07-10", 9))
    run_import(
        FinishedRequest(kind="repair", service="broadband", subscription=old.number,
                        accepted_at=at("2025-05-02", 9), finished_at=at("2025-05-02", 15),
                        external_id="OLD"),
        FinishedRequest(kind="repair", service="broadband", subscription=old.number,
                        accepted_at=at("2025-08-02", 9), finished_at=at("2025-08-02", 15),
                        external_id="NEW"))
    assert imported("OLD").subscription_id == old.pk
    assert imported("NEW").subscription_id == new.pk


# --- the legacy CSV format ------------------------------------------------------------------


GOOD_CSV = (
    "\ufeffexternal_id,kind,service,number,customer,accepted_at,finished_at,pauses,channel,"
    "description\n"
    "L-1,repair,broadband,{broadband},,2025-10-20 08:00,2025-10-21 14:00,"
    '"customer_absent|2025-10-20 10:00|2025-10-21 04:00;'
    'awaiting_parts|2025-10-21 06:00|2025-10-21 09:00",hotline,"宽带\n无法上网"\n'
    "L-2,package_change,mobile,{mobile},{customer},2025-10-22T15:03:00+08:00,"
    "2025-10-22 15:10,,,\n"
)


def test_the_csv_reader_reads_every_column(home):
    text = GOOD_CSV.format(broadband=home.broadband.number, mobile=home.mobile.number,
                           customer=home.customer.code)
    first, second = read_finished_requests(io.StringIO(text), zone=SHANGHAI)
    assert (first.line, first.kind, first.external_id, first.channel) == (2, "repair", "L-1",
                                                                          "hotline")
    assert first.description == "宽带\n无法上网"
    assert first.pauses == (Pause("customer_absent", at("2025-10-20", 10), at("2025-10-21", 4)),
                            Pause("awaiting_parts", at("2025-10-21", 6), at("2025-10-21", 9)))
    assert second.line == 4  # the quoted newline took a line
    assert (second.accepted_at, second.customer, second.request_channel) == (
        at("2025-10-22", 15, 3), home.customer.code, "counter")


@pytest.mark.parametrize("text, message", [
    ("", "history.csv: the file is empty"),
    ("kind,service,number,accepted_at\n", "line 1: missing column(s): finished_at"),
    ("\x00\x01binary\x02", "history.csv: binary data, not a text export (CSV)"),
    ("kind,service,number,accepted_at,finished_at\n", "the file holds no requests"),
    ("kind,service,number,accepted_at,finished_at\n"
     "repair,broadband,bb1,2025-10-20 08:00,2025-10-20 09:00\n"
     "repair,broadband,bb1,20/10/2025 08:00,2025-10-20 09:00\n"
     "repair,broadband,bb1,2025-10-20 08:00\n"
     "repair,broadband,bb1,2025-10-20 10:00,2025-10-20 09:00\n"
     "repair,broadband,bb1,2025-10-20 08:00,2025-10-20 09:00,x\n",
     "4 bad line(s), nothing imported: line 3: time: '20/10/2025 08:00' is not a time like "
     "2025-10-20 08:00 or 2025/10/20 08:00; line 4: 4 values, the header names 5 columns; "
     "line 5: finished before it was accepted; line 6: 6 values, the header names 5 columns"),
    ("kind,service,number,accepted_at,finished_at,pauses\n"
     "repair,broadband,bb1,2025-10-20 08:00,2025-10-20 09:00,customer_absent|2025-10-20 08:30\n",
     "line 2: pauses: pause 'customer_absent|2025-10-20 08:30' is not reason|start|end"),
    ("kind,service,number,accepted_at,finished_at\n"
     "repair,,bb1,2025-10-20 08:00,2025-10-20 09:00\n", "line 2: service is empty"),
])
def test_the_csv_reader_names_the_bad_lines(text, message):
    with pytest.raises(OrdersError) as excinfo:
        read_finished_requests(io.StringIO(text), zone=SHANGHAI, name="history.csv")
    assert message in excinfo.value.message
    assert excinfo.value.message.startswith("history.csv: ")


# --- the command ----------------------------------------------------------------------------


def invoke(*args: str):
    from telcodesk.cli import main

    with translation.override(None):
        return CliRunner().invoke(main, list(args))


def test_the_command_imports_a_file_and_prints_the_figures(tmp_path, home):
    path = tmp_path / "legacy.csv"
    path.write_text(GOOD_CSV.format(broadband=home.broadband.number, mobile=home.mobile.number,
                                    customer=home.customer.code), encoding="utf-8")
    result = invoke("orders", "import-history", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 2 finished requests from legacy.csv: 1 work orders, 1 orders, 2 pauses" \
        in result.output
    assert "timely 2 of 2 (100.00%)" in result.output and "requests/s" in result.output
    assert imported("L-1").sla_clock.counted_duration == Decimal("12.0000")


def test_the_command_refuses_a_bad_file_in_one_line(tmp_path, home):
    path = tmp_path / "legacy.csv"
    path.write_text("kind,service,number,accepted_at,finished_at\n"
                    f"repair,broadband,{home.broadband.number},2025-10-20 08:00,"
                    "2025-10-20 09:00\n"
                    "upgrade,broadband,nope,2025-10-20 08:00,2025-10-20 09:00\n",
                    encoding="utf-8")
    result = invoke("orders", "import-history", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "telcodesk: error: legacy.csv: 1 bad line(s), nothing imported: line 3: unknown kind "
        "'upgrade' (one of install, move, repair, restore, change, activation, package_change, "
        "suspension, name_change, transfer, cancellation, reconnection)")
    assert not WorkOrder.objects.exists()
    missing = invoke("orders", "import-history", str(tmp_path / "nothing.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


@pytest.mark.parametrize("data", [bytes(range(256)) * 16, b"PK\x03\x04" + bytes(300)],
                         ids=["garbage", "workbook"])
def test_the_command_refuses_a_file_that_is_no_export_in_one_line(tmp_path, home, data):
    path = tmp_path / "legacy.csv"
    path.write_bytes(data)
    result = invoke("orders", "import-history", str(path))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "legacy.csv: " in result.stderr and "not a text export (CSV)" in result.stderr
    assert not WorkOrder.objects.exists() and not HistoricalRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="orders.import_history").exists()


# --- real exports: GBK, Chinese headers, Excel dates, churned subscribers ---------------------


def real_export(home, *rows: str) -> bytes:
    header = "工单号,工单类型,专业,用户号码,受理时间,完成时间,区县,城乡,派单人"
    return "\r\n".join([header, *rows, ""]).encode("gbk")


def test_an_export_with_a_churned_subscriber_keeps_the_request_for_the_figures(
        tmp_path, home, org):
    """GBK, Chinese headers, Excel-style times, an unknown column, and a line that left
    before the switch-over: its repair is kept (48 h against 24 h: late) in the branch
    the file names, and counts in the repair figures with the known line's repair."""
    path = tmp_path / "工单.csv"
    path.write_bytes(real_export(
        home,
        f"W-1,修障,宽带,{home.broadband.number},2025/10/20 08:00,2025/10/20 20:00,,,张三",
        "W-2,修障,宽带,bb-gone-7,2025/10/20 09:00,2025-10-22 09:00:00,小店区分公司,城市,李四"))
    result = invoke("orders", "import-history", str(path))
    assert result.exit_code == 0, result.output + result.stderr
    assert "工单.csv: warning: line 1: column(s) '派单人' ignored" in result.stderr
    assert "1 on lines not in telcodesk, kept as historical requests" in result.output
    assert imported("W-1").sla_clock.timely is True
    kept = HistoricalRequest.objects.select_related("sla_clock").get()
    assert (kept.external_id, kept.kind, kept.service, kept.number) == (
        "W-2", "repair", "broadband", "bb-gone-7")
    assert (kept.org_unit, kept.area) == (org.xiaodian, "urban")
    assert kept.sla_clock.counted_duration == Decimal("48.0000")
    assert kept.sla_clock.timely is False
    assert "historical line bb-gone-7" in kept.sla_clock.subject_label
    totals = [t for t in finished_clock_totals(start=at("2025-10-01", 0),
                                               end=at("2025-11-01", 0), kinds=("repair",))
              if t.service == "broadband"]
    assert sum(t.count for t in totals) == 2
    assert sum(t.timely for t in totals) == 1
    again = invoke("orders", "import-history", str(path))
    assert again.exit_code == 1 and "W-2 was already imported" in again.stderr


def test_a_churned_line_without_a_branch_goes_to_the_top_unit(home, org):
    summary = run_import(FinishedRequest(
        kind="repair", service="broadband", subscription="bb-gone-8", area="rural",
        accepted_at=at("2025-10-20", 8), finished_at=at("2025-10-21", 8), external_id="W-8"))
    assert (summary.total, summary.historical, summary.work_orders) == (1, 1, 0)
    kept = HistoricalRequest.objects.get()
    assert (kept.org_unit, kept.area, kept.sla_clock.timely) == (org.operator, "rural", True)


def test_one_wrong_row_of_an_export_is_named_and_nothing_is_written(tmp_path, home):
    path = tmp_path / "工单.csv"
    path.write_bytes(real_export(
        home,
        f"W-1,修障,宽带,{home.broadband.number},2025/10/20 08:00,2025/10/20 20:00,,,张三",
        "W-2,修障,宽带,bb-gone-7,2025/10/20 09:00,2025/10/19 09:00,小店区分公司,城市,李四",
        "W-3,修障,宽带,bb-gone-8,2025/10/20 09:00,2025/10/21 09:00,小店区分公司,山区,李四"))
    result = invoke("orders", "import-history", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "工单.csv: 2 bad line(s), nothing imported: line 3: finished before it was accepted; "
        "line 4: unknown area '山区' (one of urban, rural)")
    assert not WorkOrder.objects.exists() and not HistoricalRequest.objects.exists()


def test_imported_installs_record_what_a_live_installation_records(home):
    """Indicator membership reads the kind a request records on its clock: a live
    installation records its order item (``new_line``), so an imported one must too."""
    run_import(FinishedRequest(
        kind="install", service="broadband", subscription="bb-gone-9", area="urban",
        accepted_at=at("2025-10-20", 8), finished_at=at("2025-10-21", 8), external_id="W-9"))
    kept = HistoricalRequest.objects.select_related("sla_clock").get()
    assert kept.sla_clock.request_types == "new_line"
    repair = FinishedRequest(kind="repair", service="broadband", subscription="x",
                             accepted_at=at("2025-10-20", 8), finished_at=at("2025-10-21", 8))
    assert repair.request_types == "repair"
