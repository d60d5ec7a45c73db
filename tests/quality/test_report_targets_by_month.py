"""Each table of the report is judged against what was in force at the end of its own
period: a standard replaced in the middle of the half-year gives the months before the
change the old target and limit, the months after it and the half-year the new one."""

from __future__ import annotations

from decimal import Decimal

from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.definitions import format_limits
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.sla import services as sla_services
from telcodesk.sla.selectors import standards_in_force
from tests.quality.indicator_records import at

H2 = parse_period("2025H2")


def test_months_before_a_new_standard_keep_the_old_target(operator, now):
    changed = at("2025-10-01 00:00")
    urban = next(s for s in standards_in_force(at=changed) if s.service == "fixed"
                 and s.kind == "repair" and s.area == "urban" and s.tier == "any")
    sla_services.do_retire_standard(now=now, standard=urban, active_to=changed)
    sla_services.do_create_standard(
        now=now, actor=None, service="fixed", kind="repair", area="urban", tier="any",
        limit_value="12", limit_unit="hours", timely_target_pct="98", active_from=changed,
        source="2025 revision")

    report = indicator_report(period=H2)

    timely = {month.period.code: month.get("fixed_repair_timely") for month in report.months}
    assert [timely[m].target.value for m in ("2025-07", "2025-08", "2025-09")] == [
        Decimal("95.00")] * 3
    assert [timely[m].target.value for m in ("2025-10", "2025-11", "2025-12")] == [
        Decimal("98")] * 3
    # The half-year is judged at its end: the strictest of urban 98 % and rural 95 %.
    assert report.table.get("fixed_repair_timely").target.value == Decimal("98")
    limits = {month.period.code: format_limits(month.get("fixed_repair_avg").limits)
              for month in report.months}
    assert limits["2025-09"] == "城镇24小时、农村48小时"
    assert limits["2025-10"] == "城镇12小时、农村48小时"
    assert format_limits(report.table.get("fixed_repair_avg").limits) == "城镇12小时、农村48小时"
