"""Template tags of the complaint pages for other apps' pages: ``{% load care_complaints %}``.

- ``{% customer_complaints customer %}``: the customer's latest complaints the
  signed-in staff member may see (customer page), with a link to register one.
- ``{{ answer.channel|survey_channel }}``: how a survey answer reached us.
"""

from __future__ import annotations

from typing import Any

from django import template

from telcodesk.care import permissions
from telcodesk.care.models import SURVEY_CHANNEL_LABELS
from telcodesk.care.selectors import complaints as selectors

register = template.Library()

SHOWN = 10


@register.inclusion_tag("care/_customer_complaints.html", takes_context=True)
def customer_complaints(context: dict[str, Any], customer: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"complaints": [], "customer": customer, "request": request}
    complaints = list(selectors.complaints_of_customer(user, customer.pk)[:SHOWN + 1])
    return {"complaints": complaints[:SHOWN], "more": len(complaints) > SHOWN,
            "customer": customer, "request": request,
            "may_receive": permissions.may_receive(user)}


@register.filter
def survey_channel(value: str) -> str:
    return str(SURVEY_CHANNEL_LABELS.get(value, value))
