"""What an indicator computation returns; every export (HTML, PDF, XLSX, JSON,
Markdown, TMF657) and every console page reads these, never the tables.

Values are kept exact (``Decimal``) and unrounded: rounding happens only when a
figure is printed (``IndicatorDefinition.format``). ``value is None`` means the
period has no record behind the figure ("no data"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from telcodesk.quality.indicators.periods import Period

# How a figure is computed from the records behind it.
Statistic = Literal["mean", "timely_rate", "maximum", "ratio"]
# The unit a figure is expressed in (averages use the limit's own unit).
Unit = Literal["working_days", "hours", "minutes", "seconds", "percent", "ratio"]
# Where the records come from.
Source = Literal["sla", "hotline", "complaints", "network", "billing"]
ScopeKind = Literal["operator", "city", "county", "urban", "rural"]


@dataclass(frozen=True)
class Scope:
    """Whom a table is about: the whole operator, one city or county, or an area."""

    kind: ScopeKind
    unit_code: str = ""  # org unit code for city/county ("" for operator and areas)
    label: str = ""


@dataclass(frozen=True)
class Target:
    """The limit or target a figure is judged against, from the data in force."""

    value: Decimal
    comparison: Literal["<=", ">=", "<"]
    unit: Unit
    source: str = ""  # where the number comes from (standard / target record text)
    verified: bool = False

    def met_by(self, value: Decimal) -> bool:
        if self.comparison == "<=":
            return value <= self.value
        if self.comparison == "<":
            return value < self.value
        return value >= self.value


@dataclass(frozen=True)
class JudgedLimit:
    """A limit the requests behind a time-limit figure were judged against: the
    regulator's (``any``-tier) standard of one area, never a VIP tier's promise."""

    area: str  # urban, rural, or any (one standard for both)
    value: Decimal
    unit: Unit
    source: str = ""
    verified: bool = False


@dataclass(frozen=True)
class Figure:
    """One computed number with the inputs of its formula.

    ``value`` = numerator / denominator for rates and means (already in
    ``unit``: a percent is 0-100), the maximum for maxima. ``records`` is the
    number of records behind it (finished requests, calls, complaints, cell-days,
    charge records).
    """

    value: Decimal | None
    records: int
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class DrillDown:
    """Which records are behind a figure (the console links to them)."""

    source: Source
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorResult:
    code: str  # IndicatorDefinition.code
    figure: Figure
    target: Target | None
    met: bool | None  # None when there is no data or no target
    previous: Figure | None  # the same figure for the previous period
    change: Decimal | None  # figure.value - previous.value, in the figure's unit
    drill: DrillDown | None = None
    # The regulator's limits each request was judged against (time-limit figures only).
    limits: tuple[JudgedLimit, ...] = ()


@dataclass(frozen=True)
class IndicatorTable:
    """Every indicator for one scope and one period, in the report's order."""

    period: Period
    previous_period: Period
    scope: Scope
    rows: list[IndicatorResult]

    def get(self, code: str) -> IndicatorResult:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)


@dataclass(frozen=True)
class IndicatorReport:
    """The whole computation behind one report: the operator (or one unit), its
    breakdowns and the monthly trend."""

    period: Period
    scope: Scope  # the operator, or the unit asked for with --unit
    table: IndicatorTable
    cities: list[IndicatorTable] = field(default_factory=list)
    counties: list[IndicatorTable] = field(default_factory=list)
    areas: list[IndicatorTable] = field(default_factory=list)  # urban, rural
    months: list[IndicatorTable] = field(default_factory=list)  # trend, same scope
