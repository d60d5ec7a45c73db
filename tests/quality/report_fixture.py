"""A hand-built ``IndicatorReport`` for the export tests: every indicator of the
seed report for 2026H1, a few failing their targets, one without data (rural
fixed installs), the hotline not applicable below the operator, two cities,
three counties, urban/rural and six months."""

from __future__ import annotations

from decimal import Decimal

from telcodesk.quality.indicators.definitions import INDICATORS, IndicatorDefinition
from telcodesk.quality.indicators.periods import Period, parse_period
from telcodesk.quality.indicators.types import (
    DrillDown,
    Figure,
    IndicatorReport,
    IndicatorResult,
    IndicatorTable,
    JudgedLimit,
    Scope,
    Target,
)

PERIOD = parse_period("2026H1")
D = Decimal
ONE = D(1)
NEARLY = D("0.99")

# code: (numerator, denominator, records) for rates and means; (maximum, None, records)
# for maxima. Values: 100·n/d for percents, n/d for means and the billing ratio.
FIGURES: dict[str, tuple[Decimal | None, Decimal | None, int]] = {
    "fixed_install_avg_urban": (D("1024.5"), D("400"), 400),  # 2.56 working days
    "fixed_install_avg_rural": (None, None, 0),  # no rural install finished: no data
    "fixed_install_timely_urban": (D("390"), D("400"), 400),  # 97.50%
    "fixed_install_timely_rural": (None, None, 0),
    "fixed_repair_avg": (D("2894"), D("200"), 200),  # 14.47 h
    "fixed_repair_timely": (D("180"), D("200"), 200),  # 90.00% < 95%: not met
    "billing_error_rate": (D("52"), D("1000000"), 1000000),  # 0.52×10⁻⁴
    "broadband_install_avg": (D("534"), D("300"), 300),  # 1.78 working days
    "broadband_install_timely": (D("290"), D("300"), 300),  # 96.67%
    "broadband_repair_avg": (D("713"), D("100"), 100),  # 7.13 h
    "broadband_repair_timely": (D("98"), D("100"), 100),
    "mobile_change_max": (D("23.5"), None, 600),
    "mobile_change_avg": (D("70.1"), D("600"), 600),  # 0.1168 h = 7.01 min
    "mobile_change_timely": (D("598"), D("600"), 600),
    "mobile_reconnection_max": (D("30"), None, 100),  # longer than 24 h: not met
    "mobile_reconnection_avg": (D("8.4833"), D("100"), 100),  # 5.09 min
    "mobile_reconnection_timely": (D("99"), D("100"), 100),
    "mobile_repair_max": (D("47"), None, 240),
    "mobile_repair_avg": (D("1200"), D("240"), 240),
    "mobile_repair_timely": (D("239"), D("240"), 240),
    "network_connection_rate": (D("98110"), D("100000"), 1800),
    "network_congestion_rate": (D("40"), D("100000"), 1800),
    "network_drop_rate": (D("410"), D("100000"), 1800),
    "hotline_answer_avg": (D("70000"), D("10000"), 11000),  # 7 s
    "hotline_timely": (D("9041"), D("10000"), 10000),  # 90.41%
    "complaint_handling_avg": (D("4800"), D("100"), 100),  # 48 h
    "complaint_satisfaction": (D("90"), D("100"), 100),  # 90%
}

TARGETS: dict[str, Target] = {
    "fixed_install_avg_urban": Target(D("3"), "<=", "working_days", "standard"),
    "fixed_install_avg_rural": Target(D("5"), "<=", "working_days", "standard"),
    "fixed_install_timely_urban": Target(D("95"), ">=", "percent", "standard"),
    "fixed_install_timely_rural": Target(D("95"), ">=", "percent", "standard"),
    "fixed_repair_avg": Target(D("24"), "<=", "hours", "standard"),
    "fixed_repair_timely": Target(D("95"), ">=", "percent", "standard"),
    "billing_error_rate": Target(D("0.0001"), "<=", "ratio", "target"),
    "broadband_install_avg": Target(D("3"), "<=", "working_days", "standard"),
    "broadband_install_timely": Target(D("95"), ">=", "percent", "standard"),
    "broadband_repair_avg": Target(D("24"), "<=", "hours", "standard"),
    "broadband_repair_timely": Target(D("95"), ">=", "percent", "standard"),
    "mobile_change_max": Target(D("24"), "<=", "hours", "standard"),
    "mobile_change_avg": Target(D("1"), "<=", "hours", "standard"),
    "mobile_change_timely": Target(D("95"), ">=", "percent", "standard"),
    "mobile_reconnection_max": Target(D("24"), "<=", "hours", "standard"),
    "mobile_reconnection_avg": Target(D("1"), "<=", "hours", "standard"),
    "mobile_reconnection_timely": Target(D("95"), ">=", "percent", "standard"),
    "mobile_repair_max": Target(D("48"), "<=", "hours", "standard"),
    "mobile_repair_avg": Target(D("24"), "<=", "hours", "standard"),
    "mobile_repair_timely": Target(D("95"), ">=", "percent", "standard"),
    "network_connection_rate": Target(D("90"), ">=", "percent", "target"),
    "network_congestion_rate": Target(D("2"), "<", "percent", "target"),
    "network_drop_rate": Target(D("5"), "<=", "percent", "target"),
    "hotline_answer_avg": Target(D("15"), "<=", "seconds", "target"),
    "hotline_timely": Target(D("90"), ">=", "percent", "target"),
    "complaint_handling_avg": Target(D("48"), "<=", "hours", "target"),
    "complaint_satisfaction": Target(D("95"), ">=", "percent", "target"),  # 90% < 95%
}


