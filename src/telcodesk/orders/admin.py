"""Reference data of the orders app: field teams. Orders and work orders are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from telcodesk.orders.models import CustomerOrder, Team, WorkOrder


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("code", "name", "org_unit")
    search_fields = ("code", "name")
    filter_horizontal = ("members",)


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustomerOrder)
class CustomerOrderAdmin(_ReadOnly):
    list_display = ("code", "customer", "state", "channel", "created_at")
    list_filter = ("state", "channel")
    search_fields = ("code",)


@admin.register(WorkOrder)
class WorkOrderAdmin(_ReadOnly):
    list_display = ("code", "kind", "status", "org_unit", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("code",)
