"""Console page of the working calendar.

Every signed-in staff member may look at the calendar and use the check form;
only those for whom ``may_edit_calendar`` holds (quality managers,
administrators) may enter a holiday notice or override a day.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from telcodesk.core import clock
from telcodesk.core.calendar import (
    PACKAGE,
    WorkingCalendar,
    calendar_overrides,
    holiday_notices,
    load_calendar,
)
from telcodesk.core.calendar_services import (
    do_enter_holiday_notice,
    do_remove_calendar_day,
    do_set_calendar_day,
)
from telcodesk.core.errors import DomainError
from telcodesk.core.forms import (
    CalendarCheckForm,
    CalendarDayForm,
    CalendarDayRemoveForm,
    HolidayNoticeForm,
)
from telcodesk.core.models import Channel, User
from telcodesk.core.selectors import may_edit_calendar


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _editor(request: HttpRequest) -> User:
    viewer = _viewer(request)
    if not may_edit_calendar(viewer):
        raise PermissionDenied(_("Only a quality manager or an administrator may change the "
                                 "working calendar."))
    return viewer


def _check(calendar: WorkingCalendar, form: CalendarCheckForm) -> dict[str, Any] | None:
    """Run the check form: the n-th working day after the start date."""
    if not form.is_bound or not form.is_valid():
        return None
    start, days = form.cleaned_data["start"], form.cleaned_data["days"]
    try:
        result = calendar.add_working_days(start, days)
        info = calendar.describe(result)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    return {"start": start, "days": days, "date": result, "info": info}


def _render_page(
    request: HttpRequest,
    *,
    notice_form: HolidayNoticeForm | None = None,
    day_form: CalendarDayForm | None = None,
) -> HttpResponse:
    viewer = _viewer(request)
    calendar = load_calendar()
    this_year = clock.today().year
    next_year = this_year + 1
    check_form = CalendarCheckForm(request.GET if "start" in request.GET else None,
                                   auto_id="check_%s")
    notices = list(holiday_notices())
    context = {
        "may_edit": may_edit_calendar(viewer),
        "package": PACKAGE,
        "notices": notices,
        "notice_only_years": sorted(
            (year for year in calendar.covered_years() if year not in PACKAGE.years),
        ),
        "this_year": this_year,
        "next_year": next_year,
        "next_year_covered": calendar.covers(next_year),
        "this_year_covered": calendar.covers(this_year),
        "overrides": calendar_overrides(year_from=this_year - 1),
        "check_form": check_form,
        "check": _check(calendar, check_form),
        "notice_form": notice_form or HolidayNoticeForm(initial={
            "year": calendar.first_uncovered_year(this_year - 1),
        }),
        "day_form": day_form or CalendarDayForm(auto_id="day_%s"),
    }
    return render(request, "core/calendar.html", context)


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    return _render_page(request)


@login_required
@require_POST
def calendar_notice_add(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    form = HolidayNoticeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = do_enter_holiday_notice(
                now=clock.now(), actor=editor, year=data["year"], title=data["title"],
                source=data["source"], days=data["parsed_days"], channel=Channel.CONSOLE,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The holiday notice for %(year)s is entered: "
                                        "%(count)s days.")
                             % {"year": notice.year, "count": len(data["parsed_days"])})
            return redirect("console:calendar")
    return _render_page(request, notice_form=form)


@login_required
@require_POST
def calendar_day_set(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    form = CalendarDayForm(request.POST, auto_id="day_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_set_calendar_day(now=clock.now(), actor=editor, date=data["date"],
                                is_working_day=data["is_working_day"], name=data["name"],
                                channel=Channel.CONSOLE)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(date)s is overridden.")
                             % {"date": data["date"].isoformat()})
            return redirect("console:calendar")
    return _render_page(request, day_form=form)


@login_required
@require_POST
def calendar_day_remove(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    form = CalendarDayRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No valid date given."))
        return redirect("console:calendar")
    date = form.cleaned_data["date"]
    try:
        do_remove_calendar_day(now=clock.now(), actor=editor, date=date, channel=Channel.CONSOLE)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The override of %(date)s is removed.")
                         % {"date": date.isoformat()})
    return redirect("console:calendar")
