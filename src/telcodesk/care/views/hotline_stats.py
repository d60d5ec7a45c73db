"""Console page of the hotline's figures.

- ``hotline_stats``: the figures (``care.selectors.hotline_stats``) of a period
  (default: the last complete month) by group, queue, day and hour, with charts.
  Operator-wide: every staff member sees the whole hotline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from telcodesk.care.forms.hotline_stats import StatsPeriodForm
from telcodesk.care.selectors.hotline_stats import (
    FigureRow,
    HotlineFigures,
    hotline_report,
    last_complete_month,
)
from telcodesk.care.views._common import figures_viewer
from telcodesk.core import charts, clock


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
    figures_viewer(request)
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
