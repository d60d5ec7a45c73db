"""Mobile network cells and their busy-hour counters, imported per cell and day.

The network indicators (connection rate, radio channel congestion, call drop)
are computed from these counters, never from subscriber records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkCell(models.Model):
    """A radio cell; its org unit places it in a city/county for the breakdowns."""

    code = models.CharField(_("cell"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("branch"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("network cell")
        verbose_name_plural = _("network cells")

    def __str__(self) -> str:
        return self.code


class NetworkImport(models.Model):
    """One counter file imported (all its rows, or none when it failed)."""

    file_name = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("imported by"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("network counter import")
        verbose_name_plural = _("network counter imports")

    def __str__(self) -> str:
        return self.file_name


class NetworkCounter(models.Model):
    """Busy-hour counters of one cell on one day (one row per cell and day)."""

    cell = models.ForeignKey(NetworkCell, on_delete=models.PROTECT, related_name="counters",
                             verbose_name=_("cell"))
    day = models.DateField(_("day"))
    busy_hour = models.PositiveSmallIntegerField(_("busy hour"))
    call_attempts = models.BigIntegerField(_("call attempts"))
    answered = models.BigIntegerField(_("answered"))
    called_busy = models.BigIntegerField(_("called busy"))
    no_answer = models.BigIntegerField(_("no answer"))
    unreachable = models.BigIntegerField(_("unreachable"))
    tch_requests = models.BigIntegerField(_("traffic-channel requests"))
    tch_failures_no_channel = models.BigIntegerField(
        _("assignment failures (no free channel)"))
    connected_calls = models.BigIntegerField(_("connected calls"))
    dropped_calls = models.BigIntegerField(_("dropped calls"))
    source = models.ForeignKey(NetworkImport, on_delete=models.PROTECT, related_name="counters",
                               verbose_name=_("import"))

    class Meta:
        ordering = ["day", "cell"]
        verbose_name = _("busy-hour counters")
        verbose_name_plural = _("busy-hour counters")
        constraints = [
            models.UniqueConstraint(fields=["cell", "day"], name="network_counter_once"),
            models.CheckConstraint(condition=models.Q(busy_hour__lte=23),
                                   name="network_counter_busy_hour"),
        ]
        indexes = [models.Index(fields=["day"], name="network_counter_day_idx")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.day}"
