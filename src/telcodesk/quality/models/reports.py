"""The half-year report's words (kept per period and unit) and published reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportNarrative(models.Model):
    """What the quality manager writes: the operator introduction, the measures
    taken (sections in Markdown) and the declaration line, for one period."""

    period_code = models.CharField(_("period"), max_length=30)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("branch (blank: whole operator)"))
    introduction = models.TextField(_("operator introduction (Markdown)"), blank=True)
    # [{"title": "...", "body": "... Markdown ..."}, ...] in order.
    sections = models.JSONField(_("measures taken"), default=list, blank=True)
    declaration = models.CharField(_("declaration"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("last edited"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("edited by"))

    class Meta:
        ordering = ["-period_code"]
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [models.UniqueConstraint(fields=["period_code", "org_unit"],
                                               name="report_narrative_once")]

    def __str__(self) -> str:
        return self.period_code


class ReportPublication(models.Model):
    """A half-year report as published: the figures frozen at publication."""

    period_code = models.CharField(_("period"), max_length=30, unique=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    snapshot = models.JSONField(_("figures as published"))

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")

    def __str__(self) -> str:
        return self.period_code
