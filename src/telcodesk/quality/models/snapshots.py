"""Computed report figures kept for the console (``quality.services.snapshots``).

The report page reads the latest snapshot of its period, scope and language instead
of computing the figures on every visit; "Compute again" builds a new one on the
worker (``quality.tasks.build_report_snapshot``) and the page shows its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Computed")
    FAILED = "failed", _("Failed")


class ReportSnapshot(models.Model):
    period_code = models.CharField(_("period"), max_length=30)
    unit_code = models.CharField(_("scope"), max_length=40, blank=True)  # "": operator
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=SnapshotState.choices,
                             default=SnapshotState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # The ``IndicatorReport`` as JSON text (``quality.report.snapshot_json``).
    figures = models.TextField(_("figures"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "quality_report_snapshot"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["period_code", "unit_code", "language", "state"],
                                name="quality_snapshot_idx")]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        return f"{self.period_code} {self.unit_code or 'operator'} {self.language}: {self.state}"
