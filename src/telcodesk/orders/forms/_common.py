"""What the orders forms modules share (private to ``orders.forms``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from telcodesk.core.models import User
from telcodesk.core.roles import Role
from telcodesk.orders.models import OrderChannel

ANY = [("", _("Any"))]

# The channels a person at the console records a request under: an API client is not a
# person, so "API" is never offered on a form.
PERSON_CHANNELS = [(c.value, c.label) for c in OrderChannel if c != OrderChannel.API]
# Where each role works; the first of a user's roles found here gives the default.
_ROLE_CHANNEL = (
    (Role.COUNTER_CLERK, OrderChannel.COUNTER),
    (Role.VIP_CLERK, OrderChannel.COUNTER),
    (Role.HOTLINE_AGENT, OrderChannel.HOTLINE),
    (Role.COMPLAINT_HANDLER, OrderChannel.HOTLINE),
)


def channel_of(user: User | None, fallback: str) -> str:
    """The channel ``user`` works in (counter staff: the counter; hotline agents and
    complaint handlers: the hotline), else ``fallback``."""
    if user is not None:
        for role, channel in _ROLE_CHANNEL:
            if user.has_role(role):
                return channel
    return fallback


class PersonChannelForm(forms.Form):
    """A form with a ``channel`` field whose default is where ``user`` works."""

    default_channel: str = OrderChannel.HOTLINE

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = channel_of(user, self.default_channel)
