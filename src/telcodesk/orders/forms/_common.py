"""What the orders forms modules share (private to ``orders.forms``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ANY = [("", _("Any"))]
