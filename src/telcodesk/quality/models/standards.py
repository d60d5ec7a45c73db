"""Service standards: the published time limits every request runs against.

A standard is data, never code. One row holds the limit for one key
(service, request kind, area, customer tier) over a validity period
``[active_from, active_to)``; periods of the same key never overlap (checked by
``services.do_create_standard``), whether enabled or not.

The ``any``-tier standard of a (service, kind, area) is the regulator's limit: the
indicators are judged against it. A tier standard (a VIP promise) is the
operator's own, stricter clock on the request; it warns and breaches there but
never changes the limit an indicator is judged against.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    FIXED = "fixed", _("Fixed telephone")
    BROADBAND = "broadband", _("Broadband")
    MOBILE = "mobile", _("Mobile")
    ANY = "any", _("Any service")


class RequestKind(models.TextChoices):
    INSTALL = "install", _("Installation")
    MOVE = "move", _("Move")
    CHANGE = "change", _("Business change")
    RECONNECTION = "reconnection", _("Reconnection")
    REPAIR = "repair", _("Fault repair")
    COMPLAINT_REPLY = "complaint_reply", _("Complaint reply")
    COMPLAINT_REGULATOR = "complaint_regulator", _("Complaint reply (regulator limit)")


class StandardArea(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    ANY = "any", _("Any area")


class Tier(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    DIAMOND = "diamond", _("Diamond")
    ANY = "any", _("Any tier")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")


class PauseReason(models.TextChoices):
    """Why a request's clock was paused. A standard names the reasons it excludes.

    Defined here because standards are data about these reasons; the SLA engine
    re-exports it as ``telcodesk.sla.models.PauseReason``.
    """

    CUSTOMER_ABSENT = "customer_absent", _("Customer absent at the appointment")
    CUSTOMER_POSTPONED = "customer_postponed", _("Customer asked to postpone")
    CUSTOMER_LINE = "customer_line", _("Customer-maintained line")
    CUSTOMER_ACCESS_LINE = "customer_access_line", _("Customer's own access line")
    HANDSET_FAULT = "handset_fault", _("Handset fault")
    AWAITING_CUSTOMER_INFO = "awaiting_customer_info", _("Waiting for the customer's information")
    AWAITING_PARTS = "awaiting_parts", _("Waiting for parts")
    OTHER = "other", _("Other")


class ServiceStandard(models.Model):
    """One published time limit for one (service, kind, area, tier) over a period."""

    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    kind = models.CharField(_("request kind"), max_length=20, choices=RequestKind.choices)
    area = models.CharField(_("area"), max_length=5, choices=StandardArea.choices,
                            default=StandardArea.ANY)
    tier = models.CharField(_("customer tier"), max_length=10, choices=Tier.choices,
                            default=Tier.ANY)
    limit_value = models.DecimalField(_("limit"), max_digits=8, decimal_places=2)
    limit_unit = models.CharField(_("unit"), max_length=12, choices=LimitUnit.choices)
    maximum_value = models.DecimalField(_("maximum"), max_digits=8, decimal_places=2,
                                        null=True, blank=True)
    average_target = models.DecimalField(_("average target"), max_digits=8, decimal_places=2,
                                         null=True, blank=True)
    timely_target_pct = models.DecimalField(_("timely-rate target (%)"), max_digits=5,
                                            decimal_places=2, null=True, blank=True)
    warning_ratio = models.DecimalField(_("warning at (share of the limit)"), max_digits=4,
                                        decimal_places=2, default=Decimal("0.80"))
    excluded_pause_reasons = models.JSONField(_("excluded pause reasons"), default=list,
                                              blank=True)
    active_from = models.DateTimeField(_("in force from"))
    active_to = models.DateTimeField(_("in force until"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    verified = models.BooleanField(_("verified against the regulator's text"), default=False)
    # A standard nobody has published yet (the shipped VIP examples) is kept disabled:
    # it is never in force until the operator enables it.
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        ordering = ["service", "kind", "area", "tier", "active_from"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        indexes = [models.Index(fields=["service", "kind", "area", "tier", "active_from"],
                                name="standard_key_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(limit_value__gt=0),
                                   name="standard_limit_positive"),
            models.CheckConstraint(
                condition=models.Q(warning_ratio__gt=0) & models.Q(warning_ratio__lte=1),
                name="standard_warning_ratio_range"),
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_to__gt=models.F("active_from")),
                name="standard_period_order"),
        ]

    def __str__(self) -> str:
        return (f"{self.get_service_display()} · {self.get_kind_display()} · "
                f"{self.get_area_display()} · {self.get_tier_display()}: "
                f"{self.limit_label}")

    @property
    def limit_label(self) -> str:
        return f"{self.limit_value.normalize():f} {self.get_limit_unit_display()}"
