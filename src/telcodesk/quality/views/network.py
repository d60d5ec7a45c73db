"""Console pages of the network counters.

- ``network_imports``   the counter files imported, and the upload form (an upload is
                        kept and imported on the worker: ``quality.services.imports``;
                        the page lists the uploads with their progress and outcome)
- ``network_cells``     the cell registry: which branch each cell counts for (one cell
                        placed at once; a registry file imported on the worker)
- ``network_counters``  the cell-days behind a network figure (per cell, for a
                        period and a branch): the drill-down target

Quality managers, branch managers and administrators may look; only quality
managers and administrators (and superusers) may import or place
(``quality.permissions``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.selectors import org_unit_by_code, visible_org_units
from telcodesk.quality.errors import QualityError
from telcodesk.quality.forms.network import CellPlaceForm, CounterUploadForm, FileForm
from telcodesk.quality.indicators.periods import Period, parse_period
from telcodesk.quality.network import formulas
from telcodesk.quality.network.csv_format import (
    CANONICAL_HEADER,
    CELL_HEADER,
    CellRow,
    QualityFileError,
)
from telcodesk.quality.permissions import may_enter_quality_counts
from telcodesk.quality.selectors.network import (
    NetworkTotals,
    cell_totals,
    cell_units,
    combine_network_totals,
    counter_summary,
    network_import_list,
    visible_cells,
)
from telcodesk.quality.services import imports as import_services
from telcodesk.quality.services.imports import do_queue_import
from telcodesk.quality.services.network import do_register_cells
from telcodesk.quality.views._common import (
    count_editor,
    count_viewer,
    imports_context,
    page_query,
    queued_message,
)

PER_PAGE = 30


# --- counter imports ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def network_imports(request: HttpRequest) -> HttpResponse:
    viewer = count_viewer(request)
    form = CounterUploadForm()
    if request.method == "POST":
        viewer = count_editor(request)
        form = CounterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                do_queue_import(now=clock.now(), actor=viewer, kind=import_services.COUNTERS,
                                upload=upload, file_name=upload.name,
                                replace=form.cleaned_data["replace"])
            except QualityError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, queued_message(upload.name))
                return redirect("console:network_imports")
    imports = network_import_list()
    page = Paginator(imports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/network_imports.html", {
        "page": page, "query": page_query(request), "summary": counter_summary(),
        "form": form, "may_enter": may_enter_quality_counts(viewer),
        "header": CANONICAL_HEADER, **imports_context(viewer, import_services.COUNTERS),
    })


# --- cells ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def network_cells(request: HttpRequest) -> HttpResponse:
    viewer = count_viewer(request)
    upload_form = FileForm(prefix="registry")
    place_form = CellPlaceForm(units=cell_units(viewer), prefix="cell")
    if request.method == "POST":
        viewer = count_editor(request)
        if request.POST.get("action") == "upload":
            upload_form = FileForm(request.POST, request.FILES, prefix="registry")
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    do_queue_import(now=clock.now(), actor=viewer, kind=import_services.CELLS,
                                    upload=upload, file_name=upload.name)
                except QualityError as exc:
                    upload_form.add_error(None, exc.message)
                else:
                    messages.success(request, queued_message(upload.name))
                    return redirect("console:network_cells")
        else:
            place_form = CellPlaceForm(request.POST, units=cell_units(viewer), prefix="cell")
            if place_form.is_valid():
                data = place_form.cleaned_data
                unit = data["unit"]
                try:
                    do_register_cells(now=clock.now(), actor=viewer, rows=[CellRow(
                        code=data["code"], name=data["name"] or None,
                        unit_code=unit.code if unit else "")], channel=Channel.CONSOLE)
                except QualityFileError as exc:
                    place_form.add_error(None, "; ".join(p.message
                                                         for p in exc.problems.listed_errors()))
                except QualityError as exc:
                    place_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Cell %(cell)s saved.") % {"cell": data["code"]})
                    return redirect("console:network_cells")
    search = request.GET.get("q", "").strip()
    unplaced = request.GET.get("unplaced") == "1"
    cells = visible_cells(viewer, search=search, without_unit=unplaced)
    page = Paginator(cells, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/network_cells.html", {
        "page": page, "query": page_query(request), "search": search, "unplaced": unplaced,
        "upload_form": upload_form, "place_form": place_form,
        "may_enter": may_enter_quality_counts(viewer), "header": CELL_HEADER,
        "summary": counter_summary(), **imports_context(viewer, import_services.CELLS),
    })


# --- the cell-days behind a figure ------------------------------------------------------


def _rates(totals: NetworkTotals) -> dict[str, Decimal | None]:
    return {"connection": formulas.percent(totals.connection_rate),
            "congestion": formulas.percent(totals.congestion_rate),
            "drop": formulas.percent(totals.drop_rate)}


def _default_period(today: dt.date) -> Period:
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return parse_period(f"{last_month:%Y-%m}")


@login_required
@require_GET
def network_counters(request: HttpRequest) -> HttpResponse:
    """Per-cell sums for a period and a branch (``?period=2026-07&unit=ty``;
    ``unit=none`` for the cells without a branch)."""
    viewer = count_viewer(request)
    error = ""
    period_text = request.GET.get("period", "").strip()
    try:
        period = parse_period(period_text) if period_text else _default_period(clock.today())
    except QualityError as exc:
        error, period = exc.message, _default_period(clock.today())
    unit_code = request.GET.get("unit", "").strip()
    unplaced = unit_code == "none"
    unit = None
    if unit_code and not unplaced:
        unit = org_unit_by_code(unit_code)
        if unit is None or not visible_org_units(viewer).filter(pk=unit.pk).exists():
            error, unit = _("Unknown branch %(code)s.") % {"code": unit_code}, None
    rows = cell_totals(viewer, start=period.start, end=period.end, unit=unit, unplaced=unplaced)
    total = combine_network_totals([r.totals for r in rows], month=period.start)
    return render(request, "quality/network_counters.html", {
        "period": period, "period_text": period_text or period.code, "unit": unit,
        "unit_code": unit_code, "unplaced": unplaced, "error": error,
        "rows": [{"cell": r.cell, "totals": r.totals, "rates": _rates(r.totals),
                  "first_day": r.first_day, "last_day": r.last_day} for r in rows],
        "total": total, "total_rates": _rates(total),
        "units": cell_units(viewer),
    })


