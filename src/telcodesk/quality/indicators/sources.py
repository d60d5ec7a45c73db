"""Which reads the indicators are computed from (one aggregate query per source):

- ``sla``        ``sla.selectors.finished_clock_totals`` (installs, repairs, changes,
                 reconnections, and the complaint reply clocks)
- ``complaints`` ``care.selectors.complaint_stats.survey_totals``
- ``hotline``    ``care.selectors.hotline_report.hotline_totals``
- ``network``    ``quality.selectors.network.network_totals`` (busy-hour counters)
- ``billing``    ``quality.selectors.billing.billing_totals`` (billing-error counts,
                 through the registered ``BillingErrorSource``)

``compute`` rolls their rows up over the org-unit tree.
"""

from __future__ import annotations

from telcodesk.care.selectors.complaint_stats import survey_totals
from telcodesk.care.selectors.hotline_report import hotline_totals
from telcodesk.quality.network.formulas import connection_numerator
from telcodesk.quality.selectors.billing import billing_totals
from telcodesk.quality.selectors.network import network_totals
from telcodesk.sla.selectors import finished_clock_totals

__all__ = ["billing_totals", "connection_numerator", "finished_clock_totals", "hotline_totals",
           "network_totals", "survey_totals"]
