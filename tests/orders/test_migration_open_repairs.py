"""The migration adding one-open-repair-per-line copes with lines that already had several."""

from __future__ import annotations

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.orders.models import TicketStatus, WorkOrder
from telcodesk.orders.services import work_orders as services
from tests.migrations_support import migrate_to

BEFORE = [("orders", "0001_initial")]
AFTER = [("orders", "0002_one_open_repair_per_line")]


@pytest.mark.django_db(transaction=True)
def test_duplicate_open_repairs_are_cancelled_keeping_the_oldest(migrated_data, now, home):
    first = services.do_report_fault(now=now, actor=None, channel="hotline",
                                     subscription=home.broadband, description="no signal")
    services.do_change_work_order_status(now=now, work_order=first, status="resolved",
                                         actor=None, channel="system")
    second = services.do_report_fault(now=now, actor=None, channel="api",
                                      subscription=home.broadband, description="no signal")
    other_line = services.do_report_fault(now=now, actor=None, channel="api",
                                          subscription=home.mobile, description="no calls")
    try:
        migrate_to(BEFORE)
        # What concurrent reports left behind before the rule: two open repairs on one line.
        WorkOrder.objects.filter(pk=first.pk).update(status=TicketStatus.IN_PROGRESS)

        migrate_to(AFTER)
    finally:
        # Back to the latest state of every app (later migrations were unapplied too).
        migrate_to(None)

    statuses = dict(WorkOrder.objects.values_list("code", "status"))
    assert statuses == {first.code: "inProgress", second.code: "cancelled",
                        other_line.code: "acknowledged"}
    second.refresh_from_db()
    assert first.code in second.status_reason
    assert second.sla_clock.state == "cancelled"
    assert AuditEntry.objects.filter(target_id=second.code, action="work_order.status").exists()
