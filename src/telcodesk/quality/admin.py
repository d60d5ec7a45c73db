"""Admin for the indicators' targets and memberships (the service standards' admin is the
SLA engine's)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.quality.errors import QualityError
from telcodesk.quality.models import IndicatorMembership, IndicatorTarget
from telcodesk.quality.services.membership import (
    do_add_indicator_member,
    do_remove_indicator_member,
)

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
