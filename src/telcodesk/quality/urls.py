"""URLs of the quality app.

- ``public_patterns``   the public page of the standards in force (no login),
                        included under ``/standards/`` by the root URL map
- ``console_patterns``  console pages, joined under ``/console/`` by the root URL map;
                        one block per capability: network counters, billing errors,
                        the half-year report, indicator drill-down and SLA explanations
"""

from django.urls import URLPattern, URLResolver, path

from telcodesk.quality.views import billing as billing_views
from telcodesk.quality.views import drilldown as drilldown_views
from telcodesk.quality.views import network as network_views
from telcodesk.quality.views import reports as report_views
from telcodesk.quality.views import standards as standard_views

public_patterns: list[URLPattern | URLResolver] = [
    path("", standard_views.standards, name="standards"),
]

console_patterns: list[URLPattern | URLResolver] = []

# --- network counters (views.network) ------------------------------------------------
console_patterns += [
    path("quality/network/", network_views.network_imports, name="network_imports"),
    path("quality/network/cells/", network_views.network_cells, name="network_cells"),
    path("quality/network/counters/", network_views.network_counters,
         name="network_counters"),
]

# --- billing errors (views.billing) --------------------------------------------------
console_patterns += [
    path("quality/billing-errors/", billing_views.billing_errors, name="billing_errors"),
]

# --- the half-year report (views.reports) --------------------------------------------
console_patterns += [
    path("quality/reports/", report_views.reports, name="reports"),
    path("quality/reports/edit/", report_views.report_edit, name="report_edit"),
    path("quality/reports/<str:period>/publish/", report_views.report_publish,
         name="report_publish"),
    path("quality/reports/<str:period>/compute/", report_views.report_compute,
         name="report_compute"),
    path("quality/reports/<str:period>/<str:fmt>/", report_views.report_download,
         name="report_download"),
]

# --- indicator drill-down and SLA explanations (views.drilldown) ---------------------
console_patterns += [
    path("quality/records/", drilldown_views.indicator_records, name="indicator_records"),
    path("quality/clocks/<int:pk>/", drilldown_views.sla_clock, name="sla_clock"),
]
