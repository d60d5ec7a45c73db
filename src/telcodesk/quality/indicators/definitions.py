"""The regulator's indicators, in the seed report's order and wording.

``INDICATORS`` is the ordered list every report, export and page walks. Each
``IndicatorDefinition`` says where its records come from, which statistic is
taken over them, the unit of the value, how its target is found, and how it is
printed (the only place where a value is rounded).

Definitions decided here (``docs/indicators.md`` says the same for operators):

- **Finished in the period.** Every time-limit figure is computed over the SLA
  clocks *stopped* (not cancelled) in the period, whenever the request was
  accepted: a request accepted in the previous period and finished in this one
  counts here; one accepted here and finished after the period does not.
  Figures read the stored counted durations and timely flags, never recompute.
- **Installs** (装机) are clocks of kind ``install`` only: moves (移机) have
  their own standard and are not installs. Fixed-line installs are split urban /
  rural like the seed; broadband installs (装机入网) are urban and rural
  together.
- **Repairs** (障碍修复) are clocks of kind ``repair``, urban and rural together
  for the operator, city and county figures (the area tables split them). The
  exclusions (customer-maintained lines, the customer's access line, handset
  faults) are already out of the counted durations: they are excluded pauses.
- **Membership is data.** Each time-limit indicator reads the clocks of one
  service and request kind (its *measure*: ``fixed_install``, ``mobile_change``
  …); which requests inside it count is ``quality.IndicatorMembership`` (request
  kinds with their source text, editable by the operator). By default every
  request counts, except for **mobile business changes** (业务变更时长): name
  change, transfer, suspension and disconnection (line cancellation) only, as
  the standard names them; a package change or a value-added-service order
  enters only when the operator adds it. **Reconnections** (恢复通话) are mobile
  clocks of kind ``reconnection``.
- **Judged against the regulator's limit.** Every request counts with its
  duration and verdict under the regulator's limit for its service and area
  (the ``any``-tier standard, ``SlaClock.indicator_*``), even when its own clock
  ran on a stricter VIP standard (which warns and breaches on the work order).
- **Units.** An average is expressed in its limit's unit (working days for
  installs, hours for repairs and mobile requests). The mobile change and
  reconnection averages are kept in hours (their limit's unit: average ≤ 1 h)
  but printed in minutes, as the seed prints them ("平均7.01分钟"). A clock
  whose regulator's limit is in another unit than its indicator counts in the
  timely rate but not in the mean or the maximum.
- **Maximum** (最长时间) is the largest counted duration among the requests
  finished in the period.
- **Timely rate** (及时率) = requests finished within the regulator's limit ÷
  requests finished, in percent. Each request is judged by the regulator's
  standard of its area (never by a tier promise); the *target* shown for an
  aggregate is the ``any``-tier standard of the indicator's area in force at
  the period's end. When the scope mixes areas (operator, city) and the
  standards differ by area, the strictest of them is shown (lowest limit,
  highest timely target) and said so.
- **Average target.** The standard's average target when it has one (mobile:
  average ≤ 1 h, mobile repair ≤ 24 h), otherwise the limit itself (the average
  of installs must not exceed the install limit).
- **Hotline** (10000号应答): as ``care.selectors.hotline_stats`` defines them —
  average answer time = mean wait (queue entry → agent answer) of the calls an
  agent answered, in seconds; timely rate = calls answered within their skill
  group's threshold (15 s by default) ÷ (calls offered − calls abandoned within
  the grace period, when that setting is on), in percent. The hotline is
  provincial: city, county and area tables show it as not applicable.
- **Complaints**: handling time (投诉处理平均时间) = mean counted duration, in
  hours, of the reply clocks (standard ``complaint_reply``) stopped in the
  period, i.e. of the complaints replied in the period; satisfaction
  (投诉处理满意率) = (satisfied + fairly satisfied) ÷ survey answers accepted in
  the period, in percent (a complaint reopened and surveyed again counts each
  answer).
- **Network** and **billing** figures are ratios of summed counters over the
  period (never an average of daily or monthly ratios).
- **No data.** A figure with no record behind it has the value ``None`` and is
  printed "无数据" / "no data", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from telcodesk.quality.indicators.types import JudgedLimit, Source, Statistic, Target, Unit

# How an indicator's target is found.
TargetRule = Literal[
    "standard_average",  # ServiceStandard.average_target, else its limit (comparison <=)
    "standard_maximum",  # ServiceStandard.maximum_value, else its limit (comparison <=)
    "standard_timely",  # ServiceStandard.timely_target_pct (comparison >=), None if unset
    "indicator_target",  # an IndicatorTarget row in force (selectors.targets.target_in_force)
]
Language = str

TWO_PLACES = Decimal("0.01")
NO_DATA = {"zh": "无数据", "en": "no data"}
NOT_APPLICABLE = {"zh": "不适用", "en": "n/a"}


def _lang(language: str) -> str:
    return "en" if language.lower().startswith("en") else "zh"


@dataclass(frozen=True)
class Section:
    number: int
    title_zh: str
    title_en: str

    def title(self, language: Language = "zh-hans") -> str:
        return self.title_en if _lang(language) == "en" else self.title_zh


FIXED = Section(1, "固定电话服务时限", "Fixed telephone service time limits")
BROADBAND = Section(2, "互联网接入业务服务时限", "Internet access service time limits")
MOBILE = Section(3, "移动通信服务质量", "Mobile communication service quality")
HOTLINE = Section(4, "电话服务台应答", "Service hotline answering")
COMPLAINTS = Section(5, "客户咨询投诉", "Customer enquiries and complaints")
SECTIONS: list[Section] = [FIXED, BROADBAND, MOBILE, HOTLINE, COMPLAINTS]

_UNIT_TEXT: dict[str, dict[str, str]] = {
    "working_days": {"zh": "个工作日", "en": " working days"},
    "hours": {"zh": "小时", "en": " h"},
    "minutes": {"zh": "分钟", "en": " min"},
    "seconds": {"zh": "秒", "en": " s"},
    "percent": {"zh": "%", "en": "%"},
    "ratio": {"zh": "", "en": ""},
}
_COMPARISON_TEXT = {"<=": "≤", ">=": "≥", "<": "<"}


def _round(value: Decimal, places: Decimal = TWO_PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """A target number without trailing zeros (3, 95, 0.5)."""
    text = f"{value.normalize():f}"
    return text


def _in_unit(value: Decimal, unit: str, display: str) -> Decimal:
    """Convert ``value`` (in ``unit``) to the printed unit (hours → minutes only)."""
    if unit == display:
        return value
    if unit == "hours" and display == "minutes":
        return value * 60
    if unit == "minutes" and display == "hours":
        return value / 60
    raise ValueError(f"cannot print {unit} as {display}")


def _per_ten_thousand(value: Decimal) -> str:
    """A billing ratio printed the regulator's way: ``0.52×10⁻⁴``."""
    return f"{_round(value * 10_000)}×10⁻⁴"


