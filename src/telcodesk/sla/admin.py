"""Admin screens of the SLA engine: clocks read-only, staff alert numbers editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from telcodesk.sla.models import SlaAlert, SlaClock, SlaPause, StaffAlertNumber


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
