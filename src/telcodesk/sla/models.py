"""The SLA engine's records: the service standards (the published time limits and
their vocabulary), one clock per request, its pauses, its alerts.

A standard is data, never code. One row holds the limit for one key
(service, request kind, area, customer tier) over a validity period
``[active_from, active_to)``; periods of the same key never overlap (checked by
``services.do_create_standard``), whether enabled or not. The ``any``-tier standard
of a (service, kind, area) is the regulator's limit: the indicators are judged
against it. A tier standard (a VIP promise) is the operator's own, stricter clock
on the request; it warns and breaches there but never changes the limit an
indicator is judged against.

A clock keeps a snapshot of the standard that matched when the request was
accepted, so a later change of standard never rewrites history. It also keeps the
regulator's limit for the request's service, kind and area (the ``any``-tier
standard): a VIP request runs, warns and breaches on its own stricter standard,
but the indicators judge it against the regulator's limit (``indicator_*``). Deadlines are
claimed by the clock process with conditional updates (``warning_claimed_at``,
``breach_claimed_at``); partial indexes keep the "what is due" query cheap over
millions of open clocks.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["AlertKind", "ClockState", "LimitUnit", "PauseReason", "RequestKind", "Service",
           "ServiceStandard", "SlaAlert", "SlaClock", "SlaPause", "StaffAlertNumber",
           "StandardArea", "Tier"]


# --- the standards: the published time limits every request runs against --------------------

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
    """Why a request's clock was paused. A standard names the reasons it excludes."""

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
        # The table kept its name when the model moved from quality to sla.
        db_table = "quality_servicestandard"
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


# --- the clocks ------------------------------------------------------------------------------


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
    CANCELLED = "cancelled", _("Cancelled")


class SlaClock(models.Model):
    """The clock of one request against its time limit."""

    standard = models.ForeignKey(ServiceStandard, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("standard"))
    # Snapshot of the standard at acceptance.
    limit_value = models.DecimalField(_("limit"), max_digits=8, decimal_places=2)
    limit_unit = models.CharField(_("unit"), max_length=12, choices=LimitUnit.choices)
    warning_ratio = models.DecimalField(_("warning ratio"), max_digits=4, decimal_places=2,
                                        default=Decimal("0.80"))
    excluded_reasons = models.JSONField(_("excluded pause reasons"), default=list, blank=True)
    service = models.CharField(_("service"), max_length=10)
    kind = models.CharField(_("request kind"), max_length=20)
    area = models.CharField(_("area"), max_length=5)
    tier = models.CharField(_("customer tier"), max_length=10)
    # What was asked for: the customer-order item kinds (sorted, comma-separated) or
    # the work-order kind; which of them feed which indicator is data
    # (quality.IndicatorMembership).
    request_types = models.CharField(_("requested"), max_length=200, blank=True)
    # The regulator's limit the indicators judge this request against.
    indicator_standard = models.ForeignKey(
        ServiceStandard, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("regulator's standard"))
    indicator_limit_value = models.DecimalField(_("regulator's limit"), max_digits=8,
                                                decimal_places=2, null=True, blank=True)
    indicator_limit_unit = models.CharField(_("regulator's limit unit"), max_length=12,
                                            choices=LimitUnit.choices, blank=True)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("organisation unit"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("assignee"))
    subject_label = models.CharField(_("request"), max_length=120)
    subject_url = models.CharField(_("link"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("accepted"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warning at"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices,
                             default=ClockState.RUNNING)
    counted_duration = models.DecimalField(_("counted duration"), max_digits=12,
                                           decimal_places=4, null=True, blank=True)
    timely = models.BooleanField(_("timely"), null=True, blank=True)
    indicator_duration = models.DecimalField(_("counted duration (regulator's unit)"),
                                             max_digits=12, decimal_places=4, null=True,
                                             blank=True)
    indicator_timely = models.BooleanField(_("within the regulator's limit"), null=True,
                                           blank=True)
    breached = models.BooleanField(_("breached"), default=False)
    warning_claimed_at = models.DateTimeField(_("warning sent"), null=True, blank=True)
    breach_claimed_at = models.DateTimeField(_("breach recorded"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("reopened"), default=0)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            # The clock process's two queries touch only unclaimed running clocks.
            models.Index(fields=["warn_at"], name="sla_warning_due_idx",
                         condition=Q(state="running", warning_claimed_at__isnull=True)),
            models.Index(fields=["due_at"], name="sla_breach_due_idx",
                         condition=Q(state="running", breach_claimed_at__isnull=True)),
            # Quality reports: the requests finished in a period. Every column the
            # indicator report's aggregate reads is in the index, so each month's
            # finished clocks are one range of it (an index-only scan).
            models.Index(fields=["state", "stopped_at", "kind", "service", "area", "org_unit",
                                 "request_types", "indicator_limit_unit", "indicator_timely",
                                 "indicator_duration"],
                         name="sla_indicator_cover_idx"),
            models.Index(fields=["subject_label"], name="sla_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} (due {self.due_at:%Y-%m-%d %H:%M})"


class SlaPause(models.Model):
    """A pause of a clock with its reason; ``excluded`` pauses stop the counting."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="pauses",
                              verbose_name=_("clock"))
    reason = models.CharField(_("reason"), max_length=30, choices=PauseReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    excluded = models.BooleanField(_("excluded from the counted time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")


class SlaAlert(models.Model):
    """An alert about a deadline to one staff member (also kept when no SMS went out)."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="alerts",
                              verbose_name=_("clock"))
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("staff member"))
    role = models.CharField(_("as"), max_length=20)  # "assignee" or "branch_manager"
    created_at = models.DateTimeField(_("created"))
    sms_sent = models.BooleanField(_("SMS queued"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [models.UniqueConstraint(fields=["clock", "kind", "staff"],
                                               name="sla_alert_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.clock_id} → {self.staff_id}"


class StaffAlertNumber(models.Model):
    """The mobile number a staff member receives deadline alerts on (optional)."""

    staff = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("staff member"))
    number = models.CharField(_("mobile number (E.164)"), max_length=20)

    class Meta:
        verbose_name = _("staff alert number")
        verbose_name_plural = _("staff alert numbers")

    def __str__(self) -> str:
        return self.number