@dataclass(frozen=True)
class IndicatorDefinition:
    """One row of the indicator table (see the module docstring for the rules)."""

    code: str
    section: Section
    name_zh: str
    name_en: str
    source: Source
    statistic: Statistic
    unit: Unit  # the unit of Figure.value
    target_rule: TargetRule
    qualifier_zh: str = ""  # 城镇 / 农村 / 不含客户自维线路 …
    qualifier_en: str = ""
    display_unit: Unit | None = None  # printed in another unit (mobile averages: minutes)
    # SLA filters: the clocks behind the figure.
    service: str = ""
    kinds: tuple[str, ...] = ()
    area: str = "any"  # urban, rural, or any (both together)
    provincial: bool = False  # only the operator-wide scope has it (the hotline)
    # The measure (quality.Measure) whose membership rows say which requests count.
    measure: str = ""

    # --- words ------------------------------------------------------------------------------

    def name(self, language: Language = "zh-hans") -> str:
        return self.name_en if _lang(language) == "en" else self.name_zh

    def qualifier(self, language: Language = "zh-hans") -> str:
        return self.qualifier_en if _lang(language) == "en" else self.qualifier_zh

    def label(self, language: Language = "zh-hans") -> str:
        """Name with its qualifier: ``装机平均时限（城镇）`` / ``… (urban)``."""
        qualifier = self.qualifier(language)
        if not qualifier:
            return self.name(language)
        if _lang(language) == "en":
            return f"{self.name(language)} ({qualifier})"
        return f"{self.name(language)}（{qualifier}）"

    @property
    def printed_unit(self) -> Unit:
        return self.display_unit or self.unit

    def unit_text(self, language: Language = "zh-hans") -> str:
        return _UNIT_TEXT[self.printed_unit][_lang(language)].strip()

    # --- printing (the only rounding) --------------------------------------------------------

    def format(self, value: Decimal | None, language: Language = "zh-hans") -> str:
        """The value as printed in the report: two decimals in the printed unit
        (``97.61%``, ``2.56个工作日``, ``7.01分钟``), billing as ``0.52×10⁻⁴``;
        ``None`` is "无数据" / "no data"."""
        lang = _lang(language)
        if value is None:
            return NO_DATA[lang]
        if self.unit == "ratio":
            return _per_ten_thousand(value)
        shown = _round(_in_unit(value, self.unit, self.printed_unit))
        return f"{shown}{_UNIT_TEXT[self.printed_unit][lang]}"

    def format_change(self, change: Decimal | None, language: Language = "zh-hans") -> str:
        """A change against the previous period, signed, in the printed unit."""
        if change is None:
            return "—"
        if self.unit == "ratio":
            text = _per_ten_thousand(abs(change))
        else:
            shown = _round(abs(_in_unit(change, self.unit, self.printed_unit)))
            suffix = "pp" if self.printed_unit == "percent" and _lang(language) == "en" else (
                "个百分点" if self.printed_unit == "percent"
                else _UNIT_TEXT[self.printed_unit][_lang(language)])
            text = f"{shown}{' ' if suffix == 'pp' else ''}{suffix}"
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        return f"{sign}{text}"

    def format_target(self, target: Target | None, language: Language = "zh-hans") -> str:
        """``≤3个工作日``, ``≥95%``, ``≤1×10⁻⁴``, ``<2%``; "—" without a target."""
        if target is None:
            return "—"
        symbol = _COMPARISON_TEXT[target.comparison]
        if target.unit == "ratio":
            exponent = target.value.normalize()
            if exponent == Decimal("0.0001"):
                return f"{symbol}1×10⁻⁴"
            return f"{symbol}{_plain(target.value * 10_000)}×10⁻⁴"
        return f"{symbol}{_plain(target.value)}{_UNIT_TEXT[target.unit][_lang(language)]}"


