"""The login attempt counters of ``web.ratelimit`` (one row per username or address)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginCounter(models.Model):
    """Password checks claimed by one username or one client address in the current window.

    ``key`` is ``user:<sha256>`` or ``addr:<sha256>``: no username or address is
    stored in clear. Changed only by conditional ``UPDATE`` statements, so
    parallel requests can never claim more checks than the limit.
    """

    key = models.CharField(_("key"), max_length=80, unique=True)
    count = models.PositiveIntegerField(_("attempts"), default=0)
    window_start = models.DateTimeField(_("window start"))

    class Meta:
        verbose_name = _("login counter")
        verbose_name_plural = _("login counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"
