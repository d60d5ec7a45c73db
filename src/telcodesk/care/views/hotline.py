"""Console pages of the hotline: calls (contacts), one call, and the figures.

- ``calls``: the calls the viewer may see (``care.selectors.contacts``), newest
  first, filtered by day, skill group, queue, outcome and caller number; numbers
  masked unless the viewer's role shows them.
- ``call``: one call with its times, wait, agent, outcome, customer, the other
  queues it went through, and the ways on: open a complaint, report a fault.
- ``hotline_stats``: the figures (``care.selectors.hotline_stats``) of a period
  (default: the last complete month) by group, queue, day and hour, with charts.
  Operator-wide: every staff member sees the whole hotline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from telcodesk.care.forms_hotline import CallFilterForm, StatsPeriodForm
from telcodesk.care.selectors.contacts import (
    calls_visible_to,
    contact_for,
    filter_calls,
    opened_complaints,
    other_visits,
)
from telcodesk.care.selectors.hotline_stats import (
    FigureRow,
    HotlineFigures,
    hotline_report,
    last_complete_month,
)
from telcodesk.core import charts, clock, phone
from telcodesk.core.models import User
from telcodesk.core.paging import ScopePaginator
from telcodesk.core.selectors import may_see_full_numbers

CALLS_PER_PAGE = 50


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member (403 for any other account)."""
    user = cast(User, request.user)
    if not (user.is_staff or user.is_superuser):
        raise PermissionDenied(_("Only staff members see the hotline."))
    return user


# --- calls ----------------------------------------------------------------------------------


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    form = CallFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    calls = filter_calls(calls_visible_to(user), day=filters.get("day"),
                         group=filters.get("group") or None, queue=filters.get("queue") or None,
                         outcome=filters.get("outcome") or None,
                         caller=filters.get("caller") or None)
    page = ScopePaginator(calls, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "care/call_list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def _fault_url(user: User, caller: str) -> str:
    url = reverse("console:fault_new")
    # The number goes into the form only for roles that may see it in full.
    if caller and may_see_full_numbers(user):
        number = phone.national(caller) if caller.startswith("+") else caller
        return f"{url}?{urlencode({'number': number})}"
    return url


@login_required
@require_GET
def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_member(request)
    call = contact_for(user, pk)
    return render(request, "care/call_detail.html", {
        "call": call,
        "visits": other_visits(call, user),
        "fault_url": _fault_url(user, call.caller),
        "complaints": opened_complaints(call),
    })


# --- figures ----------------------------------------------------------------------------------


def _group_label(row: FigureRow, language: str) -> str:
    if row.group_code is None:
        return _("Queues not mapped to a group")
    return row.group_name(language) or row.group_code


def _charts(by_day: HotlineFigures, by_group: HotlineFigures, by_hour: HotlineFigures,
            language: str) -> dict[str, str]:
    days = [row.day.strftime("%m-%d") if row.day else "" for row in by_day.rows]
    daily = charts.bar_chart(
        title=_("Calls offered and answered per day"), categories=days,
        series=[charts.Series(_("Offered"), [r.offered for r in by_day.rows]),
                charts.Series(_("Answered"), [r.answered for r in by_day.rows])],
        y_label=_("calls"), fluid=True, chart_id="chart-daily")
    timeliness = charts.bar_chart(
        title=_("Answered in time per skill group"),
        categories=[_group_label(r, language) for r in by_group.rows],
        series=[charts.Series(_("Answered in time"), [r.timeliness_rate for r in by_group.rows])],
        value_format=charts.percent_format, tick_format=charts.percent_ticks, y_max=1,
        none_label=_("no calls"), fluid=True,
        chart_id="chart-timeliness")
    hourly = charts.bar_chart(
        title=_("Calls offered by hour of the day"),
        categories=[f"{r.hour:02d}" for r in by_hour.rows],
        series=[charts.Series(_("Offered"), [r.offered for r in by_hour.rows])],
        x_label=_("hour"), y_label=_("calls"), show_values=False, fluid=True,
        chart_id="chart-hourly")
    # The builder escapes every text it writes: the strings are safe to embed.
    return {"daily": mark_safe(daily), "timeliness": mark_safe(timeliness),  # noqa: S308
            "hourly": mark_safe(hourly)}  # noqa: S308


@login_required
@require_GET
def hotline_stats(request: HttpRequest) -> HttpResponse:
    staff_member(request)
    if request.GET:
        form = StatsPeriodForm(request.GET)
    else:
        first, after = last_complete_month(clock.local(clock.now()).date())
        form = StatsPeriodForm({"start": first.isoformat(),
                                "end": (after - dt.timedelta(days=1)).isoformat(), "group": ""})
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        period = {"start": data["start"], "end": data["end"] + dt.timedelta(days=1),
                  "group": data.get("group") or None}
        language = get_language() or ""
        figures = hotline_report(**period)  # one scan for the four tables
        context.update(
            figures=figures, total=figures["group"].total,
            first_day=data["start"], last_day=data["end"],
            group_rows=[(_group_label(r, language), r) for r in figures["group"].rows],
            charts=_charts(figures["day"], figures["group"], figures["hour"], language),
            grace=figures["group"].grace_seconds,
            exclude_short=figures["group"].exclude_short_abandons,
        )
    return render(request, "care/hotline_stats.html", context,
                  status=200 if form.is_valid() else 400)
