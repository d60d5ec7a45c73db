"""Admin screens of the SLA engine: service standards (every change through the services,
which check overlaps), clocks read-only, staff alert numbers editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.sla.errors import SlaError
from telcodesk.sla.models import ServiceStandard, SlaAlert, SlaClock, SlaPause, StaffAlertNumber
from telcodesk.sla.selectors import overlapping_standard
from telcodesk.sla.services import do_create_standard, do_retire_standard, do_set_standard_enabled


class PauseInline(admin.TabularInline):
    model = SlaPause
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["subject_label", "service", "kind", "state", "accepted_at", "due_at",
                    "timely", "breached"]
    list_filter = ["state", "service", "kind", "breached"]
    search_fields = ["subject_label"]
    inlines = [PauseInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaAlert)
class SlaAlertAdmin(admin.ModelAdmin):
    list_display = ["clock", "kind", "staff", "role", "created_at", "sms_sent"]
    list_filter = ["kind", "role"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StaffAlertNumber)
class StaffAlertNumberAdmin(admin.ModelAdmin):
    list_display = ["staff", "number"]


# --- service standards -------------------------------------------------------------------------


class StandardForm(ModelForm):
    class Meta:
        model = ServiceStandard
        fields = ["service", "kind", "area", "tier", "limit_value", "limit_unit",
                  "maximum_value", "average_target", "timely_target_pct", "warning_ratio",
                  "excluded_pause_reasons", "active_from", "active_to", "source", "verified",
                  "enabled"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and all(k in data for k in ("service", "kind", "area", "tier",
                                                                 "active_from")):
            clash = overlapping_standard(service=data["service"], kind=data["kind"],
                                         area=data["area"], tier=data["tier"],
                                         active_from=data["active_from"],
                                         active_to=data.get("active_to"))
            if clash is not None:
                raise ValidationError(f"the validity period overlaps standard #{clash.pk} "
                                      f"({clash}); retire it first")
        return data


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    form = StandardForm
    list_display = ["service", "kind", "area", "tier", "limit_value", "limit_unit",
                    "active_from", "active_to", "verified", "enabled"]
    list_filter = ["service", "kind", "area", "tier", "verified", "enabled"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published standard is history: only its end date (retirement) and whether
        # it is enabled (the shipped VIP examples start disabled) may change.
        if obj is None:
            return []
        return [f.name for f in ServiceStandard._meta.concrete_fields
                if f.name not in ("active_to", "id", "enabled")]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ServiceStandard, form: Any,
                   change: bool) -> None:
        now = clock.now()
        try:
            if change:
                if "enabled" in form.changed_data:
                    do_set_standard_enabled(now=now, standard=obj, enabled=obj.enabled,
                                            actor=request.user,  # type: ignore[arg-type]
                                            channel=Channel.ADMIN)
                if obj.active_to is not None and "active_to" in form.changed_data:
                    do_retire_standard(now=now, standard=obj, active_to=obj.active_to,
                                       actor=request.user, channel=Channel.ADMIN)  # type: ignore[arg-type]
                return
            created = do_create_standard(
                now=now, actor=request.user, channel=Channel.ADMIN,  # type: ignore[arg-type]
                service=obj.service, kind=obj.kind, area=obj.area, tier=obj.tier,
                limit_value=obj.limit_value, limit_unit=obj.limit_unit,
                maximum_value=obj.maximum_value, average_target=obj.average_target,
                timely_target_pct=obj.timely_target_pct, warning_ratio=obj.warning_ratio,
                excluded_pause_reasons=obj.excluded_pause_reasons or [],
                active_from=obj.active_from, active_to=obj.active_to, source=obj.source,
                verified=obj.verified)
            if not obj.enabled:
                do_set_standard_enabled(now=now, standard=created, enabled=False,
                                        actor=request.user,  # type: ignore[arg-type]
                                        channel=Channel.ADMIN)
            obj.pk = created.pk
        except SlaError as exc:
            messages.error(request, exc.message)
