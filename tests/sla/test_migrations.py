"""Migrations of the clock keep and fill in the data of clocks already stored."""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.orders.services import work_orders as services
from telcodesk.sla.models import SlaClock
from tests.migrations_support import migrate_to

BEFORE_REGULATOR_LIMIT = [("sla", "0002_finished_clock_cover_idx")]


@pytest.mark.django_db(transaction=True)
def test_clocks_stored_before_the_regulator_limit_are_judged_by_it_on_upgrade(
        migrated_data, now, home):
    """On PostgreSQL the data step's updates used to leave deferred checks pending, and
    the index built after them failed ("pending trigger events") on any database with
    clocks: upgrading such a database stopped at sla 0003."""
    repair = services.do_report_fault(now=now, actor=None, channel="hotline",
                                      subscription=home.broadband, description="no signal")
    services.do_change_work_order_status(now=now + dt.timedelta(hours=3), work_order=repair,
                                         status="resolved", actor=None, channel="system")
    before = SlaClock.objects.get(pk=repair.sla_clock_id)
    try:
        migrate_to(BEFORE_REGULATOR_LIMIT)
        migrate_to(None)
    finally:
        migrate_to(None)

    after = SlaClock.objects.get(pk=repair.sla_clock_id)
    assert after.state == before.state
    assert after.counted_duration == before.counted_duration
    assert after.indicator_standard_id == before.indicator_standard_id
    assert after.indicator_limit_value == before.indicator_limit_value
    assert after.indicator_timely is before.indicator_timely is True
    assert after.request_types == before.request_types
