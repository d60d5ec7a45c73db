"""Console pages behind the report's figures: the records of one figure, and the SLA
explanation of one request (``quality/records/``, ``quality/clocks/<id>/``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from telcodesk.core import clock
from telcodesk.core.models import User
from telcodesk.quality.errors import QualityError
from telcodesk.quality.indicators.definitions import BY_CODE
from telcodesk.quality.indicators.drilldown import RecordsBehind, records_behind
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.sla.errors import SlaError
from telcodesk.sla.selectors import clock_visible_to, explain

PAGE_SIZE = 100
FILTERS = ("code", "period", "unit", "area", "late")


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class ClockRow:
    """One finished request behind a time-limit figure, as the figure judged it: its
    duration and verdict under the regulator's limit (not a VIP tier's promise)."""

    pk: int
    label: str
    url: str
    unit: Any
    area: str
    tier: str
    accepted_at: Any
    stopped_at: Any
    counted: Decimal | None
    limit: Decimal
    limit_unit: str
    timely: bool | None


def _clock_rows(records: list[Any]) -> list[ClockRow]:
    return [ClockRow(pk=c.pk, label=c.subject_label, url=c.subject_url, unit=c.org_unit,
                     area=c.area, tier=c.tier, accepted_at=c.accepted_at,
                     stopped_at=c.stopped_at, counted=c.indicator_duration,
                     limit=c.indicator_limit_value, limit_unit=c.get_indicator_limit_unit_display(),
                     timely=c.indicator_timely) for c in records]


def _query(request: HttpRequest, **override: str) -> str:
    params = {name: request.GET.get(name, "") for name in FILTERS}
    params.update(override)
    return urlencode({k: v for k, v in params.items() if v})


@login_required
@require_GET
def indicator_records(request: HttpRequest) -> HttpResponse:
    """The records behind one figure (``?code=&period=&unit=&area=&late=1``)."""
    user = _viewer(request)
    code = request.GET.get("code", "")
    try:
        period = parse_period(request.GET.get("period", ""))
        behind: RecordsBehind = records_behind(
            user=user, code=code, period=period, unit_code=request.GET.get("unit", ""),
            area=request.GET.get("area", ""), only_late=request.GET.get("late") == "1")
    except QualityError as exc:
        return render(request, "quality/drill_records.html",
                      {"error": exc.message, "definition": BY_CODE.get(code)},
                      status=exc.http_status)
    page = Paginator(behind.records, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    language = getattr(request, "LANGUAGE_CODE", "zh-hans")
    context = {
        "behind": behind,
        "definition": behind.definition,
        "label": behind.definition.label(language),
        "section": behind.definition.section.title(language),
        "period_label": behind.period.label(language),
        "page": page,
        "rows": _clock_rows(items) if behind.source in ("sla",) or (
            behind.source == "complaints" and behind.definition.kinds) else items,
        "template": _row_template(behind),
        "query": _query(request, page=""),
        "all_url": f"?{_query(request, late='', page='')}",
        "late_url": f"?{_query(request, late='1', page='')}",
    }
    return render(request, "quality/drill_records.html", context)


def _row_template(behind: RecordsBehind) -> str:
    if behind.source == "sla" or (behind.source == "complaints" and behind.definition.kinds):
        return "quality/drill_clocks.html"
    return {"complaints": "quality/drill_answers.html", "hotline": "quality/drill_calls.html",
            "network": "quality/drill_counters.html",
            "billing": "quality/drill_billing.html"}[behind.source]


@login_required
@require_GET
def sla_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """How one request's time was counted: the SLA engine's explanation."""
    try:
        found = clock_visible_to(_viewer(request), pk)
    except SlaError as exc:
        raise Http404(exc.message) from None
    return render(request, "quality/drill_clock.html", {
        "clock": found, "story": explain(found, now=clock.now()),
        "back": request.GET.get("back", "") if request.GET.get("back", "").startswith(
            "/console/") else ""})
