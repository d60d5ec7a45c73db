"""Console pages of the hotline's calls (contacts): the list and one call.

- ``calls``: the calls the viewer may see (``care.selectors.contacts``), newest
  first, filtered by day, skill group, queue, outcome and caller number; numbers
  masked unless the viewer's role shows them.
- ``call``: one call with its times, wait, agent, outcome, customer, the other
  queues it went through, and the ways on: open a complaint, report a fault.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from telcodesk.care.forms.calls import CallFilterForm
from telcodesk.care.permissions import may_see_hotline_figures
from telcodesk.care.selectors.contacts import (
    calls_visible_to,
    contact_for,
    filter_calls,
    opened_complaints,
    other_visits,
)
from telcodesk.care.views._common import staff_member
from telcodesk.core import phone
from telcodesk.core.models import User
from telcodesk.core.paging import ScopePaginator
from telcodesk.core.selectors import may_see_full_numbers

CALLS_PER_PAGE = 50


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
                  {"form": form, "page": page, "query": query.urlencode(),
                   "may_see_figures": may_see_hotline_figures(user)})


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
