"""Billing-error counts per month, entered or imported until billing exists.

The billing error rate (计费差错率) = erroneous charge records ÷ all charge
records. The billing capability will fill these rows itself (source
``billing``); the indicator reads only this table, so nothing else changes then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingSource(models.TextChoices):
    ENTERED = "entered", _("Entered by hand")
    IMPORTED = "imported", _("Imported from a file")
    BILLING = "billing", _("Billing system")


class BillingErrorCount(models.Model):
    month = models.DateField(_("month"))  # first day of the month
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("branch (blank: whole operator)"))
    erroneous_records = models.BigIntegerField(_("erroneous charge records"))
    all_records = models.BigIntegerField(_("all charge records"))
    source = models.CharField(_("source"), max_length=10, choices=BillingSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_at = models.DateTimeField(_("entered"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))

    class Meta:
        ordering = ["month", "org_unit"]
        verbose_name = _("billing-error count")
        verbose_name_plural = _("billing-error counts")
        constraints = [
            models.UniqueConstraint(fields=["month", "org_unit"], name="billing_count_once"),
            # NULLs are distinct in a unique index: one operator-wide row per month.
            models.UniqueConstraint(fields=["month"], condition=models.Q(org_unit__isnull=True),
                                    name="billing_count_operator_once"),
            models.CheckConstraint(condition=models.Q(erroneous_records__gte=0)
                                   & models.Q(all_records__gte=models.F("erroneous_records")),
                                   name="billing_count_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.erroneous_records}/{self.all_records}"
