"""The network and billing formulas, checked against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from telcodesk.quality.network import formulas
from telcodesk.quality.selectors.network import NetworkTotals, combine_network_totals


def test_connection_rate_counts_every_call_that_reached_the_called_party():
    # 4290 answered + 410 busy + 240 not answered + 86 unreachable = 5026 of 5120.
    rate = formulas.connection_rate(answered=4290, called_busy=410, no_answer=240,
                                    unreachable=86, call_attempts=5120)
    assert rate == Decimal("0.981640625")
    assert formulas.percent(rate) == Decimal("98.1640625")


def test_congestion_is_failures_for_lack_of_a_channel_over_channel_requests():
    rate = formulas.congestion_rate(tch_failures_no_channel=2, tch_requests=5000)
    assert rate == Decimal("0.0004")
    assert formulas.percent(rate) == Decimal("0.04")  # the seed report's 0.04 %


def test_drop_rate_is_dropped_over_connected_calls():
    rate = formulas.drop_rate(dropped_calls=41, connected_calls=10000)
    assert rate == Decimal("0.0041")  # 0.41 %


def test_rates_are_not_rounded():
    rate = formulas.drop_rate(dropped_calls=1, connected_calls=3)
    assert rate is not None
    assert rate == Decimal(1) / Decimal(3)
    assert str(rate).startswith("0.33333333333")


def test_a_zero_denominator_is_no_data_not_zero():
    assert formulas.connection_rate(answered=0, called_busy=0, no_answer=0, unreachable=0,
                                    call_attempts=0) is None
    assert formulas.congestion_rate(tch_failures_no_channel=0, tch_requests=0) is None
    assert formulas.drop_rate(dropped_calls=0, connected_calls=0) is None
    assert formulas.billing_error_rate(erroneous=0, total=0) is None
    assert formulas.percent(None) is None
    assert formulas.per_ten_thousand(None) is None


def test_billing_error_rate_in_units_of_ten_to_the_minus_four():
    rate = formulas.billing_error_rate(erroneous=35, total=1_000_000)
    assert rate == Decimal("0.000035")
    assert formulas.per_ten_thousand(rate) == Decimal("0.35")


def totals(**counts: int) -> NetworkTotals:
    base = dict(call_attempts=0, answered=0, called_busy=0, no_answer=0, unreachable=0,
                tch_requests=0, tch_failures_no_channel=0, connected_calls=0, dropped_calls=0)
    base.update(counts)
    return NetworkTotals(org_unit_id=None, month=dt.date(2025, 9, 1), cell_days=1, **base)


def test_a_period_rate_is_the_ratio_of_the_sums_not_the_mean_of_the_rates():
    # A busy cell with 1 % congestion and a quiet one with 10 %:
    busy = totals(tch_requests=9900, tch_failures_no_channel=99)
    quiet = totals(tch_requests=100, tch_failures_no_channel=10)
    both = combine_network_totals([busy, quiet])
    assert both.cell_days == 2
    assert both.tch_requests == 10000 and both.tch_failures_no_channel == 109
    # 109 / 10000 = 1.09 %, not (1 % + 10 %) / 2 = 5.5 %.
    assert both.congestion_rate == Decimal("0.0109")


def test_totals_carry_the_three_rates():
    row = totals(call_attempts=200, answered=150, called_busy=20, no_answer=15, unreachable=9,
                 tch_requests=190, tch_failures_no_channel=1, connected_calls=170,
                 dropped_calls=2)
    assert row.reached == 194
    assert row.connection_rate == Decimal("0.97")
    assert row.congestion_rate == Decimal(1) / Decimal(190)
    assert row.drop_rate == Decimal(2) / Decimal(170)
    assert totals().connection_rate is None
