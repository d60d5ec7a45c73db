"""Tables of the quality domain, one module per subject:

- ``membership`` which requests feed which time-limit indicator
- ``targets``    targets of the indicators that are not time limits
- ``network``    cells and their busy-hour counters
- ``billing``    monthly billing-error counts (until billing exists)
- ``reports``    the report's narrative per period, published reports
- ``snapshots``  computed report figures the console reads, their build's progress
- ``totals``     daily totals of the records the indicators count, their watermark
"""

from telcodesk.quality.models.billing import BillingErrorCount, BillingSource
from telcodesk.quality.models.membership import IndicatorMembership, Measure, MemberKind
from telcodesk.quality.models.network import NetworkCell, NetworkCounter, NetworkImport
from telcodesk.quality.models.reports import ReportNarrative, ReportPublication
from telcodesk.quality.models.snapshots import ReportSnapshot, SnapshotState
from telcodesk.quality.models.targets import IndicatorTarget, TargetComparison
from telcodesk.quality.models.totals import (
    DailyCallTotal,
    DailyClockTotal,
    DailySurveyTotal,
    TotalsChange,
    TotalsState,
)

__all__ = [
    "BillingErrorCount", "BillingSource", "DailyCallTotal", "DailyClockTotal",
    "DailySurveyTotal", "IndicatorMembership", "IndicatorTarget",
    "Measure", "MemberKind", "NetworkCell",
    "NetworkCounter", "NetworkImport", "ReportNarrative", "ReportPublication",
    "ReportSnapshot", "SnapshotState", "TargetComparison",
    "TotalsChange", "TotalsState",
]
