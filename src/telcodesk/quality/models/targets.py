"""Targets of the indicators that are not request time limits (network, billing,
hotline, complaints). Data, never code: the defaults ship in a data migration and
an operator publishes its own, like service standards, over ``[active_from,
active_to)``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetComparison(models.TextChoices):
    AT_MOST = "<=", _("at most")
    AT_LEAST = ">=", _("at least")
    BELOW = "<", _("below")


class IndicatorTarget(models.Model):
    indicator = models.CharField(_("indicator"), max_length=60)  # IndicatorDefinition.code
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=6)
    comparison = models.CharField(_("comparison"), max_length=2,
                                  choices=TargetComparison.choices)
    unit = models.CharField(_("unit"), max_length=15)
    active_from = models.DateTimeField(_("in force from"))
    active_to = models.DateTimeField(_("in force until"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    verified = models.BooleanField(_("verified against the regulator's text"), default=False)
    created_at = models.DateTimeField(_("created"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        ordering = ["indicator", "active_from"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        indexes = [models.Index(fields=["indicator", "active_from"], name="target_key_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.comparison} {self.value.normalize():f} {self.unit}"