_AREA_TEXT = {"urban": {"zh": "城镇", "en": "urban "}, "rural": {"zh": "农村", "en": "rural "},
              "any": {"zh": "", "en": ""}}


def format_limits(limits: Sequence[JudgedLimit], language: Language = "zh-hans") -> str:
    """The regulator's limits a time-limit figure was judged against, per area:
    ``城镇24小时、农村48小时`` / ``urban 24 h, rural 48 h``; "—" without any."""
    if not limits:
        return "—"
    lang = _lang(language)
    parts = [f"{_AREA_TEXT.get(limit.area, _AREA_TEXT['any'])[lang]}{_plain(limit.value)}"
             f"{_UNIT_TEXT[limit.unit][lang]}" for limit in limits]
    return ("、" if lang == "zh" else ", ").join(parts)


def _sla(code: str, section: Section, name_zh: str, name_en: str, statistic: Statistic,
         unit: Unit, rule: TargetRule, *, service: str, kind: str, area: str = "any",
         qualifier: tuple[str, str] = ("", ""),
         display_unit: Unit | None = None) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code, section=section, name_zh=name_zh, name_en=name_en, source="sla",
        statistic=statistic, unit=unit, target_rule=rule, qualifier_zh=qualifier[0],
        qualifier_en=qualifier[1], display_unit=display_unit, service=service, kinds=(kind,),
        area=area, measure=f"{service}_{kind}")


