"""The demo's network counters and billing-error counts look like a real operator's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from telcodesk.demo.network_activity import build_demo_billing, build_demo_network
from telcodesk.quality.models import NetworkCell
from telcodesk.quality.selectors.billing import billing_totals
from telcodesk.quality.selectors.network import combine_network_totals, network_totals

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 3, 1), dt.date(2025, 9, 1)


@pytest.mark.parametrize("seed", [7, 2026])
def test_demo_counters_are_plausible_with_one_city_failing_one_month(now, org, seed):
    counties = [org.xiaodian, org.qingxu, org.yungang]
    rows = build_demo_network(now=now, start=START, end=END, seed=seed, units=counties)
    assert rows == 3 * 2 * (END - START).days  # two cells per county
    assert NetworkCell.objects.filter(org_unit__isnull=True).count() == 0
    totals = network_totals(start=START, end=END)
    city_of = {org.xiaodian.pk: "ty", org.qingxu.pk: "ty", org.yungang.pk: "dt"}
    failing = []
    for month in sorted({t.month for t in totals}):
        operator = combine_network_totals([t for t in totals if t.month == month])
        assert operator.connection_rate is not None
        assert Decimal("0.97") < operator.connection_rate < Decimal("0.99")
        for city in ("ty", "dt"):
            figures = combine_network_totals([t for t in totals if t.month == month
                                              and city_of[t.org_unit_id] == city])
            congestion, drop = figures.congestion_rate, figures.drop_rate
            assert congestion is not None and drop is not None
            if congestion > Decimal("0.02") or drop > Decimal("0.05"):
                failing.append((city, month))
                assert congestion > Decimal("0.02") and drop > Decimal("0.05")
            else:
                assert congestion < Decimal("0.015") and drop < Decimal("0.016")
    assert len(failing) == 1
    whole = combine_network_totals(totals)
    assert whole.congestion_rate is not None and whole.congestion_rate < Decimal("0.01")
    assert whole.drop_rate is not None and whole.drop_rate < Decimal("0.02")


def test_demo_counters_stop_before_today(now, org):
    rows = build_demo_network(now=now, start=dt.date(2025, 9, 28), end=dt.date(2025, 10, 5),
                              seed=1, units=[org.xiaodian], cells_per_unit=2)
    assert rows == 2 * 2  # 28 and 29 September; the 30th has not ended


@pytest.mark.parametrize("seed", [7, 2026])
def test_demo_billing_has_one_month_above_the_limit(now, org, seed):
    rows = build_demo_billing(now=now, start=START, end=dt.date(2025, 11, 1), seed=seed,
                              units=[org.taiyuan, org.datong])
    assert rows == 2 * 6  # March to August; September has not ended
    totals = billing_totals(start=START, end=END)
    rates = {}
    for month in sorted({t.month for t in totals}):
        rows_of = [t for t in totals if t.month == month]
        rates[month] = Decimal(sum(t.erroneous for t in rows_of)) / sum(t.total for t in rows_of)
    above = [m for m, rate in rates.items() if rate > Decimal("0.0001")]
    assert len(above) == 1
    for month, rate in rates.items():
        if month not in above:
            assert Decimal("0.00003") <= rate <= Decimal("0.00008")


def test_demo_billing_for_the_whole_operator(now):
    assert build_demo_billing(now=now, start=START, end=END, seed=3, units=[]) == 6
    assert {t.org_unit_id for t in billing_totals(start=START, end=END)} == {None}
