"""The report's reads: one transaction on PostgreSQL, no write lock on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from telcodesk.quality.selectors.totals import report_reads


@pytest.mark.django_db(transaction=True)
def test_a_report_holds_no_write_lock_on_sqlite(migrated_data):
    """SQLite's transactions begin IMMEDIATE (they take the one write lock): a report
    read inside one would make the console, the clock and the SMS dispatcher wait for it.
    PostgreSQL reads it in one transaction with its own work_mem."""
    with report_reads():
        assert connection.in_atomic_block is (connection.vendor == "postgresql")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('work_mem')")
                assert cursor.fetchone()[0] == "64MB"
