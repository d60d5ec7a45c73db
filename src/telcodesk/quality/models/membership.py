"""Which requests feed which indicator: data with its source, never code.

A time-limit indicator (业务变更时长, 装机及时率 …) is computed over the finished
clocks of one service and request kind (its *measure*); a membership row says
which kinds of request inside it count: ``any`` for every request, or a named
kind (a customer-order item such as ``name_change``, or a work-order kind such
as ``repair``). A request counts when any of its kinds is a member. The defaults
follow the service standard: a package change or a value-added-service order is
not a business change unless the operator adds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """The groups of time-limit indicators that read the same requests."""

    FIXED_INSTALL = "fixed_install", _("Fixed telephone installation")
    FIXED_REPAIR = "fixed_repair", _("Fixed telephone fault repair")
    BROADBAND_INSTALL = "broadband_install", _("Internet access installation")
    BROADBAND_REPAIR = "broadband_repair", _("Internet access fault repair")
    MOBILE_CHANGE = "mobile_change", _("Mobile business change")
    MOBILE_RECONNECTION = "mobile_reconnection", _("Mobile reconnection")
    MOBILE_REPAIR = "mobile_repair", _("Mobile fault repair")


class MemberKind(models.TextChoices):
    """What was asked for: a customer-order item kind or a work-order kind."""

    ANY = "any", _("Every request")
    NEW_LINE = "new_line", _("New line")
    ACTIVATION = "activation", _("Activation")
    PACKAGE_CHANGE = "package_change", _("Package change")
    MOVE = "move", _("Move")
    SUSPENSION = "suspension", _("Suspension")
    RECONNECTION = "reconnection", _("Reconnection")
    NAME_CHANGE = "name_change", _("Name change")
    TRANSFER = "transfer", _("Transfer of ownership")
    VAS_SUBSCRIBE = "vas_subscribe", _("Value-added service subscription")
    VAS_UNSUBSCRIBE = "vas_unsubscribe", _("Value-added service cancellation")
    CANCELLATION = "cancellation", _("Line cancellation")
    INSTALL = "install", _("Installation")
    REPAIR = "repair", _("Fault repair")
    CHANGE = "change", _("Change")
    RESTORE = "restore", _("Restore")


class IndicatorMembership(models.Model):
    """One kind of request that feeds one measure, with the text that says so."""

    measure = models.CharField(_("indicator"), max_length=30, choices=Measure.choices)
    request_kind = models.CharField(_("request kind"), max_length=30,
                                    choices=MemberKind.choices)
    source = models.TextField(_("source"))
    created_at = models.DateTimeField(_("created"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        ordering = ["measure", "request_kind"]
        verbose_name = _("indicator membership")
        verbose_name_plural = _("indicator memberships")
        constraints = [models.UniqueConstraint(fields=["measure", "request_kind"],
                                               name="membership_once")]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ← {self.get_request_kind_display()}"
