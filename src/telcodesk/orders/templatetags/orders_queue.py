"""The work-order queue's rows: ``{% load orders_queue %}{% queue_rows rows %}``.

The queue shows 50 rows on every view and on its refresh every minute. Written out
with ``format_html`` instead of a template loop (about thirty variables, filters and
tags a row), a row costs a fraction of what it did; the HTML is the same, which
``tests/orders/test_queue_rows.py`` checks against the template loop it replaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext

from telcodesk.core import phone
from telcodesk.core.permissions import may_see_full_numbers

register = template.Library()

_ROW = (
    '\n        <tr class="{}" id="wo-{}" data-sla="{}">'
    '\n          <td data-label="{}"><span class="time-left sla-{}">{}</span></td>'
    '\n          <td data-label="{}" class="mono nowrap"><a href="{}">{}</a></td>'
    '\n          <td data-label="{}">{}</td>'
    '\n          <td data-label="{}"><span class="badge wo-status-{}">{}</span></td>'
    '\n          <td data-label="{}" class="mono nowrap">{}</td>'
    '\n          <td data-label="{}">{}</td>'
    '\n          <td data-label="{}">{}</td>'
    '\n          <td data-label="{}">{}</td>'
    '\n          <td data-label="{}" class="nowrap">{}</td>'
    '\n        </tr>\n      '
)
NO_VALUE = "—"


def _unit_name(unit: Any, english: bool) -> str:
    if unit is None:
        return ""
    return str(unit.name_en) if english and unit.name_en else str(unit.name)


def _assignee(work_order: Any, unassigned: str) -> SafeString:
    if work_order.technician:
        return format_html("{}", work_order.technician)
    if work_order.team:
        return format_html("{}", work_order.team.name)
    return format_html('<span class="muted">{}</span>', unassigned)


def _due(work_order: Any) -> str:
    clock = work_order.sla_clock
    if clock is None or clock.due_at is None:
        return NO_VALUE
    return date_filter(localtime(clock.due_at), "m-d H:i") or NO_VALUE


@register.simple_tag(takes_context=True)
def queue_rows(context: Any, rows: Iterable[Any]) -> SafeString:
    """The ``<tr>`` of each ``orders.views.work_orders.QueueRow``, as the viewer sees it."""
    request = context.get("request")
    full = may_see_full_numbers(getattr(request, "user", None))
    english = (get_language() or "").startswith("en")
    labels = [gettext(text) for text in (
        "Time left", "Work order", "Kind", "Status", "Line", "Address", "Branch",
        "Assigned to", "Due")]
    left, code, kind, status, line, address, branch, assigned, due = labels
    unassigned = gettext("Unassigned")

    def cells(row: Any) -> tuple[Any, ...]:
        wo = row.work_order
        return (
            row.css, wo.code, row.status,
            left, row.status, row.label,
            code, reverse("console:work_order", args=[wo.code]), wo.code,
            kind, row.kind_label,
            status, wo.status, row.status_label,
            line, phone.shown_number(str(wo.subscription.number or ""), full=full),
            address, wo.address or NO_VALUE,
            branch, _unit_name(wo.org_unit, english),
            assigned, _assignee(wo, unassigned),
            due, _due(wo),
        )

    return format_html_join("", _ROW, (cells(row) for row in rows))
