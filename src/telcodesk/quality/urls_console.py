"""Console pages of the quality app (joined under ``/console/`` by the root URL map).

One block per capability: network counters and billing errors; indicator
drill-down and SLA explanations; the half-year report.
"""

from django.urls import URLPattern, URLResolver, path

from telcodesk.quality import views_network

console_patterns: list[URLPattern | URLResolver] = []

# --- network counters and billing errors (views_network) -----------------------------
console_patterns += [
    path("quality/network/", views_network.network_imports, name="network_imports"),
    path("quality/network/cells/", views_network.network_cells, name="network_cells"),
    path("quality/network/counters/", views_network.network_counters,
         name="network_counters"),
    path("quality/billing-errors/", views_network.billing_errors, name="billing_errors"),
]

# --- the half-year report (views_report) ---------------------------------------------
from telcodesk.quality import views_report  # noqa: E402

console_patterns += [
    path("quality/reports/", views_report.reports, name="reports"),
    path("quality/reports/edit/", views_report.report_edit, name="report_edit"),
    path("quality/reports/<str:period>/publish/", views_report.report_publish,
         name="report_publish"),
    path("quality/reports/<str:period>/<str:fmt>/", views_report.report_download,
         name="report_download"),
]

# --- indicator drill-down and SLA explanations (views_drilldown) ---------------------
from telcodesk.quality import views_drilldown  # noqa: E402

console_patterns += [
    path("quality/records/", views_drilldown.indicator_records, name="indicator_records"),
    path("quality/clocks/<int:pk>/", views_drilldown.sla_clock, name="sla_clock"),
]
