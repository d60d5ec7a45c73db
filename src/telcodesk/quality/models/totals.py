"""Daily totals of the records the indicators count, so that a report reads totals
instead of every row (``quality.services.totals`` keeps them, ``quality.selectors.totals``
reads them; see ``docs/indicators.md``, "Daily totals").

Each table holds, per local day, exactly the rows the indicator source queries return
for that day (``sla.selectors.finished_clock_totals``, ``care.selectors.complaint_stats.
survey_totals``, ``care.selectors.hotline_report.hotline_totals``): summing them over
the days of a bucket gives what those queries give for the bucket.

``TotalsState`` says up to which day each source is counted (``counted_until``,
exclusive) and under which settings; ``TotalsChange`` lists the days whose records
changed since they were counted (written in the transaction of the change).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyClockTotal(models.Model):
    """Finished clocks of one local day (by their stop), as ``ClockTotals`` groups them."""

    day = models.DateField(_("day"))
    service = models.CharField(_("service"), max_length=10)
    kind = models.CharField(_("request kind"), max_length=20)
    area = models.CharField(_("area"), max_length=5)
    org_unit_id = models.IntegerField(_("branch"), null=True, blank=True)
    limit_unit = models.CharField(_("regulator's limit unit"), max_length=12, blank=True)
    request_types = models.CharField(_("requested"), max_length=200, blank=True)
    count = models.BigIntegerField(_("finished"))
    timely = models.BigIntegerField(_("within the regulator's limit"))
    duration_sum = models.DecimalField(_("sum of counted durations"), max_digits=24,
                                       decimal_places=4)
    duration_max = models.DecimalField(_("longest counted duration"), max_digits=12,
                                       decimal_places=4, null=True, blank=True)

    class Meta:
        db_table = "quality_daily_clock_total"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["day"], name="quality_clock_total_day_idx")]
        verbose_name = _("daily clock total")
        verbose_name_plural = _("daily clock totals")

    def __str__(self) -> str:
        return f"{self.day} {self.service} {self.kind} {self.area}: {self.count}"


class DailySurveyTotal(models.Model):
    """Accepted survey answers of one local day (by their receipt)."""

    day = models.DateField(_("day"))
    org_unit_id = models.IntegerField(_("branch"), null=True, blank=True)
    area = models.CharField(_("area"), max_length=5, blank=True)
    satisfied = models.BigIntegerField(_("satisfied"))
    fairly_satisfied = models.BigIntegerField(_("fairly satisfied"))
    dissatisfied = models.BigIntegerField(_("dissatisfied"))

    class Meta:
        db_table = "quality_daily_survey_total"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["day"], name="quality_survey_total_day_idx")]
        verbose_name = _("daily survey total")
        verbose_name_plural = _("daily survey totals")

    def __str__(self) -> str:
        return f"{self.day} {self.org_unit_id} {self.area}"


class DailyCallTotal(models.Model):
    """Hotline calls that first entered an agent queue on one local day."""

    day = models.DateField(_("day"), unique=True)
    offered = models.BigIntegerField(_("offered"))
    answered = models.BigIntegerField(_("answered"))
    answered_with_wait = models.BigIntegerField(_("answered with a wait"))
    wait_seconds_answered = models.BigIntegerField(_("seconds waited"))
    answered_in_threshold = models.BigIntegerField(_("answered in time"))
    abandoned_in_grace = models.BigIntegerField(_("abandoned in the grace period"))

    class Meta:
        db_table = "quality_daily_call_total"
        ordering = ["day"]
        verbose_name = _("daily call total")
        verbose_name_plural = _("daily call totals")

    def __str__(self) -> str:
        return f"{self.day}: {self.offered}"


class TotalsState(models.Model):
    """How far the totals of one source go: every day before ``counted_until`` is
    counted (unless a ``TotalsChange`` names it), under the settings ``fingerprint``
    (the operator's zone; for calls also the thresholds and the grace period)."""

    source = models.CharField(_("source"), max_length=10, unique=True)
    counted_until = models.DateField(_("counted until (exclusive)"), null=True, blank=True)
    fingerprint = models.CharField(_("settings"), max_length=2000, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed"), null=True, blank=True)

    class Meta:
        db_table = "quality_totals_state"
        ordering = ["source"]
        verbose_name = _("totals watermark")
        verbose_name_plural = _("totals watermarks")

    def __str__(self) -> str:
        return f"{self.source} until {self.counted_until}"


class TotalsChange(models.Model):
    """Records of ``source`` on the local days ``first_day`` … ``last_day`` changed after
    they may have been counted: those days are read from the rows until recounted."""

    source = models.CharField(_("source"), max_length=10)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        db_table = "quality_totals_change"
        ordering = ["pk"]
        indexes = [models.Index(fields=["source", "first_day"],
                                name="quality_totals_change_idx")]
        verbose_name = _("changed days")
        verbose_name_plural = _("changed days")

    def __str__(self) -> str:
        return f"{self.source} {self.first_day}..{self.last_day}"