URBAN = ("城镇", "urban")
RURAL = ("农村", "rural")
NO_CUSTOMER_LINE = ("不含客户自维线路", "customer-maintained lines excluded")
NO_ACCESS_LINE = ("不含处理客户接入线部分", "work on the customer's access line excluded")
NO_HANDSET = ("不含终端故障", "handset faults excluded")

INDICATORS: list[IndicatorDefinition] = [
    # 1. 固定电话服务时限
    _sla("fixed_install_avg_urban", FIXED, "装机平均时限", "Average installation time", "mean",
         "working_days", "standard_average", service="fixed", kind="install", area="urban",
         qualifier=URBAN),
    _sla("fixed_install_avg_rural", FIXED, "装机平均时限", "Average installation time", "mean",
         "working_days", "standard_average", service="fixed", kind="install", area="rural",
         qualifier=RURAL),
    _sla("fixed_install_timely_urban", FIXED, "装机及时率", "Installations on time",
         "timely_rate", "percent", "standard_timely", service="fixed", kind="install",
         area="urban", qualifier=URBAN),
    _sla("fixed_install_timely_rural", FIXED, "装机及时率", "Installations on time",
         "timely_rate", "percent", "standard_timely", service="fixed", kind="install",
         area="rural", qualifier=RURAL),
    _sla("fixed_repair_avg", FIXED, "障碍修复平均时限", "Average fault repair time", "mean",
         "hours", "standard_average", service="fixed", kind="repair",
         qualifier=NO_CUSTOMER_LINE),
    _sla("fixed_repair_timely", FIXED, "障碍修复及时率", "Fault repairs on time",
         "timely_rate", "percent", "standard_timely", service="fixed", kind="repair"),
    IndicatorDefinition(
        code="billing_error_rate", section=FIXED, name_zh="计费差错率",
        name_en="Billing error rate", source="billing", statistic="ratio", unit="ratio",
        target_rule="indicator_target"),
    # 2. 互联网接入业务服务时限
    _sla("broadband_install_avg", BROADBAND, "装机入网平均时间",
         "Average time to install and connect", "mean", "working_days", "standard_average",
         service="broadband", kind="install"),
    _sla("broadband_install_timely", BROADBAND, "装机入网及时率",
         "Installations connected on time", "timely_rate", "percent", "standard_timely",
         service="broadband", kind="install"),
    _sla("broadband_repair_avg", BROADBAND, "障碍修复平均时间", "Average fault repair time",
         "mean", "hours", "standard_average", service="broadband", kind="repair",
         qualifier=NO_ACCESS_LINE),
    _sla("broadband_repair_timely", BROADBAND, "障碍修复及时率", "Fault repairs on time",
         "timely_rate", "percent", "standard_timely", service="broadband", kind="repair"),
    # 3. 移动通信服务质量
    _sla("mobile_change_max", MOBILE, "业务变更时长", "Business change time", "maximum",
         "hours", "standard_maximum", service="mobile", kind="change",
         qualifier=("最长时间", "longest")),
    _sla("mobile_change_avg", MOBILE, "业务变更时长", "Business change time", "mean",
         "hours", "standard_average", service="mobile", kind="change",
         qualifier=("平均时间", "average"), display_unit="minutes"),
    _sla("mobile_change_timely", MOBILE, "业务变更时长", "Business change time",
         "timely_rate", "percent", "standard_timely", service="mobile", kind="change",
         qualifier=("及时率", "on time")),
    _sla("mobile_reconnection_max", MOBILE, "恢复通话时长", "Reconnection time", "maximum",
         "hours", "standard_maximum", service="mobile", kind="reconnection",
         qualifier=("最长时间", "longest")),
    _sla("mobile_reconnection_avg", MOBILE, "恢复通话时长", "Reconnection time", "mean",
         "hours", "standard_average", service="mobile", kind="reconnection",
         qualifier=("平均时间", "average"), display_unit="minutes"),
    _sla("mobile_reconnection_timely", MOBILE, "恢复通话时长", "Reconnection time",
         "timely_rate", "percent", "standard_timely", service="mobile", kind="reconnection",
         qualifier=("及时率", "on time")),
    _sla("mobile_repair_max", MOBILE, "障碍修复时长", "Fault repair time", "maximum", "hours",
         "standard_maximum", service="mobile", kind="repair",
         qualifier=("最长时间", "longest")),
    _sla("mobile_repair_avg", MOBILE, "障碍修复时长", "Fault repair time", "mean", "hours",
         "standard_average", service="mobile", kind="repair",
         qualifier=("平均时间", "average")),
    _sla("mobile_repair_timely", MOBILE, "障碍修复时长", "Fault repair time", "timely_rate",
         "percent", "standard_timely", service="mobile", kind="repair",
         qualifier=("及时率", "on time")),
    IndicatorDefinition(
        code="network_connection_rate", section=MOBILE, name_zh="网络接通率",
        name_en="Network connection rate", source="network", statistic="ratio",
        unit="percent", target_rule="indicator_target",
        qualifier_zh="忙时", qualifier_en="busy hour"),
    IndicatorDefinition(
        code="network_congestion_rate", section=MOBILE, name_zh="无线信道拥塞率",
        name_en="Radio channel congestion rate", source="network", statistic="ratio",
        unit="percent", target_rule="indicator_target",
        qualifier_zh="忙时", qualifier_en="busy hour"),
    IndicatorDefinition(
        code="network_drop_rate", section=MOBILE, name_zh="通话中断率",
        name_en="Call drop rate", source="network", statistic="ratio", unit="percent",
        target_rule="indicator_target", qualifier_zh="掉话率", qualifier_en="dropped calls"),
    # 4. 电话服务台应答
    IndicatorDefinition(
        code="hotline_answer_avg", section=HOTLINE, name_zh="10000号应答平均时间",
        name_en="Hotline 10000 average answer time", source="hotline", statistic="mean",
        unit="seconds", target_rule="indicator_target", provincial=True),
    IndicatorDefinition(
        code="hotline_timely", section=HOTLINE, name_zh="10000号应答及时率",
        name_en="Hotline 10000 calls answered on time", source="hotline",
        statistic="timely_rate", unit="percent", target_rule="indicator_target",
        provincial=True),
    # 5. 客户咨询投诉
    IndicatorDefinition(
        code="complaint_handling_avg", section=COMPLAINTS, name_zh="投诉处理平均时间",
        name_en="Average complaint handling time", source="complaints", statistic="mean",
        unit="hours", target_rule="indicator_target", kinds=("complaint_reply",)),
    IndicatorDefinition(
        code="complaint_satisfaction", section=COMPLAINTS, name_zh="投诉处理满意率",
        name_en="Complaint handling satisfaction", source="complaints",
        statistic="ratio", unit="percent", target_rule="indicator_target"),
]

BY_CODE: dict[str, IndicatorDefinition] = {d.code: d for d in INDICATORS}
# The SLA request kinds the time-limit indicators read (complaint clocks apart).
SLA_KINDS: tuple[str, ...] = ("install", "repair", "change", "reconnection")


def indicator(code: str) -> IndicatorDefinition:
    """The definition of ``code`` (``KeyError`` naming the known codes otherwise)."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown indicator {code!r} (known: {', '.join(BY_CODE)})") from None


def not_applicable(language: Language = "zh-hans") -> str:
    return NOT_APPLICABLE[_lang(language)]
