"""Billing-error counts: entering, correcting, importing, and the interface billing will fill."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.quality.errors import QualityError
from telcodesk.quality.models import BillingErrorCount
from telcodesk.quality.network.csv_format import QualityFileError
from telcodesk.quality.selectors import billing as billing_selectors
from telcodesk.quality.selectors.billing import (
    BillingErrorSource,
    BillingTotals,
    TableBillingErrorSource,
    billing_error_source,
    billing_totals,
    register_billing_error_source,
)
from telcodesk.quality.services.billing import do_import_billing_counts, do_record_billing_errors

pytestmark = pytest.mark.django_db

JULY = dt.date(2025, 7, 1)


def record(now, unit=None, month=JULY, erroneous=12, total=300_000, **kwargs):
    return do_record_billing_errors(now=now, actor=kwargs.pop("actor", None), month=month,
                                    unit=unit, erroneous=erroneous, total=total, **kwargs)


def test_a_count_is_recorded_for_the_month_and_audited(now, org, make_staff):
    manager = make_staff("qm", org.province, "quality_manager")
    row = record(now, org.taiyuan, month=dt.date(2025, 7, 19), actor=manager, note="BSS report")
    assert row.month == JULY  # any day of the month means the month
    assert (row.erroneous_records, row.all_records, row.source) == (12, 300_000, "entered")
    assert row.entered_by == manager and row.entered_at == now
    entry = AuditEntry.objects.get(action="billing_errors.record")
    assert entry.actor == manager and entry.target_id == str(row.pk)
    assert "2025-07" in entry.summary and "12 of 300000" in entry.summary


def test_entering_the_month_again_corrects_it_with_both_figures_audited(now, org):
    first = record(now, org.taiyuan)
    second = record(now, org.taiyuan, erroneous=15, total=310_000)
    assert second.pk == first.pk and BillingErrorCount.objects.count() == 1
    assert (second.erroneous_records, second.all_records) == (15, 310_000)
    entry = AuditEntry.objects.get(action="billing_errors.correct")
    assert entry.details["before"]["erroneous_records"] == 12
    assert entry.details["after"]["erroneous_records"] == 15


def test_the_same_figures_again_change_nothing(now, org):
    record(now, org.taiyuan)
    record(now, org.taiyuan)
    assert AuditEntry.objects.filter(action__startswith="billing_errors").count() == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"erroneous": 5, "total": 4}, "exceed all charge records"),
    ({"erroneous": -1}, "cannot be negative"),
    ({"erroneous": 0, "total": 0}, "must be more than 0"),
    ({"month": dt.date(2025, 10, 1)}, "2025-10 has not started yet"),
    ({"erroneous": True}, "must be a whole number"),
    ({"source": "guess"}, "unknown source"),
    ({"note": "x" * 301}, "longer than 300"),
])
def test_bad_counts_are_refused(now, kwargs, message):
    with pytest.raises(QualityError) as caught:
        record(now, **kwargs)
    assert message in caught.value.message
    assert BillingErrorCount.objects.count() == 0


def test_the_current_month_may_be_entered(now):
    assert record(now, month=dt.date(2025, 9, 1)).month == dt.date(2025, 9, 1)


def test_counts_are_kept_for_cities_counties_or_the_whole_operator(now, org):
    with pytest.raises(QualityError, match="per city or county"):
        record(now, org.province)
    with pytest.raises(QualityError, match="per city or county"):
        record(now, org.xiaodian_outlet)
    record(now, org.xiaodian)
    record(now, org.datong)
    assert BillingErrorCount.objects.count() == 2


def test_a_month_is_counted_for_the_whole_operator_or_per_unit_never_both(now, org):
    record(now, None)
    with pytest.raises(QualityError, match="already has a count for the whole operator"):
        record(now, org.taiyuan)
    record(now, org.taiyuan, month=dt.date(2025, 8, 1))
    with pytest.raises(QualityError, match=r"already has a count for 太原分公司 \(ty\)"):
        record(now, None, month=dt.date(2025, 8, 1))


def test_a_unit_and_a_unit_below_it_are_never_counted_in_one_month(now, org):
    record(now, org.taiyuan)
    with pytest.raises(QualityError, match="太原分公司"):
        record(now, org.xiaodian)
    record(now, org.yungang)  # another city's county is fine
    record(now, org.xiaodian, month=dt.date(2025, 8, 1))
    with pytest.raises(QualityError, match="小店区分公司"):
        record(now, org.taiyuan, month=dt.date(2025, 8, 1))


# --- the file import ---------------------------------------------------------------------


def import_file(now, text: str, name: str = "billing.csv"):
    return do_import_billing_counts(now=now, actor=None, path_or_stream=io.BytesIO(
        text.encode("utf-8")), file_name=name)


def test_a_billing_file_is_imported(now, org):
    report = import_file(now, "month,unit_code,erroneous_records,all_records,note\n"
                              "2025-07,ty,12,300000,BSS\n2025-07,dt,9,200000,\n"
                              "2025/08,ty,20,310000,\n")
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert report.months == [JULY, dt.date(2025, 8, 1)]
    assert report.describe() == ("3 count(s) for 2 month(s) (2025-07 – 2025-08): 3 new, "
                                 "0 corrected, 0 unchanged")
    row = BillingErrorCount.objects.get(org_unit=org.taiyuan, month=JULY)
    assert (row.erroneous_records, row.source, row.note) == (12, "imported", "BSS")
    again = import_file(now, "month,unit_code,erroneous_records,all_records\n"
                             "2025-07,ty,12,300000\n2025-07,dt,10,200000\n")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)


def test_chinese_headers_and_the_whole_operator(now):
    report = import_file(now, "\ufeff月份\t单位\t差错记录数\t计费记录总数\n"
                              "2025年7月\t\t30\t9000000\n")
    assert report.created == 1
    row = BillingErrorCount.objects.get()
    assert row.org_unit is None and row.all_records == 9_000_000


def test_a_gbk_export_with_extra_columns_and_grouped_numbers(now, org):
    text = ("地市,账期,单位编码,差错话单数,话单总数,制表人\r\n"
            '太原,2025/07,ty,12,"300,000",张三\r\n'
            '全省,2025年8月,,30,"9,000,000",张三\r\n')
    report = do_import_billing_counts(now=now, actor=None,
                                      path_or_stream=io.BytesIO(text.encode("gbk")),
                                      file_name="账期.csv")
    assert (report.rows, report.created) == (2, 2)
    assert report.warnings == ["line 1: column(s) '地市', '制表人' ignored (not used by this "
                               "import)"]
    assert BillingErrorCount.objects.get(org_unit=org.taiyuan).all_records == 300_000
    assert BillingErrorCount.objects.get(org_unit=None).all_records == 9_000_000


def test_a_billing_file_that_is_no_text_export_is_refused_as_a_whole(now):
    with pytest.raises(QualityFileError) as caught:
        do_import_billing_counts(now=now, actor=None,
                                 path_or_stream=io.BytesIO(bytes(range(256)) * 4))
    assert caught.value.problems.refused_whole
    assert "not a text export (CSV)" in caught.value.message
    assert BillingErrorCount.objects.count() == 0


def test_a_bad_billing_file_names_every_line_and_writes_nothing(now, org):
    text = ("month,unit_code,erroneous_records,all_records\n"
            "2025-07,ty,12,300000\n"
            "2025-13,ty,1,2\n"
            "2025-08,dt,x,2\n"
            "2025-07,nowhere,1,2\n"
            "2025-07,dt,5,4\n"
            "2025-07,ty,1,2\n"
            "2025-07,ty-xd,1,2000\n"
            "2025-12,dt,1,2\n")
    with pytest.raises(QualityFileError) as caught:
        import_file(now, text)
    problems = [str(p) for p in caught.value.problems.listed_errors()]
    assert problems == [
        "line 3: not a month (YYYY-MM): '2025-13'",
        "line 4: erroneous_records is not a whole number: 'x'",
        "line 5: unknown org unit 'nowhere'",
        "line 6: erroneous_records (5) exceed all_records (4)",
        "line 7: 2025-07 for ty appears twice (first on line 2)",
        "line 8: 2025-07 already has a count for 太原分公司 (ty): a month is counted either "
        "for the whole operator or per city or county, and never for a unit and a unit above "
        "or below it",
        "line 9: 2025-12 has not started yet",
    ]
    assert BillingErrorCount.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="billing_errors").exists()


def test_a_clash_with_a_stored_count_refuses_the_whole_file(now, org):
    record(now, None, month=dt.date(2025, 8, 1))
    with pytest.raises(QualityFileError) as caught:
        import_file(now, "month,unit_code,erroneous_records,all_records\n"
                         "2025-07,ty,12,300000\n2025-08,ty,1,2000\n")
    assert [p.line for p in caught.value.problems.listed_errors()] == [3]
    assert BillingErrorCount.objects.count() == 1  # the July row of the file is not kept


def test_a_billing_file_with_wrong_columns(now):
    with pytest.raises(QualityFileError) as caught:
        import_file(now, "month,unit,errors\n2025-07,,1\n")
    assert "missing column(s): all_records" in caught.value.message


# --- the totals the indicators read --------------------------------------------------


def test_billing_totals_per_unit_and_month(now, org):
    record(now, org.taiyuan, erroneous=12, total=300_000)
    record(now, org.datong, erroneous=3, total=100_000)
    record(now, org.taiyuan, month=dt.date(2025, 8, 1), erroneous=40, total=320_000)
    record(now, None, month=dt.date(2025, 6, 1), erroneous=1, total=10)
    rows = billing_totals(start=JULY, end=dt.date(2025, 9, 1))
    assert [(r.org_unit_id, r.month, r.erroneous, r.total, r.rows) for r in rows] == sorted([
        (org.taiyuan.pk, JULY, 12, 300_000, 1),
        (org.datong.pk, JULY, 3, 100_000, 1),
        (org.taiyuan.pk, dt.date(2025, 8, 1), 40, 320_000, 1),
    ], key=lambda r: (r[1], r[0]))
    july = sum(r.erroneous for r in rows if r.month == JULY), sum(
        r.total for r in rows if r.month == JULY)
    assert july == (15, 400_000)
    august = next(r for r in rows if r.month == dt.date(2025, 8, 1))
    assert august.error_rate == Decimal("0.000125")  # 1.25×10⁻⁴: above the 1×10⁻⁴ limit
    # A month belongs to a period when its first day does.
    assert billing_totals(start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 1)) == []


class FixedSource:
    """What billing could register: counts from somewhere else."""

    def totals(self, *, start: dt.date, end: dt.date) -> list[BillingTotals]:
        return [BillingTotals(org_unit_id=None, month=start, erroneous=1, total=50_000, rows=1)]


@pytest.fixture
def restore_source():
    before = billing_error_source()
    yield
    billing_selectors._source = before


def test_billing_can_register_its_own_source(now, restore_source):
    record(now, None)
    assert isinstance(billing_error_source(), TableBillingErrorSource)
    assert isinstance(FixedSource(), BillingErrorSource)
    register_billing_error_source(FixedSource())
    rows = billing_totals(start=JULY, end=dt.date(2025, 8, 1))
    assert [(r.erroneous, r.total) for r in rows] == [(1, 50_000)]
    with pytest.raises(TypeError):
        register_billing_error_source(object())  # type: ignore[arg-type]
