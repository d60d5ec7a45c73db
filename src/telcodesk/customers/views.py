"""Console pages of the customers app: search (with an HTMX live fragment) and detail.

Both read through ``customers.selectors``, which scope every query to the
viewer's branch subtree; a customer outside it is a 404.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from telcodesk.core import panels
from telcodesk.core.models import User
from telcodesk.core.paging import ScopePaginator
from telcodesk.core.selectors import audit_trail
from telcodesk.customers.selectors import customer_detail, search_customers

RESULTS_PER_PAGE = 25
AUDIT_ENTRIES_SHOWN = 10


class CustomerSearchForm(forms.Form):
    """Validates the query; the search box itself is written out in the template (HTMX)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)


def _is_fragment_request(request: HttpRequest) -> bool:
    """An HTMX request for the results only (a history restore wants the whole page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = CustomerSearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = None
    if q:
        results = search_customers(user, q).select_related("org_unit")
        page = ScopePaginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "q": q, "page": page}
    template = ("customers/_results.html" if _is_fragment_request(request)
                else "customers/customer_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def customer_page(request: HttpRequest, code: str) -> HttpResponse:
    user = cast(User, request.user)
    customer = customer_detail(user, code)  # CustomerNotFound is a 404
    return render(request, "customers/customer_detail.html", {
        "customer": customer,
        "accounts": list(customer.accounts.all()),
        "subscriptions": list(customer.subscriptions.all()),
        "audit_entries": audit_trail(target_type="customer", target_id=customer.code,
                                     limit=AUDIT_ENTRIES_SHOWN),
        # The SMS panel comes from notify (an app above customers), by registration.
        **panels.contributions(panels.CUSTOMER_PAGE, customer=customer),
    })
