"""Landing page and the console shell: login (rate limited), logout, home."""

from __future__ import annotations

import math
from typing import cast

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from telcodesk.care.selectors import complaints as complaint_selectors
from telcodesk.core import clock
from telcodesk.core.models import Channel, User
from telcodesk.core.services import do_audit
from telcodesk.orders.selectors import work_orders as work_order_selectors
from telcodesk.web import permissions, ratelimit
from telcodesk.web.forms import LoginForm

API_DOCS_URL = "/tmf-api/docs"


def _api_docs_url() -> str:
    """The API's interactive docs if served, else its OpenAPI document."""
    for name in ("tmf:openapi-view", "tmf:openapi-json"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return API_DOCS_URL


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html", {
        "api_url": "/tmf-api/customerManagement/v4/customer",
        "api_docs_url": _api_docs_url(),
    })


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _audit_login(*, request: HttpRequest, action: str, username: str, actor: User | None,
                 address: str) -> None:
    # Never the password: only who tried, from where, and the outcome. The target
    # is the username typed, which need not name an existing user.
    do_audit(now=clock.now(), actor=actor, channel=Channel.CONSOLE, action=action,
             target_type="login", target_id=username[:64], actor_label=username or "?",
             summary=username, details={"address": address})


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    status = 200
    blocked_message = ""
    if request.method == "POST":
        now = clock.now()
        username = (request.POST.get("username") or "").strip()[:150]
        address = ratelimit.client_address(request.META)
        until = ratelimit.claim_check(username=username, address=address, now=now)
        if until is not None:
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            blocked_message = ngettext(
                "Too many failed sign-in attempts for this user or from this address. "
                "Try again in %(minutes)d minute.",
                "Too many failed sign-in attempts for this user or from this address. "
                "Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
            form = LoginForm(request, initial={"username": username})
            _audit_login(request=request, action="login.blocked", username=username,
                         actor=None, address=address)
            status = 429
        else:
            form = LoginForm(request, data=request.POST)
            if form.is_valid():
                user = form.get_user()
                auth_login(request, user)
                ratelimit.check_succeeded(username=username, address=address)
                _audit_login(request=request, action="login.success", username=username,
                             actor=user, address=address)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            _audit_login(request=request, action="login.failure", username=username,
                         actor=None, address=address)
    else:
        form = LoginForm(request)

    return render(
        request,
        "web/login.html",
        {"form": form, "next": next_url, "blocked_message": blocked_message},
        status=status,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's console home: technicians and installers go to their own work
    orders; managers see what needs them; everyone lands on the sections they may open."""
    user = cast(User, request.user)
    if permissions.lands_on_own_work(user):
        return redirect("console:my_work_orders")
    context: dict[str, object] = {}
    if permissions.sees_oversight(user):
        now = clock.now()
        alarms = work_order_selectors.team_alarms(user, now=now)
        context["oversight"] = {
            "teams": [alarm for alarm in alarms if alarm.team_code],
            "breached": sum(alarm.breached for alarm in alarms),
            "warning": sum(alarm.warning for alarm in alarms),
            "unassigned": work_order_selectors.unassigned_open_count(user),
            "complaints": complaint_selectors.complaint_limit_counts(user, now=now),
        }
    return render(request, "web/home.html", context)


# --- error pages (``handler403``, ``handler404``, ``handler500`` in the root URL map) ----------


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refused page, in the console's style and the user's language, with a way back.
    The exception's text is not shown: it need not be meant for a user."""
    return render(request, "web/error.html", {
        "status": 403,
        "heading": _("You may not open this page"),
        "explanation": _("Your role does not give access to this page. The console menu "
                         "lists the pages you may open."),
    }, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An unknown address or a record the user may not see (scoping answers "not found")."""
    return render(request, "web/error.html", {
        "status": 404,
        "heading": _("Page not found"),
        "explanation": _("There is no such page, or what it shows is not in your branch. "
                         "Check the address, or start again from the console."),
    }, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """A failed page. Renders without the database, the session or a signed-in user:
    no context processors run (the template gets a plain context)."""
    html = loader.get_template("web/500.html").render({"home_url": "/console/"})
    return HttpResponseServerError(html)
