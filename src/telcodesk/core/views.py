"""Console pages of the core app.

The working calendar: every signed-in staff member may look at it and use the check
form; only those for whom ``permissions.may_edit_calendar`` holds (quality managers,
administrators) may enter a holiday notice or override a day.

API tokens: list, create (secret shown once), revoke. Everyone signed in may hold
tokens of their own. Administrators (and superusers) also see, issue and revoke the
tokens of the users in their branch subtree. A token the user may not see is a 404,
never a 403, so the pages do not reveal which tokens exist.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.core import clock
from telcodesk.core.calendar import (
    PACKAGE,
    WorkingCalendar,
    calendar_overrides,
    holiday_notices,
    load_calendar,
)
from telcodesk.core.errors import DomainError
from telcodesk.core.forms import (
    CalendarCheckForm,
    CalendarDayForm,
    CalendarDayRemoveForm,
    HolidayNoticeForm,
)
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import may_administer_tokens, may_edit_calendar, may_use_tokens
from telcodesk.core.selectors import scope_q, tokens_visible_to
from telcodesk.core.services import (
    do_enter_holiday_notice,
    do_issue_token,
    do_remove_calendar_day,
    do_revoke_token,
    do_set_calendar_day,
)

# --- the working calendar ------------------------------------------------------------------


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


# --- API tokens ----------------------------------------------------------------------------


def _token_user(request: HttpRequest) -> User:
    """The signed-in user, if their role uses API tokens (403 otherwise)."""
    viewer = cast(User, request.user)
    if not may_use_tokens(viewer):
        raise PermissionDenied(_("Only managers and administrators hold API tokens."))
    return viewer


def _token_owners(user: User) -> QuerySet[User]:
    """Whom ``user`` may issue a token for: themselves, or (administrators) their subtree."""
    if not may_administer_tokens(user):
        return User.objects.filter(pk=user.pk)
    return (User.objects.filter(scope_q(user, field="org_unit") | Q(pk=user.pk), is_active=True)
            .select_related("org_unit").order_by("username"))


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = cast(User, obj)
        label = user.username
        if user.display_name:
            label += f" · {user.display_name}"
        if user.org_unit:
            label += f" ({user.org_unit.name})"
        return label


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    user = OwnerChoiceField(label=gettext_lazy("For user"), queryset=User.objects.none(),
                            required=False)

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = _token_owners(viewer)
        user_field = cast(OwnerChoiceField, self.fields["user"])
        user_field.queryset = owners
        if may_administer_tokens(viewer):
            user_field.required = True
            user_field.initial = viewer.pk
        else:
            del self.fields["user"]


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    viewer = _token_user(request)
    tokens = tokens_visible_to(viewer).order_by("revoked_at", "-created_at")
    return render(request, "core/tokens.html", {
        "tokens": tokens,
        "show_owner": may_administer_tokens(viewer),
    })


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    viewer = _token_user(request)
    form = TokenCreateForm(request.POST or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("user") or viewer
        try:
            issued = do_issue_token(now=clock.now(), user=owner, name=form.cleaned_data["name"],
                                    actor=viewer, channel=Channel.CONSOLE)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # The secret goes into this one response and nowhere else: not the
            # session, not a redirect, not a log line.
            return render(request, "core/tokens_created.html", {
                "token": issued.token,
                "secret": issued.raw,
                "api_url": request.build_absolute_uri("/tmf-api/customerManagement/v4/customer"),
            })
    return render(request, "core/tokens_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _token_user(request)
    token = get_object_or_404(tokens_visible_to(viewer), pk=pk)
    if request.method == "POST":
        if token.revoked_at is None:
            do_revoke_token(now=clock.now(), token=token, actor=viewer, channel=Channel.CONSOLE)
            messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
        return redirect("console:tokens")
    return render(request, "core/tokens_revoke.html", {"token": token})
