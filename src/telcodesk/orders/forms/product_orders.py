"""Forms of the customer-order console pages: new orders, the list filter, cancellation.

Forms validate input only; the rules are enforced again by ``orders.services``
and shown as form errors when they refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from telcodesk.orders.forms._common import ANY, PERSON_CHANNELS, PersonChannelForm
from telcodesk.orders.models import (
    ItemKind,
    OrderChannel,
    OrderState,
)

# The business changes a clerk orders from the console (others go through the API).
CONSOLE_ORDER_KINDS = [
    ItemKind.PACKAGE_CHANGE, ItemKind.VAS_SUBSCRIBE, ItemKind.VAS_UNSUBSCRIBE,
    ItemKind.SUSPENSION, ItemKind.RECONNECTION,
]


class OrderForm(PersonChannelForm):
    default_channel = OrderChannel.COUNTER

    number = forms.CharField(label=_("Line or phone number"), max_length=40)
    kind = forms.ChoiceField(label=_("Request"),
                             choices=[(k.value, k.label) for k in CONSOLE_ORDER_KINDS])
    package = forms.CharField(label=_("New package code"), required=False, max_length=40,
                              help_text=_("For a package change."))
    offering = forms.CharField(label=_("Value-added service code"), required=False,
                               max_length=40,
                               help_text=_("For a value-added service order or cancellation."))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=PERSON_CHANNELS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ItemKind.PACKAGE_CHANGE and not data.get("package"):
            self.add_error("package", _("Give the new package."))
        if kind in (ItemKind.VAS_SUBSCRIBE, ItemKind.VAS_UNSUBSCRIBE) and not data.get(
                "offering"):
            self.add_error("offering", _("Give the value-added service."))
        return data


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=ANY + list(OrderState.choices))
    q = forms.CharField(label=_("Order number"), required=False, max_length=20)


class CancelOrderForm(forms.Form):
    reason = forms.CharField(label=_("Cancellation reason"), max_length=300)
