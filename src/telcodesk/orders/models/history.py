"""Finished requests imported from a legacy system about lines telcodesk never knew."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from telcodesk.orders.models.product_orders import OrderChannel

__all__ = ["HistoricalRequest"]


class HistoricalRequest(models.Model):
    """A finished request imported from history about a line telcodesk never knew (a
    churned subscriber's). It is kept for the figures — its stopped SLA clock counts
    like any other — and marked as history: no customer, no line, no work order.
    ``number`` is the line's number as the legacy system gave it (normalised)."""

    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    service = models.CharField(_("service"), max_length=10)
    number = models.CharField(_("number"), max_length=40)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    area = models.CharField(_("area"), max_length=5)
    channel = models.CharField(_("channel"), max_length=15, choices=OrderChannel.choices)
    description = models.TextField(_("description"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"))
    finished_at = models.DateTimeField(_("finished"))
    sla_clock = models.OneToOneField("sla.SlaClock", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="historical_request",
                                     verbose_name=_("SLA clock"))
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("historical request")
        verbose_name_plural = _("historical requests")
        indexes = [models.Index(fields=["external_id"], name="historical_request_ext_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} @ {self.finished_at:%Y-%m-%d}"
