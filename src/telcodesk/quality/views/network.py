"""Console pages of the network counters and the billing-error counts.

- ``network_imports``   the counter files imported, and the upload form
- ``network_cells``     the cell registry: which branch each cell counts for
- ``network_counters``  the cell-days behind a network figure (per cell, for a
                        period and a branch): the drill-down target
- ``billing_errors``    the billing-error counts per month and branch, the entry
                        form and the file import

Quality managers, branch managers and administrators may look; only quality
managers and administrators (and superusers) may import, place or enter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from telcodesk.core import clock
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.selectors import org_unit_by_code, visible_org_units
from telcodesk.quality.errors import QualityError
from telcodesk.quality.indicators.periods import Period, parse_period
from telcodesk.quality.network import formulas
from telcodesk.quality.network.csv_format import (
    BILLING_HEADER,
    CANONICAL_HEADER,
    CELL_HEADER,
    CellRow,
    QualityFileError,
    ValueProblem,
    parse_month,
)
from telcodesk.quality.permissions import may_enter_quality_counts, may_view_quality_counts
from telcodesk.quality.selectors.billing import billing_units, visible_billing_counts
from telcodesk.quality.selectors.network import (
    NetworkTotals,
    cell_totals,
    combine_network_totals,
    counter_summary,
    network_import_list,
    visible_cells,
)
from telcodesk.quality.services.billing import do_import_billing_counts, do_record_billing_errors
from telcodesk.quality.services.network import (
    CELL_UNIT_KINDS,
    do_import_cells,
    do_import_network_file,
    do_register_cells,
)

PER_PAGE = 30
WARNINGS_SHOWN = 10


def _viewer(request: HttpRequest) -> User:
    viewer = cast(User, request.user)
    if not may_view_quality_counts(viewer):
        raise PermissionDenied(_("Only quality managers, branch managers and administrators "
                                 "may see the network and billing counts."))
    return viewer


def _editor(request: HttpRequest) -> User:
    viewer = _viewer(request)
    if not may_enter_quality_counts(viewer):
        raise PermissionDenied(_("Only a quality manager or an administrator may import or "
                                 "enter counts."))
    return viewer


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- forms ----------------------------------------------------------------------------


class CounterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Counter file (CSV)"), help_text=gettext_lazy(
        "One row per cell and day; UTF-8, comma or tab separated."))
    replace = forms.BooleanField(required=False, label=gettext_lazy("Replace stored cell-days"),
                                 help_text=gettext_lazy(
                                     "Without it, a file with a cell-day already stored is "
                                     "refused."))


class FileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV)"))


class CellPlaceForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Cell"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=OrgUnit.objects.none(),
                                  required=False, empty_label=gettext_lazy("— no branch —"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class BillingEntryForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Month"), max_length=10,
                            widget=forms.TextInput(attrs={"type": "month",
                                                          "placeholder": "2026-07"}))
    unit = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=OrgUnit.objects.none(),
                                  required=False,
                                  empty_label=gettext_lazy("Whole operator"))
    erroneous = forms.IntegerField(label=gettext_lazy("Erroneous charge records"), min_value=0)
    total = forms.IntegerField(label=gettext_lazy("All charge records"), min_value=1)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def clean_month(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueProblem as exc:
            raise forms.ValidationError(str(exc)) from None


# --- counter imports ------------------------------------------------------------------


def _refused(exc: QualityFileError) -> dict[str, Any]:
    return {"file_name": exc.file_name, "count": exc.problems.error_count,
            "errors": exc.problems.listed_errors(), "more": exc.problems.unlisted_errors,
            "outcome": exc.outcome}


@login_required
@require_http_methods(["GET", "POST"])
def network_imports(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = CounterUploadForm()
    refused = None
    if request.method == "POST":
        viewer = _editor(request)
        form = CounterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = do_import_network_file(
                    now=clock.now(), actor=viewer, path_or_stream=upload,
                    file_name=upload.name, replace=form.cleaned_data["replace"],
                    channel=Channel.CONSOLE)
            except QualityFileError as exc:
                refused = _refused(exc)
            except QualityError as exc:
                form.add_error(None, exc.message)
            else:
                if report.already_imported:
                    messages.info(request, _("%(file)s was already imported (import %(id)s); "
                                             "nothing was written.")
                                  % {"file": upload.name, "id": report.network_import.pk})
                else:
                    messages.success(request, _("Imported %(file)s: %(summary)s.")
                                     % {"file": upload.name, "summary": report.describe()})
                    for line in report.warnings[:WARNINGS_SHOWN]:
                        messages.warning(request, line)
                    if report.warning_count > WARNINGS_SHOWN:
                        messages.warning(request, _("… and %(count)s more warnings.")
                                         % {"count": report.warning_count - WARNINGS_SHOWN})
                return redirect("console:network_imports")
    imports = network_import_list().annotate(stored=Count("counters"))
    page = Paginator(imports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/network_imports.html", {
        "page": page, "query": _query(request), "summary": counter_summary(),
        "form": form, "refused": refused, "may_enter": may_enter_quality_counts(viewer),
        "header": CANONICAL_HEADER,
    })


# --- cells ----------------------------------------------------------------------------


def _cell_units(viewer: User) -> Any:
    return visible_org_units(viewer).filter(kind__in=CELL_UNIT_KINDS).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def network_cells(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    upload_form = FileForm(prefix="registry")
    place_form = CellPlaceForm(units=_cell_units(viewer), prefix="cell")
    refused = None
    if request.method == "POST":
        viewer = _editor(request)
        if request.POST.get("action") == "upload":
            upload_form = FileForm(request.POST, request.FILES, prefix="registry")
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    result = do_import_cells(now=clock.now(), actor=viewer,
                                             path_or_stream=upload, file_name=upload.name,
                                             channel=Channel.CONSOLE)
                except QualityFileError as exc:
                    refused = _refused(exc)
                except QualityError as exc:
                    upload_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Registered %(file)s: %(summary)s.")
                                     % {"file": upload.name, "summary": result.describe()})
                    return redirect("console:network_cells")
        else:
            place_form = CellPlaceForm(request.POST, units=_cell_units(viewer), prefix="cell")
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
        "page": page, "query": _query(request), "search": search, "unplaced": unplaced,
        "upload_form": upload_form, "place_form": place_form, "refused": refused,
        "may_enter": may_enter_quality_counts(viewer), "header": CELL_HEADER,
        "summary": counter_summary(),
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
    viewer = _viewer(request)
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
        "units": visible_org_units(viewer).filter(kind__in=CELL_UNIT_KINDS).order_by("path"),
    })


# --- billing errors ---------------------------------------------------------------------


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
    viewer = _viewer(request)
    entry_form = BillingEntryForm(units=billing_units(viewer), prefix="entry")
    upload_form = FileForm(prefix="billing")
    refused = None
    if request.method == "POST":
        viewer = _editor(request)
        if request.POST.get("action") == "upload":
            upload_form = FileForm(request.POST, request.FILES, prefix="billing")
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    result = do_import_billing_counts(now=clock.now(), actor=viewer,
                                                      path_or_stream=upload,
                                                      file_name=upload.name,
                                                      channel=Channel.CONSOLE)
                except QualityFileError as exc:
                    refused = _refused(exc)
                except QualityError as exc:
                    upload_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Imported %(file)s: %(summary)s.")
                                     % {"file": upload.name, "summary": result.describe()})
                    for line in result.warnings[:WARNINGS_SHOWN]:
                        messages.warning(request, line)
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
        "refused": refused, "may_enter": may_enter_quality_counts(viewer),
        "header": BILLING_HEADER,
    })
