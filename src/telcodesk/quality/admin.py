"""Admin for service standards. Every change goes through the services (overlap check)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.quality.errors import QualityError
from telcodesk.quality.models import IndicatorMembership, IndicatorTarget, ServiceStandard
from telcodesk.quality.selectors.standards import overlapping_standard
from telcodesk.quality.services.membership import (
    do_add_indicator_member,
    do_remove_indicator_member,
)
from telcodesk.quality.services.standards import (
    do_create_standard,
    do_retire_standard,
    do_set_standard_enabled,
)


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
        except QualityError as exc:
            messages.error(request, exc.message)


# --- indicator targets (network, billing, hotline, complaints) ---------------------------------


class IndicatorTargetForm(ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["indicator", "comparison", "value", "unit", "active_from", "active_to",
                  "source", "verified"]

    def clean(self) -> dict[str, Any]:
        from telcodesk.quality.indicators.definitions import BY_CODE

        data = super().clean() or {}
        code = data.get("indicator")
        if code and code not in BY_CODE:
            raise ValidationError(f"unknown indicator {code!r}; known: {', '.join(BY_CODE)}")
        if code and data.get("unit") and data["unit"] != BY_CODE[code].unit:
            raise ValidationError(f"{code} is measured in {BY_CODE[code].unit}, "
                                  f"not {data['unit']}")
        return data


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    """Targets of the indicators that are not time limits. A target in force is history:
    end it (``in force until``) and add the new one from that instant."""

    form = IndicatorTargetForm
    list_display = ["indicator", "comparison", "value", "unit", "active_from", "active_to",
                    "verified"]
    list_filter = ["indicator", "verified"]
    fields = ["indicator", "comparison", "value", "unit", "active_from", "active_to", "source",
              "verified"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["indicator", "comparison", "value", "unit", "active_from", "source"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: IndicatorTarget, form: Any,
                   change: bool) -> None:
        if not change:
            obj.created_at = clock.now()
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


# --- which requests feed which time-limit indicator --------------------------------------------


@admin.register(IndicatorMembership)
class IndicatorMembershipAdmin(admin.ModelAdmin):
    """Which kinds of request feed which time-limit indicator, each with its source.
    A row is added or removed (through the services, audited), never edited."""

    list_display = ["measure", "request_kind", "source"]
    list_filter = ["measure"]
    fields = ["measure", "request_kind", "source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["measure", "request_kind", "source"]

    def save_model(self, request: HttpRequest, obj: IndicatorMembership, form: Any,
                   change: bool) -> None:
        if change:
            return
        try:
            created = do_add_indicator_member(
                now=clock.now(), measure=obj.measure, request_kind=obj.request_kind,
                source=obj.source, actor=request.user,  # type: ignore[arg-type]
                channel=Channel.ADMIN)
            obj.pk = created.pk
        except QualityError as exc:
            messages.error(request, exc.message)

    def delete_model(self, request: HttpRequest, obj: IndicatorMembership) -> None:
        do_remove_indicator_member(now=clock.now(), member=obj,
                                   actor=request.user,  # type: ignore[arg-type]
                                   channel=Channel.ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for member in list(queryset):
            self.delete_model(request, member)
