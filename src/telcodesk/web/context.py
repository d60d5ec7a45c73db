"""Template context shared by every page: version and the console navigation.

``NAV_ITEMS`` lists the console's sections. An item is shown when its URL name
resolves (an app that is not built yet is skipped) and, if it has one, its
rule accepts the signed-in user. Each rule is a function of the owning app's
``permissions`` module, the same one its page answers 403 with: the menu never
offers a page that refuses its user. Apps add their section here.

The menu shows the first ``NAV_PRIMARY`` sections a user may open on its line and
the rest under "More", so it keeps to one line at 1280 px for every role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import telcodesk
from telcodesk.care.permissions import may_see_hotline_figures, may_see_ivr
from telcodesk.core.models import User
from telcodesk.core.permissions import may_use_tokens
from telcodesk.notify.permissions import may_edit_templates
from telcodesk.quality.permissions import may_see_reports, may_view_quality_counts

# How many sections stand on the menu's line; the others go under "More".
NAV_PRIMARY = 6


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    allowed: Callable[[User], bool] | None = None
    description: str | Promise = ""


NAV_ITEMS: list[NavItem] = [
    NavItem("console:customers", _("Customers"), None,
            _("Find a customer by name, customer number or phone number.")),
    NavItem("console:work_orders", _("Work orders"), None,
            _("Installation, move and repair work orders, the most urgent first.")),
    NavItem("console:orders", _("Orders"), None,
            _("Customer orders, confirmations and signatures.")),
    NavItem("console:complaints", _("Complaints"), None,
            _("Complaints from every channel, owned from first contact to closure.")),
    NavItem("console:calls", _("Hotline calls"), None,
            _("Calls imported from the call centre, linked to customers.")),
    NavItem("console:hotline_stats", _("Hotline figures"), may_see_hotline_figures,
            _("Offered, answered, abandoned and answer times by group, queue, hour and day.")),
    NavItem("console:ivr", _("IVR and skill groups"), may_see_ivr,
            _("The 10000 menu tree, skill groups and the queues they use.")),
    NavItem("console:network_imports", _("Network counters"), may_view_quality_counts,
            _("Busy-hour counters of the radio cells: import files, place cells in branches.")),
    NavItem("console:billing_errors", _("Billing errors"), may_view_quality_counts,
            _("Erroneous and all charge records per month, entered or imported.")),
    NavItem("console:reports", _("Quality report"), may_see_reports,
            _("The half-year service-quality report: figures, words, downloads, publication.")),
    NavItem("console:notify_failures", _("Message failures"), None,
            _("SMS that could not be delivered; resend them.")),
    NavItem("console:notify_templates", _("Message templates"), may_edit_templates,
            _("The text of every kind of SMS, with its length.")),
    NavItem("console:calendar", _("Working calendar"), None,
            _("Statutory holidays, adjusted working days and local overrides.")),
    NavItem("console:tokens", _("API tokens"), may_use_tokens,
            _("Bearer tokens for the TMF Open API.")),
]


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    description: str | Promise
    active: bool


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The console sections the signed-in user may open, in menu order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = []
    for item in NAV_ITEMS:
        if item.allowed is not None and not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/console/" and request.path.startswith(url))
        links.append(NavLink(url, item.label, item.description, active))
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    links = nav_links(request)
    more = links[NAV_PRIMARY:] if len(links) > NAV_PRIMARY + 1 else []
    return {
        "telcodesk_version": telcodesk.__version__,
        "nav_links": links,
        "nav_primary": links[:len(links) - len(more)],
        "nav_more": more,
        "nav_more_active": any(link.active for link in more),
    }
