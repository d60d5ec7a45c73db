"""Console page of the billing-error counts (``billing_errors``): the counts per
month and branch, the entry form and the file import (kept and imported on the worker,
``quality.services.imports``).

Quality managers, branch managers and administrators may look; only quality
managers and administrators (and superusers) may enter or import
(``quality.permissions``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.selectors import org_unit_by_code
from telcodesk.quality.errors import QualityError
from telcodesk.quality.forms.billing import BillingEntryForm
from telcodesk.quality.forms.network import FileForm
from telcodesk.quality.network import formulas
from telcodesk.quality.network.csv_format import (
    BILLING_HEADER,
    ValueProblem,
    parse_month,
)
from telcodesk.quality.permissions import may_enter_quality_counts
from telcodesk.quality.selectors.billing import billing_units, visible_billing_counts
from telcodesk.quality.services import imports as import_services
from telcodesk.quality.services.billing import do_record_billing_errors
from telcodesk.quality.services.imports import do_queue_import
from telcodesk.quality.views._common import (
    count_editor,
    count_viewer,
    imports_context,
    queued_message,
)


def _billing_months(counts: Any) -> list[dict[str, Any]]:
    """Counts grouped by month (newest first) with the month's sums and rates."""
    months: dict[dt.date, dict[str, Any]] = {}
    for row in counts:
        month = months.setdefault(row.month, {"month": row.month, "rows": [], "erroneous": 0,
                                              "total": 0})
        month["rows"].append({"count": row, "rate": formulas.per_ten_thousand(
            formulas.billing_error_rate(erroneous=row.erroneous_records,
                                        total=row.all_records))})
        month["erroneous"] += row.erroneous_records
        month["total"] += row.all_records
    for month in months.values():
        month["rate"] = formulas.per_ten_thousand(formulas.billing_error_rate(
            erroneous=month["erroneous"], total=month["total"]))
    return sorted(months.values(), key=lambda m: m["month"], reverse=True)


@login_required
@require_http_methods(["GET", "POST"])
def billing_errors(request: HttpRequest) -> HttpResponse:
    """The counts per month and branch (``?month=2026-07&unit=ty`` narrows them)."""
    viewer = count_viewer(request)
    entry_form = BillingEntryForm(units=billing_units(viewer), prefix="entry")
    upload_form = FileForm(prefix="billing")
    if request.method == "POST":
        viewer = count_editor(request)
        if request.POST.get("action") == "upload":
            upload_form = FileForm(request.POST, request.FILES, prefix="billing")
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    do_queue_import(now=clock.now(), actor=viewer, kind=import_services.BILLING,
                                    upload=upload, file_name=upload.name)
                except QualityError as exc:
                    upload_form.add_error(None, exc.message)
                else:
                    messages.success(request, queued_message(upload.name))
                    return redirect("console:billing_errors")
        else:
            entry_form = BillingEntryForm(request.POST, units=billing_units(viewer),
                                          prefix="entry")
            if entry_form.is_valid():
                data = entry_form.cleaned_data
                try:
                    row = do_record_billing_errors(
                        now=clock.now(), actor=viewer, month=data["month"], unit=data["unit"],
                        erroneous=data["erroneous"], total=data["total"], note=data["note"],
                        channel=Channel.CONSOLE)
                except QualityError as exc:
                    entry_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Billing errors of %(month)s saved.")
                                     % {"month": f"{row.month:%Y-%m}"})
                    return redirect(reverse("console:billing_errors"))
    month_text = request.GET.get("month", "").strip()
    unit_code = request.GET.get("unit", "").strip()
    month = unit = None
    error = ""
    if month_text:
        try:
            month = parse_month(month_text)
        except ValueProblem as exc:
            error = str(exc)
    if unit_code:
        unit = org_unit_by_code(unit_code)
        if unit is None:
            error = _("Unknown branch %(code)s.") % {"code": unit_code}
    counts = visible_billing_counts(viewer, month=month, unit=unit)
    return render(request, "quality/billing_errors.html", {
        "months": _billing_months(counts), "month_text": month_text, "unit": unit,
        "error": error, "entry_form": entry_form, "upload_form": upload_form,
        "may_enter": may_enter_quality_counts(viewer), "header": BILLING_HEADER,
        **imports_context(viewer, import_services.BILLING),
    })