# The regulator's limits the time-limit figures were judged against, per measure.
WD, H = "working_days", "hours"
LIMITS: dict[str, tuple[tuple[str, Decimal, str], ...]] = {
    "fixed_install": (("urban", D(3), WD), ("rural", D(5), WD)),
    "fixed_repair": (("urban", D(24), H), ("rural", D(48), H)),
    "broadband_install": (("urban", D(3), WD), ("rural", D(5), WD)),
    "broadband_repair": (("urban", D(24), H), ("rural", D(48), H)),
    "mobile_change": (("any", D(24), H),),
    "mobile_reconnection": (("any", D(24), H),),
    "mobile_repair": (("any", D(48), H),),
}


def limits(definition: IndicatorDefinition) -> tuple[JudgedLimit, ...]:
    return tuple(JudgedLimit(area, value, unit, "standard")  # type: ignore[arg-type]
                 for area, value, unit in LIMITS.get(definition.measure, ())
                 if definition.area in ("any", area))


def _value(definition: IndicatorDefinition, n: Decimal | None, d: Decimal | None) -> Decimal | None:
    if n is None:
        return None
    if definition.statistic == "maximum":
        return n
    assert d is not None
    if definition.unit == "percent":
        return n * 100 / d
    return n / d


def figure(definition: IndicatorDefinition, factor: Decimal = ONE) -> Figure:
    n, d, records = FIGURES[definition.code]
    if n is None:
        return Figure(None, 0)
    if definition.statistic == "maximum":
        return Figure(n * factor, records)
    assert d is not None
    # Scale the counts, keep the denominators: a slightly different value per scope.
    scaled = min(n * factor, d) if definition.unit == "percent" else n * factor
    return Figure(_value(definition, scaled, d), records, numerator=scaled, denominator=d)


def result(definition: IndicatorDefinition, scope: Scope, factor: Decimal = ONE,
           previous_factor: Decimal = NEARLY) -> IndicatorResult:
    if definition.provincial and scope.kind != "operator":
        return IndicatorResult(definition.code, Figure(None, 0), None, None, None, None)
    current = figure(definition, factor)
    previous = figure(definition, factor * previous_factor)
    target = TARGETS[definition.code]
    met = target.met_by(current.value) if current.value is not None else None
    change = (current.value - previous.value
              if current.value is not None and previous.value is not None else None)
    return IndicatorResult(definition.code, current, target, met, previous, change,
                           DrillDown(definition.source, {"indicator": definition.code}),
                           limits=limits(definition))


def table(scope: Scope, period: Period = PERIOD, factor: Decimal = ONE) -> IndicatorTable:
    return IndicatorTable(period=period, previous_period=period.previous(), scope=scope,
                          rows=[result(d, scope, factor) for d in INDICATORS])


OPERATOR = Scope("operator", "", "演示电信")


def fixed_report(*, scope: Scope = OPERATOR) -> IndicatorReport:
    cities = [table(Scope("city", "ty", "太原分公司"), factor=D("1.001")),
              table(Scope("city", "dt", "大同分公司"), factor=D("0.97"))]
    counties = [table(Scope("county", "ty-xd", "小店区分公司"), factor=D("1.002")),
                table(Scope("county", "ty-qx", "清徐县分公司"), factor=D("0.99")),
                table(Scope("county", "dt-yg", "云冈区分公司"), factor=D("0.96"))]
    areas = [table(Scope("urban"), factor=D("1.001")), table(Scope("rural"), factor=D("0.98"))]
    months = [table(scope, period=month, factor=D(1) - D(i) / 200)
              for i, month in enumerate(PERIOD.months())]
    return IndicatorReport(period=PERIOD, scope=scope, table=table(scope), cities=cities,
                           counties=counties, areas=areas, months=months)


def empty_report() -> IndicatorReport:
    """Not one record in the period."""
    rows = [IndicatorResult(d.code, Figure(None, 0), TARGETS[d.code], None, None, None)
            for d in INDICATORS]
    tbl = IndicatorTable(PERIOD, PERIOD.previous(), OPERATOR, rows)
    return IndicatorReport(period=PERIOD, scope=OPERATOR, table=tbl)
